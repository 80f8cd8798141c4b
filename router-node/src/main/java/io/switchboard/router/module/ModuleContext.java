package io.switchboard.router.module;

import io.switchboard.router.Outbound;
import io.switchboard.router.RouterSettings;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.storage.Storage;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

import java.util.Set;

/** What the core offers a module while it registers. */
public interface ModuleContext {
    /**
     * Registers the handler for IQ get/set whose payload is in {@code namespace}.
     *
     * @param preAuth whether unauthenticated streams may use it (only in-band registration should)
     */
    void iq(String namespace, Set<IqScope> scopes, boolean preAuth, IqHandler handler);

    /** A feature var advertised by disco#info on the server (XEP-0030). */
    void serverFeature(String var);

    /** A feature var advertised by disco#info on users' bare JIDs. */
    void accountFeature(String var);

    void offlineHandler(OfflineHandler handler);

    void availabilityListener(AvailabilityListener listener);

    /**
     * Adds a hook that sees (and may rewrite) every message accepted for an existing local
     * account, before it is delivered or stored offline. Interceptors run in registration order;
     * one that fails is logged and counted and the message goes on unchanged (see
     * {@link MessageInterceptor}). Register from {@link FeatureModule#register}: the router takes
     * its list of interceptors when it starts.
     */
    void messageInterceptor(MessageInterceptor interceptor);

    /** The disco features registered so far and by modules registered later (a live view). */
    DiscoRegistry disco();

    RouterSettings settings();

    Storage storage();

    SessionDirectory directory();

    Outbound outbound();

    Vertx vertx();

    MeterRegistry meters();
}
