package io.flotta.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServerProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ProviderRegistrationTest {

    @Test
    void serverProviderIsRegisteredAsHttp() {
        assertThat(ServiceLoader.load(TransportServerProvider.class))
                .filteredOn(provider -> provider instanceof HttpTransportServerProvider)
                .singleElement()
                .satisfies(provider -> {
                    assertThat(provider.name()).isEqualTo("http");
                    assertThat(provider.isAvailable()).isTrue();
                    assertThat(provider.unavailableReason()).isEmpty();
                });
    }

    @Test
    void clientProviderIsRegisteredAsHttp() {
        assertThat(ServiceLoader.load(TransportClientProvider.class))
                .filteredOn(provider -> provider instanceof HttpTransportClientProvider)
                .singleElement()
                .satisfies(provider -> {
                    assertThat(provider.name()).isEqualTo("http");
                    assertThat(provider.isAvailable()).isTrue();
                });
    }
}
