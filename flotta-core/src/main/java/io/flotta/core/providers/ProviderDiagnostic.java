package io.flotta.core.providers;

import java.util.Objects;

/**
 * What the loader knows about one provider of an SPI: a usable one, one that declined to work here,
 * or a {@code META-INF/services} entry that could not even be turned into an object.
 *
 * @param name      the provider's {@code name()}; empty when it is broken before it could say
 * @param className the provider class; empty when the class itself could not be loaded
 * @param priority  the provider's {@code priority()}; 0 when broken
 * @param status    whether it can be selected
 * @param reason    why it is unavailable or broken; empty when available
 */
public record ProviderDiagnostic(String name, String className, int priority, Status status, String reason) {

    /** Whether a provider can be selected, and if not, whether it even loaded. */
    public enum Status {
        AVAILABLE,
        /** Loaded, but {@code isAvailable()} said no (or threw). */
        UNAVAILABLE,
        /** Its class did not load, its constructor threw, or it could not state its name or priority. */
        BROKEN
    }

    public ProviderDiagnostic {
        name = Objects.requireNonNullElse(name, "");
        className = Objects.requireNonNullElse(className, "");
        Objects.requireNonNull(status, "status");
        reason = Objects.requireNonNullElse(reason, "");
    }

    /** One line for error messages and logs, e.g. {@code podman (priority 5, a.b.PodmanProvider): available}. */
    public String describe() {
        if (status == Status.BROKEN) {
            return "broken" + (className.isEmpty() ? "" : " " + className) + ": " + reason;
        }
        String head = name + " (priority " + priority + ", " + className + ")";
        return status == Status.AVAILABLE ? head + ": available" : head + ": unavailable: " + reason;
    }
}
