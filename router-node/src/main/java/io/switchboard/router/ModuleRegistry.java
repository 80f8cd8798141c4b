package io.switchboard.router;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.router.module.AvailabilityListener;
import io.switchboard.router.module.DiscoRegistry;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqHandler;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.MessageInterceptor;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.router.module.OfflineHandler;
import io.switchboard.storage.Storage;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Loads the feature modules and holds what they registered. Read-mostly after start-up. */
public final class ModuleRegistry implements ModuleContext, DiscoRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModuleRegistry.class);

    /** A registered IQ handler and whether unauthenticated streams may reach it. */
    public record Registration(IqHandler handler, boolean preAuth) {
    }

    private final RouterSettings settings;
    private final Storage storage;
    private final SessionDirectory directory;
    private final Outbound outbound;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final Map<IqScope, Map<String, Registration>> iqHandlers = new EnumMap<>(IqScope.class);
    private final Set<String> serverFeatures = Collections.synchronizedSet(new TreeSet<>());
    private final Set<String> accountFeatures = Collections.synchronizedSet(new TreeSet<>());
    private final List<AvailabilityListener> availabilityListeners = new CopyOnWriteArrayList<>();
    private final List<MessageInterceptors.Registered> messageInterceptors = new CopyOnWriteArrayList<>();
    private final List<String> loaded = new ArrayList<>();
    private volatile OfflineHandler offlineHandler;
    /** The module whose {@code register} is running, to attribute its hooks in logs and metrics. */
    private volatile String registering;

    public ModuleRegistry(RouterSettings settings, Storage storage, SessionDirectory directory, Outbound outbound,
                          Vertx vertx, MeterRegistry meters) {
        this.settings = settings;
        this.storage = storage;
        this.directory = directory;
        this.outbound = outbound;
        this.vertx = vertx;
        this.meters = meters;
        for (IqScope scope : IqScope.values()) {
            iqHandlers.put(scope, new ConcurrentHashMap<>());
        }
    }

    /** Finds modules with ServiceLoader and registers the enabled ones (all when none are listed). */
    public ModuleRegistry loadModules() {
        Set<String> wanted = new TreeSet<>(settings.modules());
        for (FeatureModule module : ServiceLoader.load(FeatureModule.class)) {
            if (wanted.isEmpty() || wanted.remove(module.name())) {
                registering = module.name();
                try {
                    module.register(this);
                } finally {
                    registering = null;
                }
                loaded.add(module.name());
            }
        }
        if (!settings.modules().isEmpty() && !wanted.isEmpty()) {
            throw new IllegalStateException("unknown feature module(s) " + wanted + "; available: " + loaded);
        }
        LOG.info("Feature modules: {}", loaded);
        return this;
    }

    public List<String> loadedModules() {
        return List.copyOf(loaded);
    }

    public Registration iqHandler(IqScope scope, String namespace) {
        return iqHandlers.get(scope).get(namespace);
    }

    public OfflineHandler offline() {
        return offlineHandler;
    }

    public List<AvailabilityListener> availabilityListeners() {
        return availabilityListeners;
    }

    /** The message interceptors in registration order. */
    List<MessageInterceptors.Registered> messageInterceptors() {
        return List.copyOf(messageInterceptors);
    }

    // ---- ModuleContext ------------------------------------------------------------------------

    @Override
    public void iq(String namespace, Set<IqScope> scopes, boolean preAuth, IqHandler handler) {
        for (IqScope scope : scopes) {
            Registration previous = iqHandlers.get(scope).putIfAbsent(namespace, new Registration(handler, preAuth));
            if (previous != null) {
                throw new IllegalStateException("two modules handle IQ namespace " + namespace + " (" + scope + ")");
            }
        }
    }

    @Override
    public void serverFeature(String var) {
        serverFeatures.add(var);
    }

    @Override
    public void accountFeature(String var) {
        accountFeatures.add(var);
    }

    @Override
    public void offlineHandler(OfflineHandler handler) {
        if (offlineHandler != null) {
            throw new IllegalStateException("two modules provide offline storage");
        }
        offlineHandler = handler;
    }

    @Override
    public void availabilityListener(AvailabilityListener listener) {
        availabilityListeners.add(listener);
    }

    @Override
    public void messageInterceptor(MessageInterceptor interceptor) {
        String module = registering;
        messageInterceptors.add(new MessageInterceptors.Registered(module == null ? "unknown" : module,
                Objects.requireNonNull(interceptor, "interceptor")));
    }

    @Override
    public DiscoRegistry disco() {
        return this;
    }

    @Override
    public Set<String> serverFeatures() {
        synchronized (serverFeatures) {
            return Set.copyOf(serverFeatures);
        }
    }

    @Override
    public Set<String> accountFeatures() {
        synchronized (accountFeatures) {
            return Set.copyOf(accountFeatures);
        }
    }

    @Override
    public RouterSettings settings() {
        return settings;
    }

    @Override
    public Storage storage() {
        return storage;
    }

    @Override
    public SessionDirectory directory() {
        return directory;
    }

    @Override
    public Outbound outbound() {
        return outbound;
    }

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public MeterRegistry meters() {
        return meters;
    }
}
