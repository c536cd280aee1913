package io.flotta.examples.cli;

import io.flotta.examples.admin.AdminClient;
import io.flotta.examples.admin.AdminCredentials;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the admin API is and the credential to call it with: options, else FLOTTA_* variables, else defaults. */
final class AdminOptions {

    @Option(names = "--server", defaultValue = "${env:FLOTTA_SERVER}",
            description = "Admin API URL (env FLOTTA_SERVER; default: the admin-url file in --admin-dir).")
    URI server;

    @Option(names = "--admin-dir", defaultValue = "${env:FLOTTA_ADMIN_DIR:-flotta-data}",
            description = "Directory with admin.pem, admin-key.pem and ca.pem, as `flotta server` writes them "
                    + "into its data directory (env FLOTTA_ADMIN_DIR; default: ${DEFAULT-VALUE}).")
    Path adminDir;

    AdminClient client() {
        return new AdminClient(AdminCredentials.read(adminDir, server));
    }
}
