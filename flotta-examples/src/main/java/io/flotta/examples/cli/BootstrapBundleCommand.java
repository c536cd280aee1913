package io.flotta.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.flotta.core.bootstrap.BootstrapBundle;
import io.flotta.core.pki.Pem;
import io.flotta.spi.transport.ClientIdentity;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotta bootstrap-bundle DIR}. */
@Command(name = "bootstrap-bundle", mixinStandardHelpOptions = true,
        description = {"Write a bootstrap bundle for a new device.",
                "It holds the CA certificate, a fresh registration certificate and key, and the device",
                "API's address. Ship it in the device image."})
public final class BootstrapBundleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to write the bundle into.")
    Path directory;

    @Override
    public Integer call() {
        JsonNode answer = admin.client().post("/api/v1/bootstrap-bundle", "", "application/json");
        BootstrapBundle bundle = new BootstrapBundle(URI.create(answer.path("server").asText()),
                Pem.readCertificates(answer.path("ca").asText()),
                new ClientIdentity(Pem.readPrivateKey(answer.path("key").asText()),
                        Pem.readCertificates(answer.path("certificate").asText())));
        bundle.write(directory);
        spec.commandLine().getOut().printf("Bootstrap bundle for %s written to %s%nStart an agent with: "
                + "flotta agent --bundle %s%n", bundle.server(), directory.toAbsolutePath(), directory);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
