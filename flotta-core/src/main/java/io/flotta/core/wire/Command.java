package io.flotta.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Content of a {@code command} message served on {@code control/in}, e.g.
 * {@code {"command":"disconnect","arguments":null}} once the device was deleted. The gateway's
 * format: both keys are always written.
 *
 * @param command   what to do: {@code disconnect}, {@code reconnect}, {@code ping}
 * @param arguments the command's arguments, {@code null} when none
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Command(
        @JsonProperty("command") String command,
        @JsonProperty("arguments") Map<String, String> arguments) {

    public static final String DISCONNECT = "disconnect";
    public static final String RECONNECT = "reconnect";
    public static final String PING = "ping";

    public Command {
        arguments = Copies.map(arguments);
    }

    public static Command disconnect() {
        return new Command(DISCONNECT, null);
    }
}
