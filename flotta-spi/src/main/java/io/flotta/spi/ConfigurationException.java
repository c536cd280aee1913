package io.flotta.spi;

/** The setup is wrong: no provider, a bad setting, a missing file. */
public final class ConfigurationException extends FlottaException {

    public ConfigurationException(String message) {
        super(Code.CONFIGURATION, message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(Code.CONFIGURATION, message, cause);
    }
}
