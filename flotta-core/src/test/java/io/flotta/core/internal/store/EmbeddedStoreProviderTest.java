package io.flotta.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.spi.ConfigurationException;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.Store;
import io.flotta.spi.store.StoreProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreProviderTest {

    @TempDir
    Path directory;

    @Test
    void isNamedEmbeddedRanksLowAndIsAvailableWithTheDriver() {
        EmbeddedStoreProvider provider = new EmbeddedStoreProvider();

        assertThat(provider.name()).isEqualTo("embedded");
        assertThat(provider.priority()).isEqualTo(1);
        assertThat(provider.isAvailable()).isTrue();
        assertThat(provider.unavailableReason()).isEmpty();
    }

    @Test
    void isRegisteredAsAServiceProvider() {
        List<String> names = ServiceLoader.load(StoreProvider.class, StoreProvider.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).map(StoreProvider::name).toList();

        assertThat(names).contains("embedded");
    }

    @Test
    void createsAWorkingStoreInTheConfiguredDirectory() {
        try (Store store = new EmbeddedStoreProvider().create(ProviderConfig.of(directory))) {
            store.create(Resource.of(Kind.DEVICE, "default", "d1"));
            assertThat(store.list(Kind.DEVICE)).hasSize(1);
        }
        assertThat(directory.resolve("flotta.db")).isNotEmptyFile();
    }

    @Test
    void withoutTheDriverItIsUnavailableNamesTheArtifactAndRefusesToCreate() throws Exception {
        try (URLClassLoader withoutDriver = new URLClassLoader(
                new URL[] {EmbeddedStoreProvider.class.getProtectionDomain().getCodeSource().getLocation()},
                new Hiding(EmbeddedStoreProviderTest.class.getClassLoader()))) {
            StoreProvider provider = (StoreProvider) Class.forName(EmbeddedStoreProvider.class.getName(), true,
                    withoutDriver).getDeclaredConstructor().newInstance();

            assertThat(provider.getClass().getClassLoader()).isSameAs(withoutDriver);
            assertThat(provider.isAvailable()).isFalse();
            assertThat(provider.unavailableReason()).contains("org.xerial:sqlite-jdbc");
            assertThatThrownBy(() -> provider.create(ProviderConfig.of(directory)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("org.xerial:sqlite-jdbc");
        }
        assertThat(directory).isEmptyDirectory();
    }

    /** A parent that pretends the SQLite driver and flotta-core are not on the class path. */
    private static final class Hiding extends ClassLoader {

        Hiding(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.sqlite.") || name.startsWith("io.flotta.core.")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
