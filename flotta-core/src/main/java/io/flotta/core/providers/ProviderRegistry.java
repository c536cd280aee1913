package io.flotta.core.providers;

import io.flotta.core.providers.ProviderDiagnostic.Status;
import io.flotta.spi.ConfigurationException;
import io.flotta.spi.Provider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one SPI, and the choice among them. This is the only place in Flotta that uses
 * {@link ServiceLoader}.
 *
 * <p>{@link #discover(Class)} fills a registry from {@code META-INF/services}; a registry made with
 * the constructor starts empty, and {@link #register}/{@link #deregister} let tests and integrators
 * decide exactly what is in it. Selection is deterministic: by an explicit name, else by the SPI's
 * system property (see {@link #propertyKey()}), else the available provider with the highest
 * priority, ties broken by name and then class name. When nothing fits, the
 * {@link ConfigurationException} lists every provider found, why each one cannot be used, and the
 * artifact that would provide one.
 *
 * <p>Thread-safe.
 */
public final class ProviderRegistry<P extends Provider> {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    // ServiceLoader retries a services file it could not read on every hasNext(): without a bound,
    // one unreadable file would keep discovery spinning.
    private static final int MAX_CONSECUTIVE_FAILURES = 64;

    private static final Comparator<Entry<?>> ORDER = Comparator.<Entry<?>>comparingInt(e -> -e.priority())
            .thenComparing(Entry::name)
            .thenComparing(e -> e.provider().getClass().getName());

    private final Class<P> spi;
    private final SpiHints hints;
    private final List<ProviderDiagnostic> broken;
    private final List<Entry<P>> entries = new ArrayList<>(); // guarded by this, kept sorted by ORDER

    /** An empty registry for {@code spi}; fill it with {@link #register}. */
    public ProviderRegistry(Class<P> spi) {
        this(spi, List.of(), List.of());
    }

    private ProviderRegistry(Class<P> spi, List<Entry<P>> found, List<ProviderDiagnostic> broken) {
        this.spi = Objects.requireNonNull(spi, "spi");
        this.hints = SpiHints.of(spi);
        this.broken = List.copyOf(broken);
        this.entries.addAll(found);
        this.entries.sort(ORDER);
    }

    /**
     * Finds the providers of {@code spi} listed in {@code META-INF/services}: through the SPI's own
     * class loader first, then through the thread's context class loader if that is another one. A
     * provider class seen through both is kept once. An entry whose class does not load, whose
     * constructor throws, or that cannot state its name or priority is logged, kept as a
     * {@link Status#BROKEN} diagnostic, and skipped; the others still load.
     */
    public static <P extends Provider> ProviderRegistry<P> discover(Class<P> spi) {
        Objects.requireNonNull(spi, "spi");
        ClassLoader own = spi.getClassLoader() != null ? spi.getClassLoader() : ClassLoader.getSystemClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return discover(spi, context == null || context == own ? List.of(own) : List.of(own, context));
    }

    private static <P extends Provider> ProviderRegistry<P> discover(Class<P> spi, List<ClassLoader> loaders) {
        Set<Class<?>> seen = new HashSet<>();
        List<Entry<P>> found = new ArrayList<>();
        // Keyed by the error so that a bad entry visible through two loaders is reported once.
        Map<String, ProviderDiagnostic> broken = new LinkedHashMap<>();

        for (ClassLoader loader : loaders) {
            // The iterator, not stream(): only the iterator promises to go on after an error.
            Iterator<P> it = ServiceLoader.load(spi, loader).iterator();
            int failures = 0;
            while (true) {
                P provider;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    provider = it.next();
                    failures = 0;
                } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                    recordBroken(spi, broken, e.toString(), "", "", e);
                    if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                        LOG.warn("Stopped looking for {} providers in {} after {} errors in a row",
                                spi.getName(), loader, failures);
                        break;
                    }
                    continue;
                }
                if (!seen.add(provider.getClass())) {
                    continue;
                }
                try {
                    Entry<P> entry = Entry.of(provider);
                    found.add(entry);
                    LOG.debug("Found {} provider {} ({}, priority {})",
                            spi.getName(), entry.name(), provider.getClass().getName(), entry.priority());
                } catch (RuntimeException | LinkageError e) {
                    String className = provider.getClass().getName();
                    recordBroken(spi, broken, className + " " + e, className, "could not state its name and priority", e);
                }
            }
        }
        return new ProviderRegistry<>(spi, found, new ArrayList<>(broken.values()));
    }

    private static void recordBroken(Class<?> spi, Map<String, ProviderDiagnostic> broken, String key,
                                     String className, String what, Throwable error) {
        String reason = what.isEmpty() ? describe(error) : what + ": " + describe(error);
        ProviderDiagnostic diagnostic = new ProviderDiagnostic("", className, 0, Status.BROKEN, reason);
        if (broken.putIfAbsent(key, diagnostic) == null) {
            LOG.warn("Skipped an entry for {}: {}", spi.getName(), diagnostic.describe(), error);
        }
    }

    /** The SPI this registry holds providers of. */
    public Class<P> spi() {
        return spi;
    }

    /**
     * The system property that names the provider to use when none is given in code, e.g.
     * {@code flotta.runtime}; {@code flotta.} plus the SPI's simple name for SPIs Flotta does not
     * define.
     */
    public String propertyKey() {
        return hints.propertyKey();
    }

    /**
     * Adds {@code provider}; adding the same instance again changes nothing.
     *
     * @throws ConfigurationException if its {@code name()} is blank or it cannot state name or priority
     */
    public void register(P provider) {
        Objects.requireNonNull(provider, "provider");
        Entry<P> entry;
        try {
            entry = Entry.of(provider);
        } catch (RuntimeException | LinkageError e) {
            throw new ConfigurationException("Cannot register " + spi.getName() + " provider "
                    + provider.getClass().getName() + ": " + describe(e), e);
        }
        synchronized (this) {
            if (entries.stream().noneMatch(e -> e.provider() == provider)) {
                entries.add(entry);
                entries.sort(ORDER);
            }
        }
    }

    /** Removes {@code provider} (this instance); returns whether it was there. */
    public synchronized boolean deregister(P provider) {
        return entries.removeIf(e -> e.provider() == provider);
    }

    /**
     * Every registered provider, usable or not, highest priority first, then by name and class name.
     * Broken entries are not objects and appear only in {@link #diagnostics()}.
     */
    public List<P> providers() {
        return snapshot().stream().map(Entry::provider).toList();
    }

    /**
     * One line per provider in {@link #providers()} order, saying whether it is available now and if
     * not why, followed by the broken entries discovery met.
     */
    public List<ProviderDiagnostic> diagnostics() {
        List<ProviderDiagnostic> all = new ArrayList<>();
        for (Entry<P> entry : snapshot()) {
            all.add(diagnose(entry));
        }
        all.addAll(broken);
        return Collections.unmodifiableList(all);
    }

    /**
     * The available provider with the highest priority; ties go to the lower name, then the lower
     * class name.
     *
     * @throws ConfigurationException if no provider is available
     */
    public P select() {
        List<ProviderDiagnostic> seen = new ArrayList<>();
        for (Entry<P> entry : snapshot()) {
            ProviderDiagnostic diagnostic = diagnose(entry);
            if (diagnostic.status() == Status.AVAILABLE) {
                return entry.provider();
            }
            seen.add(diagnostic);
        }
        throw failure("No " + spi.getName() + " provider is available.", seen);
    }

    /**
     * The provider called {@code name}.
     *
     * @throws ConfigurationException if {@code name} is blank, or no provider has that name, or it is unavailable
     */
    public P select(String name) {
        return selectNamed(name, "");
    }

    /**
     * The provider to use given a name from the integrator's configuration: that name if it is
     * neither null nor blank, else the name in the system property {@link #propertyKey()} if that is
     * set, else {@link #select()}.
     *
     * @throws ConfigurationException if the chosen name does not resolve, or nothing is available
     */
    public P selectConfigured(String configuredNameOrNull) {
        if (configuredNameOrNull != null && !configuredNameOrNull.isBlank()) {
            return selectNamed(configuredNameOrNull, "");
        }
        String property = System.getProperty(propertyKey());
        if (property != null && !property.isBlank()) {
            return selectNamed(property, " (from system property " + propertyKey() + ")");
        }
        return select();
    }

    private P selectNamed(String name, String origin) {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException("The name of the " + spi.getName() + " provider to select must not be blank");
        }
        String wanted = name.strip();
        List<ProviderDiagnostic> seen = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        P match = null;
        for (Entry<P> entry : snapshot()) {
            ProviderDiagnostic diagnostic = diagnose(entry);
            seen.add(diagnostic);
            if (match == null && entry.name().equals(wanted)) {
                if (diagnostic.status() == Status.AVAILABLE) {
                    match = entry.provider();
                } else {
                    reasons.add(diagnostic.reason());
                }
            }
        }
        if (match != null) {
            return match;
        }
        String quoted = "'" + wanted + "'" + origin;
        throw failure(reasons.isEmpty()
                ? "No " + spi.getName() + " provider is named " + quoted + "."
                : "The " + spi.getName() + " provider " + quoted + " is unavailable: " + String.join("; ", reasons),
                seen);
    }

    private ConfigurationException failure(String headline, List<ProviderDiagnostic> providers) {
        StringBuilder message = new StringBuilder(headline);
        List<ProviderDiagnostic> all = new ArrayList<>(providers);
        all.addAll(broken);
        if (all.isEmpty()) {
            message.append("\nFound no provider at all.");
        } else {
            message.append("\nFound:");
            all.forEach(d -> message.append("\n  - ").append(d.describe()));
        }
        if (hints.artifacts().isEmpty()) {
            message.append("\nAdd a jar that lists an implementation in META-INF/services/").append(spi.getName());
        } else {
            message.append("\nAdd ").append(hints.artifacts()).append(" to the dependencies");
        }
        message.append(", or name an available provider in the system property ").append(propertyKey()).append('.');
        return new ConfigurationException(message.toString());
    }

    private synchronized List<Entry<P>> snapshot() {
        return List.copyOf(entries);
    }

    private static ProviderDiagnostic diagnose(Entry<?> entry) {
        Provider provider = entry.provider();
        String className = provider.getClass().getName();
        boolean available;
        try {
            available = provider.isAvailable();
        } catch (RuntimeException | LinkageError e) {
            return new ProviderDiagnostic(entry.name(), className, entry.priority(), Status.UNAVAILABLE,
                    "isAvailable() threw " + describe(e));
        }
        if (available) {
            return new ProviderDiagnostic(entry.name(), className, entry.priority(), Status.AVAILABLE, "");
        }
        String reason;
        try {
            reason = provider.unavailableReason();
        } catch (RuntimeException | LinkageError e) {
            reason = "unavailableReason() threw " + describe(e);
        }
        if (reason == null || reason.isBlank()) {
            reason = "no reason given";
        }
        return new ProviderDiagnostic(entry.name(), className, entry.priority(), Status.UNAVAILABLE, reason);
    }

    /** The error and its causes on one line: the root cause is usually the part that explains. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(error.toString());
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(error);
        for (Throwable cause = error.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
    }

    /** A provider with the name and priority it stated once, so that ordering never calls into it again. */
    private record Entry<P extends Provider>(P provider, String name, int priority) {

        static <P extends Provider> Entry<P> of(P provider) {
            String name = provider.name();
            if (name == null || name.isBlank()) {
                throw new IllegalStateException("name() returned " + (name == null ? "null" : "a blank name"));
            }
            return new Entry<>(provider, name.strip(), provider.priority());
        }
    }
}
