package io.flotta.examples.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotta delete device|deployment NAME}. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a device or a deployment.",
                "A deleted device's certificates are revoked and its agent is told to disconnect; a deleted",
                "deployment's workload is removed from every device."})
public final class DeleteCommand implements Callable<Integer> {

    enum Kind { device, deployment }

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "KIND", description = "device or deployment.")
    Kind kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Option(names = {"-n", "--namespace"}, description = "Namespace (devices: found in any when omitted; "
            + "deployments: the control plane's default).")
    String namespace;

    @Override
    public Integer call() {
        String path = "/api/v1/" + kind + "s/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + (namespace == null ? "" : "?namespace=" + URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        var result = admin.client().delete(path);
        spec.commandLine().getOut().printf("%s %s/%s deleted%n", kind, result.path("namespace").asText(), name);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
