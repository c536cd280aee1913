package io.flotta.core.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flotta.core.providers.ProviderDiagnostic.Status;
import io.flotta.core.providers.TestWidgets.Fake;
import io.flotta.core.providers.TestWidgets.OtherFake;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.FlottaException;
import io.flotta.spi.Provider;
import io.flotta.spi.ca.CertificateAuthorityProvider;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import io.flotta.spi.storage.ObjectStorageProvider;
import io.flotta.spi.store.StoreProvider;
import io.flotta.spi.transport.TransportClientProvider;
import io.flotta.spi.transport.TransportServerProvider;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderRegistryTest {

    private static final String PROPERTY = "flotta.TestWidgetProvider";

    /** An SPI nobody implements anywhere. */
    interface Unlisted extends Provider {
    }

    @Test
    void noProviderIsAnErrorThatNamesTheArtifactToAdd() {
        ProviderRegistry<WorkloadRuntimeProvider> runtimes = ProviderRegistry.discover(WorkloadRuntimeProvider.class);

        assertThat(runtimes.providers()).isEmpty();
        assertThat(runtimes.diagnostics()).isEmpty();
        assertThatThrownBy(runtimes::select)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No io.flotta.spi.runtime.WorkloadRuntimeProvider provider is available")
                .hasMessageContaining("Found no provider at all")
                .hasMessageContaining("Add io.flotta:flotta-runtime-podman to the dependencies")
                .hasMessageContaining("flotta.runtime")
                .satisfies(e -> assertThat(((FlottaException) e).code()).isEqualTo(FlottaException.Code.CONFIGURATION));

        assertThatThrownBy(() -> new ProviderRegistry<>(TransportServerProvider.class).select())
                .hasMessageContaining("io.flotta:flotta-transport-http or io.flotta:flotta-transport-grpc");
        assertThatThrownBy(() -> new ProviderRegistry<>(ObjectStorageProvider.class).select("s3"))
                .hasMessageContaining("No io.flotta.spi.storage.ObjectStorageProvider provider is named 's3'")
                .hasMessageContaining("io.flotta:flotta-storage-s3");
        assertThatThrownBy(() -> ProviderRegistry.discover(Unlisted.class).select())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("META-INF/services/" + Unlisted.class.getName())
                .hasMessageContaining("flotta.Unlisted");
    }

    @Test
    void eachFlottaSpiHasItsSystemProperty() {
        assertThat(new ProviderRegistry<>(TransportServerProvider.class).propertyKey()).isEqualTo("flotta.transport.server");
        assertThat(new ProviderRegistry<>(TransportClientProvider.class).propertyKey()).isEqualTo("flotta.transport.client");
        assertThat(new ProviderRegistry<>(WorkloadRuntimeProvider.class).propertyKey()).isEqualTo("flotta.runtime");
        assertThat(new ProviderRegistry<>(CertificateAuthorityProvider.class).propertyKey()).isEqualTo("flotta.ca");
        assertThat(new ProviderRegistry<>(ObjectStorageProvider.class).propertyKey()).isEqualTo("flotta.storage");
        assertThat(new ProviderRegistry<>(StoreProvider.class).propertyKey()).isEqualTo("flotta.store");
        assertThat(new ProviderRegistry<>(TestWidgetProvider.class).propertyKey()).isEqualTo(PROPERTY);
    }

    @Test
    void discoveryFindsTheProviderListedOnTheClassPath() {
        ProviderRegistry<TestWidgetProvider> widgets = ProviderRegistry.discover(TestWidgetProvider.class);

        assertThat(widgets.spi()).isEqualTo(TestWidgetProvider.class);
        assertThat(widgets.providers()).singleElement().isInstanceOf(TestWidgets.Alpha.class);
        assertThat(widgets.select()).isInstanceOf(TestWidgets.Alpha.class);
        assertThat(widgets.diagnostics()).containsExactly(new ProviderDiagnostic(
                "alpha", TestWidgets.Alpha.class.getName(), 5, Status.AVAILABLE, ""));
    }

    @Test
    void oneRegisteredProviderIsSelected() {
        ProviderRegistry<TestWidgetProvider> widgets = new ProviderRegistry<>(TestWidgetProvider.class);
        Fake only = Fake.up("only", -3);

        widgets.register(only);

        assertThat(widgets.providers()).containsExactly(only);
        assertThat(widgets.select()).isSameAs(only);
        assertThat(widgets.selectConfigured(null)).isSameAs(only);
    }

    @Test
    void severalProvidersAreOrderedByPriorityThenNameThenClassWhateverTheRegistrationOrder() {
        Fake low = Fake.up("low", 1);
        Fake high = Fake.up("high", 10);
        Fake tieB = Fake.up("b", 5);
        Fake tieA = Fake.up("a", 5);
        OtherFake tieAOtherClass = new OtherFake("a", 5);
        List<TestWidgetProvider> expected = List.of(high, tieA, tieAOtherClass, tieB, low);

        ProviderRegistry<TestWidgetProvider> forward = new ProviderRegistry<>(TestWidgetProvider.class);
        List.of(low, tieAOtherClass, high, tieB, tieA).forEach(forward::register);
        ProviderRegistry<TestWidgetProvider> backward = new ProviderRegistry<>(TestWidgetProvider.class);
        List.of(tieA, tieB, high, tieAOtherClass, low).forEach(backward::register);

        assertThat(forward.providers()).containsExactlyElementsOf(expected);
        assertThat(backward.providers()).containsExactlyElementsOf(expected);
        assertThat(forward.select()).isSameAs(high);

        forward.deregister(high);
        // a tie on priority goes to the lower name, then to the lower class name
        assertThat(forward.select()).isSameAs(tieA);
        forward.deregister(tieA);
        assertThat(forward.select()).isSameAs(tieAOtherClass);
    }

    @Test
    void registerAndDeregisterControlTheContents() {
        ProviderRegistry<TestWidgetProvider> widgets = new ProviderRegistry<>(TestWidgetProvider.class);
        Fake one = Fake.up("one", 5);

        widgets.register(one);
        widgets.register(one);
        assertThat(widgets.providers()).containsExactly(one);

        assertThat(widgets.deregister(one)).isTrue();
        assertThat(widgets.deregister(one)).isFalse();
        assertThat(widgets.providers()).isEmpty();

        assertThatThrownBy(() -> widgets.register(Fake.up(" ", 5)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(Fake.class.getName())
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> widgets.register(new TestWidgets.ThrowingName()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("name() of ThrowingName failed");
        assertThat(widgets.providers()).isEmpty();
    }

    @Test
    void selectionByNameIgnoresPriority() {
        ProviderRegistry<TestWidgetProvider> widgets = new ProviderRegistry<>(TestWidgetProvider.class);
        Fake low = Fake.up("low", 1);
        Fake high = Fake.up("high", 10);
        widgets.register(low);
        widgets.register(high);

        assertThat(widgets.select("low")).isSameAs(low);
        assertThat(widgets.select(" high ")).isSameAs(high);
        assertThatThrownBy(() -> widgets.select("grpc"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("provider is named 'grpc'")
                .hasMessageContaining("high (priority 10, " + Fake.class.getName() + "): available")
                .hasMessageContaining("low (priority 1, " + Fake.class.getName() + "): available");
        assertThatThrownBy(() -> widgets.select(" "))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must not be blank");
    }

    @Test
    void theSystemPropertyPicksWhenTheCodeNamesNone() {
        ProviderRegistry<TestWidgetProvider> widgets = new ProviderRegistry<>(TestWidgetProvider.class);
        Fake low = Fake.up("low", 1);
        Fake mid = Fake.up("mid", 5);
        Fake high = Fake.up("high", 10);
        List.of(low, mid, high).forEach(widgets::register);

        String before = System.getProperty(PROPERTY);
        try {
            System.clearProperty(PROPERTY);
            assertThat(widgets.selectConfigured(null)).isSameAs(high);

            System.setProperty(PROPERTY, "low");
            assertThat(widgets.selectConfigured(null)).isSameAs(low);
            assertThat(widgets.selectConfigured("  ")).isSameAs(low);
            assertThat(widgets.selectConfigured("mid")).as("a name given in code wins").isSameAs(mid);
            assertThat(widgets.select()).as("select() is by priority only").isSameAs(high);

            System.setProperty(PROPERTY, "nope");
            assertThatThrownBy(() -> widgets.selectConfigured(null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("'nope' (from system property " + PROPERTY + ")");
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    @Test
    void anUnavailableProviderIsSkippedByPriorityAndRefusedByName() {
        ProviderRegistry<TestWidgetProvider> widgets = new ProviderRegistry<>(TestWidgetProvider.class);
        Fake podmanLike = Fake.down("socketed", 50, "no socket at /run/widget.sock");
        Fake fallback = Fake.up("fallback", 1);
        TestWidgets.ThrowingAvailability flaky = new TestWidgets.ThrowingAvailability();
        List.of(podmanLike, fallback, flaky).forEach(widgets::register);

        assertThat(widgets.select()).isSameAs(fallback);
        assertThat(widgets.providers()).containsExactly(flaky, podmanLike, fallback);
        assertThat(widgets.diagnostics()).extracting(ProviderDiagnostic::status)
                .containsExactly(Status.UNAVAILABLE, Status.UNAVAILABLE, Status.AVAILABLE);
        assertThat(widgets.diagnostics().get(0).reason()).contains("isAvailable() threw").contains("probe crashed");

        assertThatThrownBy(() -> widgets.select("socketed"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("provider 'socketed' is unavailable: no socket at /run/widget.sock");
        assertThatThrownBy(() -> widgets.select("flaky"))
                .hasMessageContaining("provider 'flaky' is unavailable: isAvailable() threw")
                .hasMessageContaining("probe crashed");

        widgets.deregister(fallback);
        assertThatThrownBy(widgets::select)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("No " + TestWidgetProvider.class.getName() + " provider is available")
                .hasMessageContaining("socketed (priority 50, " + Fake.class.getName() + "): unavailable: no socket at /run/widget.sock")
                .hasMessageContaining("flaky (priority 100, " + TestWidgets.ThrowingAvailability.class.getName()
                        + "): unavailable: isAvailable() threw java.lang.IllegalStateException: probe crashed");
    }

    @Test
    void brokenServiceEntriesAreReportedAndTheOthersStillLoad(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/" + TestWidgetProvider.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, String.join("\n",
                "# a jar with bad entries among good ones",
                "io.flotta.core.providers.NoSuchWidget",
                TestWidgets.ExplodingStatic.class.getName(),
                TestWidgets.ThrowingConstructor.class.getName(),
                TestWidgets.ThrowingName.class.getName(),
                TestWidgets.Beta.class.getName(),
                // also listed on the test class path: seen through both loaders, kept once
                TestWidgets.Alpha.class.getName(),
                ""));

        ProviderRegistry<TestWidgetProvider> widgets;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try (URLClassLoader jar = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            thread.setContextClassLoader(jar);
            widgets = ProviderRegistry.discover(TestWidgetProvider.class);
        } finally {
            thread.setContextClassLoader(previous);
        }

        assertThat(widgets.providers()).extracting(p -> (Object) p.getClass())
                .containsExactly(TestWidgets.Beta.class, TestWidgets.Alpha.class);
        assertThat(widgets.select()).isInstanceOf(TestWidgets.Beta.class);
        assertThat(widgets.select("alpha")).isInstanceOf(TestWidgets.Alpha.class);

        List<ProviderDiagnostic> diagnostics = widgets.diagnostics();
        assertThat(diagnostics).extracting(ProviderDiagnostic::status).containsExactly(
                Status.AVAILABLE, Status.AVAILABLE, Status.BROKEN, Status.BROKEN, Status.BROKEN, Status.BROKEN);
        List<ProviderDiagnostic> broken = diagnostics.subList(2, 6);
        assertThat(broken.get(0).reason()).contains("io.flotta.core.providers.NoSuchWidget", "not found");
        assertThat(broken.get(1).reason()).contains(TestWidgets.ExplodingStatic.class.getName(),
                "ExceptionInInitializerError", "static initialisation of ExplodingStatic failed");
        assertThat(broken.get(2).reason()).contains(TestWidgets.ThrowingConstructor.class.getName(),
                "constructor of ThrowingConstructor failed");
        assertThat(broken.get(3).className()).isEqualTo(TestWidgets.ThrowingName.class.getName());
        assertThat(broken.get(3).reason()).contains("name() of ThrowingName failed");

        assertThatThrownBy(() -> widgets.select("gamma"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("beta (priority 7, " + TestWidgets.Beta.class.getName() + "): available")
                .hasMessageContaining("alpha (priority 5, " + TestWidgets.Alpha.class.getName() + "): available")
                .hasMessageContaining("broken: java.util.ServiceConfigurationError")
                .hasMessageContaining("NoSuchWidget")
                .hasMessageContaining("static initialisation of ExplodingStatic failed")
                .hasMessageContaining("constructor of ThrowingConstructor failed")
                .hasMessageContaining("broken " + TestWidgets.ThrowingName.class.getName() + ": ");
    }
}
