package io.switchboard.launcher;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.ClusterSettings;
import io.switchboard.connector.ConnectorNode;
import io.switchboard.connector.ConnectorSettings;
import io.switchboard.launcher.config.SwitchboardConfig;
import io.switchboard.launcher.config.SwitchboardConfig.Role;
import io.switchboard.presence.PresenceService;
import io.switchboard.presence.PresenceSettings;
import io.switchboard.router.RouterNode;
import io.switchboard.router.RouterSettings;
import io.switchboard.storage.Storage;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One Switchboard process: the roles its configuration names, on one cluster membership. */
public final class SwitchboardServer {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchboardServer.class);

    private final SwitchboardConfig config;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Storage storage;
    private ClusterNode cluster;
    private ConnectorNode connector;
    private RouterNode router;
    private PresenceService presence;
    private ManagementServer management;
    private volatile boolean ready;

    private SwitchboardServer(SwitchboardConfig config) {
        this.config = config;
    }

    /** Starts every configured role and blocks until it serves (or fails). */
    public static SwitchboardServer start(SwitchboardConfig config) throws Exception {
        SwitchboardServer server = new SwitchboardServer(config);
        try {
            server.startRoles();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return server;
    }

    private void startRoles() throws Exception {
        long started = System.nanoTime();
        SwitchboardConfig.Server s = config.server();
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);

        storage = StorageFactory.openForServer(config, meters);
        LOG.info("Storage: {}", storage.description());

        SwitchboardConfig.Cluster c = config.cluster();
        cluster = await(ClusterNode.start(new ClusterSettings(c.clusterName(), c.networkInterface(), c.port(),
                c.members(), s.nodeId().orElseThrow(), c.failureDetectionTimeout(), c.mergeDelay()), new VertxOptions(),
                meters));
        Gauge.builder("xmpp.session.directory.size", cluster.directory(), d -> d.size())
                .description("Bound resources' users in the cluster session directory").register(meters);
        Gauge.builder("xmpp.session.directory.near.cache.hit.ratio", cluster.directory(), d -> d.nearCacheHitRatio())
                .description("Near-cache hit ratio of the session directory on this node").register(meters);

        if (s.runs(Role.ROUTER)) {
            router = await(RouterNode.start(cluster, routerSettings(), storage, meters));
        }
        if (s.runs(Role.PRESENCE)) {
            presence = await(PresenceService.start(cluster, new PresenceSettings(s.domain(),
                    config.presence().coalesceWindow(), config.presence().naiveFanOut()), storage, meters));
        }
        if (s.runs(Role.CONNECTOR)) {
            connector = await(ConnectorNode.start(cluster, connectorSettings(), storage.accounts(), meters));
        }
        if (config.metrics().enabled()) {
            management = await(ManagementServer.start(cluster.vertx(), config.metrics().host(), config.metrics().port(),
                    meters, () -> ready));
            LOG.info("Metrics on http://{}:{}/metrics", config.metrics().host(), management.port());
        }
        ready = true;
        LOG.info("Switchboard node {} ready in {} ms (roles {})", s.nodeId().orElseThrow(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), s.roles());
    }

    private RouterSettings routerSettings() {
        return new RouterSettings(config.server().domain(), config.auth().scramIterations(),
                config.registration().inBand(), config.registration().minPasswordLength(),
                config.limits().maxOfflineMessages(), List.of());
    }

    private ConnectorSettings connectorSettings() {
        SwitchboardConfig.Listeners l = config.listeners();
        SwitchboardConfig.Limits limits = config.limits();
        List<String> mechanisms = new ArrayList<>();
        config.auth().mechanisms().forEach(m -> mechanisms.add(m.saslName()));
        return new ConnectorSettings(
                config.server().domain(),
                new ConnectorSettings.Listener(l.c2s().enabled(), l.c2s().host(), l.c2s().port()),
                ConnectorSettings.StartTlsPolicy.valueOf(l.c2s().starttls().name()),
                new ConnectorSettings.Listener(l.c2sDirectTls().enabled(), l.c2sDirectTls().host(),
                        l.c2sDirectTls().port()),
                config.tls().certificate().orElse(null),
                config.tls().privateKey().orElse(null),
                config.tls().protocols(),
                config.server().dataDir(),
                mechanisms,
                config.auth().maxFailures(),
                config.registration().inBand(),
                limits.maxStanzaBytes(), limits.maxXmlDepth(), limits.maxConnections(),
                limits.rateBytesPerSecond(), limits.rateBurstBytes(),
                limits.idleTimeout(), limits.keepaliveInterval(), limits.handshakeTimeout(),
                config.streamManagement().resumptionTimeout(), config.streamManagement().maxUnacked(),
                new ConnectorSettings.Web(
                        new ConnectorSettings.Listener(l.http().enabled(), l.http().host(), l.http().port()),
                        new ConnectorSettings.Listener(l.https().enabled(), l.https().host(), l.https().port()),
                        l.websocket().allowedOrigins(), l.websocket().publicUrl().orElse(null),
                        l.websocket().seeOtherUri().orElse(null), l.webClient().enabled(),
                        new ConnectorSettings.Bosh(l.bosh().enabled(), l.bosh().allowedOrigins(),
                                l.bosh().publicUrl().orElse(null), l.bosh().maxWait(), l.bosh().inactivity(),
                                l.bosh().maxPause())));
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public ClusterNode cluster() {
        return cluster;
    }

    public Storage storage() {
        return storage;
    }

    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** Clean shutdown: connectors drain first, then routers, the cluster membership, storage. */
    public synchronized void stop() {
        ready = false;
        try {
            if (connector != null) {
                await(connector.stop());
                connector = null;
            }
            if (presence != null) {
                await(presence.stop());
                presence = null;
            }
            if (router != null) {
                await(router.stop());
                router = null;
            }
            if (management != null) {
                await(management.stop());
                management = null;
            }
            if (cluster != null) {
                await(cluster.close());
                cluster = null;
            }
        } catch (Exception e) {
            LOG.warn("Error during shutdown: {}", e.toString());
        } finally {
            if (storage != null) {
                storage.close();
                storage = null;
            }
        }
        LOG.info("Switchboard stopped");
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
}
