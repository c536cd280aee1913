package io.flotta.spi.storage;

import java.util.List;

/** What one pass of a data sync did. */
public record SyncResult(int uploaded, int unchanged, long bytesUploaded, List<String> errors) {

    public SyncResult {
        errors = List.copyOf(errors);
    }

    public boolean succeeded() {
        return errors.isEmpty();
    }
}
