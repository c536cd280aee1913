package io.flotta.storage.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncManifestTest {

    @TempDir
    Path dir;

    @Test
    void survivesAReloadAndWritesOnlyWhenChanged() throws Exception {
        Path file = dir.resolve("m/manifest.json");
        SyncManifest m = SyncManifest.load(file, "id");
        SyncManifest.FileState state = new SyncManifest.FileState(5, 123, "(dev=1,ino=2)", "sha", "etag", false);
        m.put("a/b c.txt", state);
        m.putUpload("big", new SyncManifest.PendingUpload("u1", "p/big", 100, "sha2", 8 << 20));
        m.save();
        assertThat(Files.list(file.getParent())).containsExactly(file);

        SyncManifest again = SyncManifest.load(file, "id");
        assertThat(again.file("a/b c.txt")).isEqualTo(state);
        assertThat(again.upload("big").uploadId()).isEqualTo("u1");
        assertThat(again.dirty()).isFalse();
        again.put("a/b c.txt", state);
        assertThat(again.dirty()).isFalse();
        again.retainFiles(Set.of());
        assertThat(again.dirty()).isTrue();
    }

    @Test
    void aForeignOrCorruptManifestStartsEmpty() throws Exception {
        Path file = dir.resolve("manifest.json");
        SyncManifest m = SyncManifest.load(file, "bucket-a");
        m.put("x", new SyncManifest.FileState(1, 1, null, "s", "e", false));
        m.save();
        assertThat(SyncManifest.load(file, "bucket-b").size()).isZero();
        Files.writeString(file, "{\"format\":1,\"files\":{\"x\":");
        assertThat(SyncManifest.load(file, "bucket-a").size()).isZero();
    }
}
