package io.flotta.core.controlplane;

import java.security.cert.X509Certificate;

/**
 * Who is calling the device API, as established from the verified leaf certificate.
 *
 * @param kind        registration certificate or device certificate
 * @param commonName  the leaf's CN ({@code register} or the device id)
 * @param namespace   the leaf's OU (device certificates), or null
 * @param expired     whether the leaf is outside its validity period
 * @param certificate the leaf
 */
public record Caller(Kind kind, String commonName, String namespace, boolean expired, X509Certificate certificate) {

    public enum Kind { REGISTRATION, DEVICE }

    public String serialHex() {
        return certificate.getSerialNumber().toString(16);
    }
}
