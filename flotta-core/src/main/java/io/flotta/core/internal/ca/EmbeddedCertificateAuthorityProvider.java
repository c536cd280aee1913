package io.flotta.core.internal.ca;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.ca.CertificateAuthority;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The default CA: an ECDSA P-256 key and self-signed certificate kept as {@code ca.key} (mode 0600)
 * and {@code ca.crt} in {@link ProviderConfig#directory()}, created on first use.
 *
 * <p>Properties (all optional):
 * <ul>
 *   <li>{@value #COMMON_NAME}: the CA certificate's CN when it is created (default {@value #DEFAULT_COMMON_NAME});</li>
 *   <li>{@value #VALIDITY}: the CA certificate's validity when it is created, ISO-8601 (default
 *       {@code P3650D}); issued certificates never outlive it;</li>
 *   <li>{@value #BACKDATE}: how far NotBefore of every issued certificate lies in the past, for
 *       devices whose clock lags, ISO-8601 (default {@code PT5M}).</li>
 * </ul>
 * An existing CA is reloaded as it is: the first two properties then have no effect.
 */
public final class EmbeddedCertificateAuthorityProvider implements CertificateAuthorityProvider {

    public static final String NAME = "embedded";
    public static final String COMMON_NAME = "ca.commonName";
    public static final String VALIDITY = "ca.validity";
    public static final String BACKDATE = "ca.backdate";

    static final String DEFAULT_COMMON_NAME = "flotta-ca";
    static final Duration DEFAULT_VALIDITY = Duration.ofDays(3650);
    static final Duration DEFAULT_BACKDATE = Duration.ofMinutes(5);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CertificateAuthority create(ProviderConfig config) {
        if (config == null || config.directory() == null) {
            throw new ConfigurationException("the embedded certificate authority needs a directory "
                    + "(ProviderConfig.directory()) to keep ca.crt and ca.key in");
        }
        String commonName = config.property(COMMON_NAME, DEFAULT_COMMON_NAME);
        if (commonName.isBlank()) {
            throw new ConfigurationException(COMMON_NAME + " must not be blank");
        }
        EmbeddedCertificateAuthority.Settings settings = new EmbeddedCertificateAuthority.Settings(
                commonName,
                duration(config, VALIDITY, DEFAULT_VALIDITY, false),
                duration(config, BACKDATE, DEFAULT_BACKDATE, true));
        return EmbeddedCertificateAuthority.open(config.directory(), settings, Clock.systemUTC());
    }

    private static Duration duration(ProviderConfig config, String key, Duration fallback, boolean zeroAllowed) {
        String text = config.property(key).orElse(null);
        if (text == null) {
            return fallback;
        }
        Duration value;
        try {
            value = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(key + " must be an ISO-8601 duration such as P365D, was '" + text + "'", e);
        }
        if (value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new ConfigurationException(key + " must be " + (zeroAllowed ? "zero or positive" : "positive")
                    + ", was " + text);
        }
        return value;
    }
}
