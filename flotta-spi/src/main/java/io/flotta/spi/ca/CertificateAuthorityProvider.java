package io.flotta.spi.ca;

import io.flotta.spi.Provider;
import io.flotta.spi.ProviderConfig;

/**
 * Creates a {@link CertificateAuthority}. The embedded provider keeps its key material in
 * {@link ProviderConfig#directory()} and creates it on first use.
 */
public interface CertificateAuthorityProvider extends Provider {

    CertificateAuthority create(ProviderConfig config);
}
