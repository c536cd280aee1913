package io.flotta.examples.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotta approve DEVICE}. */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = "Approve a device's enrolment request (when the server runs with --manual-approval).")
public final class ApproveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "The device id, as `flotta get enrolments` lists it.")
    String device;

    @Override
    public Integer call() {
        admin.client().post("/api/v1/enrolments/" + URLEncoder.encode(device, StandardCharsets.UTF_8) + "/approve",
                "", "application/json");
        spec.commandLine().getOut().printf("device %s approved: it registers on its next enrolment attempt%n", device);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
