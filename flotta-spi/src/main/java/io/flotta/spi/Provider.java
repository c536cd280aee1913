package io.flotta.spi;

/**
 * A cheap factory found by {@link java.util.ServiceLoader}: it names itself, ranks itself and says
 * whether it can work here, and creates the heavy service only when asked.
 *
 * <p>Constructors of providers must do nothing heavy and must not throw; {@link #isAvailable()}
 * must not throw either. The provider loader in {@code flotta-core} is the only code that discovers
 * providers.
 */
public interface Provider {

    /** A short, stable, lower-case name used to select this provider explicitly (e.g. {@code "http"}). */
    String name();

    /** Higher wins when several available providers of one SPI are found and none is selected by name. */
    default int priority() {
        return 5;
    }

    /**
     * Whether this provider can work in this environment. Never throws. By default: whether
     * {@link #unavailableReason()} is empty, so a provider with a condition states it once, as its reason.
     */
    default boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /** Why {@link #isAvailable()} is false, for the loader's error message; empty when available. */
    default String unavailableReason() {
        return "";
    }
}
