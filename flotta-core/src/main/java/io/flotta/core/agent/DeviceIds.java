package io.flotta.core.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/** The default device id: the machine id as a UUID, as upstream agents name their device. */
public final class DeviceIds {

    private DeviceIds() {
    }

    public static String local() {
        for (String file : new String[] {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
            try {
                String id = Files.readString(Path.of(file)).trim().toLowerCase(Locale.ROOT);
                if (id.matches("[0-9a-f]{32}")) {
                    return id.substring(0, 8) + "-" + id.substring(8, 12) + "-" + id.substring(12, 16) + "-"
                            + id.substring(16, 20) + "-" + id.substring(20);
                }
            } catch (IOException e) {
                // try the next source
            }
        }
        return UUID.randomUUID().toString();
    }
}
