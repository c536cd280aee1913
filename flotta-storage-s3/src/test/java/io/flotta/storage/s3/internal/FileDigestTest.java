package io.flotta.storage.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestTest {

    @TempDir
    Path dir;

    @Test
    void singlePartEtagIsTheMd5() throws Exception {
        Path f = Files.writeString(dir.resolve("a"), "hello");
        FileDigest d = FileDigest.of(f, 5, Long.MAX_VALUE);
        assertThat(d.multipart()).isFalse();
        assertThat(d.expectedEtag()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(d.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    }

    @Test
    void multipartEtagIsTheMd5OfThePartMd5sAndTheirCount() throws Exception {
        byte[] content = new byte[25];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        Path f = Files.write(dir.resolve("b"), content);
        FileDigest d = FileDigest.of(f, 25, 10);
        assertThat(d.parts()).hasSize(3);
        MessageDigest outer = MessageDigest.getInstance("MD5");
        for (int from = 0; from < 25; from += 10) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(content, from, Math.min(10, 25 - from));
            outer.update(md5.digest());
        }
        assertThat(d.expectedEtag()).isEqualTo(HexFormat.of().formatHex(outer.digest()) + "-3");
    }

    @Test
    void emptyFilesHaveOnePart() throws Exception {
        Path f = Files.createFile(dir.resolve("empty"));
        assertThat(FileDigest.of(f, 0, 10).expectedEtag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void unquotesEtags() {
        assertThat(FileDigest.unquote("\"abc\"")).isEqualTo("abc");
        assertThat(FileDigest.unquote("W/\"abc-2\"")).isEqualTo("abc-2");
        assertThat(FileDigest.unquote(null)).isEmpty();
    }
}
