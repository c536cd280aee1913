package io.flotta.spi.ca;

import java.util.Objects;

/**
 * The subject the CA writes into a device certificate, whatever the CSR asked for.
 *
 * @param commonName         the device id (lower case)
 * @param organization       {@code flotta-operator} for device certificates
 * @param organizationalUnit the device's namespace
 */
public record CertificateSubject(String commonName, String organization, String organizationalUnit) {

    public static final String DEVICE_ORGANIZATION = "flotta-operator";

    public CertificateSubject {
        Objects.requireNonNull(commonName, "commonName");
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName must not be blank");
        }
    }

    public static CertificateSubject device(String deviceId, String namespace) {
        return new CertificateSubject(deviceId.toLowerCase(java.util.Locale.ROOT), DEVICE_ORGANIZATION, namespace);
    }
}
