package io.flotta.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flotta backup FILE}. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Write a consistent copy of the control plane's store (devices, deployments,",
                "enrolment requests, revocations) to a new file while the control plane keeps",
                "serving. The CA's key is not in it: back up the data directory's ca/ apart",
                "(docs/operations.md)."})
public final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "FILE", description = "The backup file to write; it must not exist.")
    Path file;

    @Override
    public Integer call() {
        long bytes = admin.client().download("/api/v1/backup", file);
        spec.commandLine().getOut().printf("store backed up to %s (%d bytes)%nRestore: stop the server, copy the file "
                + "to DATA-DIR/store/flotta.db (see docs/operations.md)%n", file.toAbsolutePath(), bytes);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
