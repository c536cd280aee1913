package io.flotta.examples.embedding;

import io.flotta.core.providers.ProviderDiagnostic;
import io.flotta.core.providers.ProviderRegistry;
import io.flotta.examples.LoggingRuntime;
import io.flotta.spi.ProviderConfig;
import io.flotta.spi.runtime.WorkloadRuntime;
import io.flotta.spi.runtime.WorkloadRuntimeProvider;
import java.nio.file.Path;

/**
 * Choosing providers: found by {@code ServiceLoader}, picked by name, by system property or by
 * priority, or registered by hand. {@code ProviderSelection} prints what it finds on the class path
 * and why each provider is or is not usable here.
 */
public final class ProviderSelection {

    private ProviderSelection() {
    }

    /** The runtime an application configured by name (null: the system property, else the best available). */
    public static WorkloadRuntime runtime(String configuredName, Path stateDir) {
        // tag::select[]
        ProviderRegistry<WorkloadRuntimeProvider> runtimes = ProviderRegistry.discover(WorkloadRuntimeProvider.class);
        WorkloadRuntimeProvider byName = runtimes.select("podman");           // exactly this one, or an error
        WorkloadRuntimeProvider configured = runtimes.selectConfigured(configuredName);
        // configuredName null or blank: -Dflotta.runtime=NAME if set, else the available provider
        // with the highest priority
        WorkloadRuntime runtime = configured.create(ProviderConfig.of(stateDir.resolve("runtime")));
        // end::select[]
        return runtime;
    }

    /** A registry that holds exactly what the application puts in it, as tests want. */
    public static WorkloadRuntimeProvider handPicked() {
        // tag::register[]
        ProviderRegistry<WorkloadRuntimeProvider> runtimes = new ProviderRegistry<>(WorkloadRuntimeProvider.class);
        runtimes.register(new LoggingRuntime.Provider());                      // nothing is discovered
        WorkloadRuntimeProvider only = runtimes.select();
        // end::register[]
        return only;
    }

    public static void main(String[] args) {
        // tag::diagnostics[]
        ProviderRegistry<WorkloadRuntimeProvider> runtimes = ProviderRegistry.discover(WorkloadRuntimeProvider.class);
        System.out.println("select with -D" + runtimes.propertyKey() + "=NAME");
        for (ProviderDiagnostic line : runtimes.diagnostics()) {
            System.out.println(line.describe());     // name, class, available or why not
        }
        // end::diagnostics[]
    }
}
