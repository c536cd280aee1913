package io.flotta.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.wire.Json;
import io.flotta.core.wire.S3StorageConfiguration;
import io.flotta.spi.FlottaException;
import io.flotta.spi.storage.BucketAccess;
import java.net.URI;
import org.junit.jupiter.api.Test;

class StorageWireTest {

    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void writesTheUpstreamFormatWithBase64Secrets() {
        ObjectNode s3 = StorageWire.toWire(new BucketAccess(URI.create("https://s3.example:9443"), "flotta-default-d1",
                "eu-1", "foo", "bar", PEM));

        assertThat(s3.path("bucket_host").asText()).isEqualTo("s3.example");
        assertThat(s3.path("bucket_port").asInt()).isEqualTo(9443);
        assertThat(s3.path("bucket_name").asText()).isEqualTo("flotta-default-d1");
        assertThat(s3.path("bucket_region").asText()).isEqualTo("eu-1");
        // as the upstream operator encodes them ("foo" -> "Zm9v")
        assertThat(s3.path("aws_access_key_id").asText()).isEqualTo("Zm9v");
        assertThat(s3.path("aws_secret_access_key").asText()).isEqualTo("YmFy");
        assertThat(s3.has("bucket_scheme")).isFalse();
        // the upstream wire model reads every field of it
        S3StorageConfiguration upstream = Json.convert(s3, S3StorageConfiguration.class);
        assertThat(upstream.bucketPort()).isEqualTo(9443);
        assertThat(upstream.awsCaBundle()).isNotEmpty();
    }

    @Test
    void roundTrips() {
        BucketAccess access = new BucketAccess(URI.create("https://10.0.0.5:443"), "b", "us-east-1", "AKID",
                "s3cr3t/with+chars=", PEM);
        assertThat(StorageWire.fromWire(StorageWire.toWire(access))).contains(access);
    }

    @Test
    void plainHttpStoresCarryTheSchemeExtension() {
        BucketAccess access = new BucketAccess(URI.create("http://127.0.0.1:9000"), "b", null, "a", "s", null);
        JsonNode wire = StorageWire.toWire(access);
        assertThat(wire.path("bucket_scheme").asText()).isEqualTo("http");
        assertThat(StorageWire.fromWire(wire)).contains(access);
    }

    @Test
    void absentOrEmptySectionsMeanNoStorage() {
        assertThat(StorageWire.fromWire(null)).isEmpty();
        assertThat(StorageWire.fromWire(JsonNodeFactory.instance.objectNode())).isEmpty();
        assertThat(StorageWire.fromWire(JsonNodeFactory.instance.objectNode().path("s3"))).isEmpty();
    }

    @Test
    void malformedSectionsNameTheField() {
        ObjectNode noHost = JsonNodeFactory.instance.objectNode().put("bucket_name", "b");
        assertThatThrownBy(() -> StorageWire.fromWire(noHost)).isInstanceOf(FlottaException.class)
                .hasMessageContaining("storage.s3.bucket_host");
        ObjectNode badKey = JsonNodeFactory.instance.objectNode().put("bucket_name", "b").put("bucket_host", "h")
                .put("aws_access_key_id", "not base64!");
        assertThatThrownBy(() -> StorageWire.fromWire(badKey)).isInstanceOf(FlottaException.class)
                .hasMessageContaining("storage.s3.aws_access_key_id");
    }
}
