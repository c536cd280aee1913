package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;

/**
 * A playbook for the device to run; the answer to {@code ansible} is a list of these (swagger
 * {@code playbook-executions-response}).
 *
 * @param ansiblePlaybookString the playbook ({@code ansible-playbook-string})
 * @param name                  the run's name
 * @param lastDataUpload        last data upload
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlaybookExecution(
        @JsonProperty("ansible-playbook-string") String ansiblePlaybookString,
        @JsonProperty("name") String name,
        @JsonProperty("last_data_upload")
        @JsonSerialize(using = WireTime.Serializer.class)
        @JsonDeserialize(using = WireTime.Deserializer.class)
        Instant lastDataUpload) {
}
