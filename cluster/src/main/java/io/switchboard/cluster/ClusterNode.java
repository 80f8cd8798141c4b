package io.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.bus.Codecs;
import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.directory.NodeDepartures;
import io.switchboard.cluster.directory.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This process's membership of the Switchboard cluster: a clustered Vert.x (event bus) on a
 * Hazelcast member that also holds the session directory. Every role, including the single-JVM
 * "all" mode, runs on one of these, so the same code paths run in every deployment.
 */
public final class ClusterNode {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    public static final String NODE_ID_ATTRIBUTE = "switchboard.node-id";

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final String nodeId;
    private final SessionDirectory directory;
    private final InstanceRegistry routers;
    private final InstanceRegistry presenceInstances;
    private final List<Runnable> mergeActions = new CopyOnWriteArrayList<>();

    private ClusterNode(Vertx vertx, HazelcastInstance hazelcast, String nodeId) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.nodeId = nodeId;
        this.directory = new SessionDirectory(hazelcast);
        this.routers = new InstanceRegistry(hazelcast, InstanceRegistry.ROUTERS, Addresses.ROUTER);
        this.presenceInstances = new InstanceRegistry(hazelcast, InstanceRegistry.PRESENCE, Addresses.PRESENCE);
    }

    public static Future<ClusterNode> start(ClusterSettings settings, VertxOptions vertxOptions) {
        return start(settings, vertxOptions, null);
    }

    /**
     * @param meters where Vert.x reports its event-bus and network metrics (sent, pending, reply
     *               failures, ...) and where membership changes are counted; null for none
     */
    public static Future<ClusterNode> start(ClusterSettings settings, VertxOptions vertxOptions, MeterRegistry meters) {
        Config config = hazelcastConfig(settings);
        HazelcastClusterManager clusterManager = new HazelcastClusterManager(config);
        vertxOptions.getEventBusOptions().setHost(settings.interfaceHost()).setPort(0);
        VertxBuilder builder = Vertx.builder();
        if (meters != null) {
            // HTTP metrics would only describe the management endpoint; per-client and per-pool
            // series are not worth their cardinality. The event bus is what operators need.
            // vertx-micrometer keeps backends in a JVM-wide map by registry name, and closing a
            // Vert.x closes the registry under its name: with the default name, every node in one
            // JVM (tests) would share, and one node's shutdown would silence another's metrics.
            vertxOptions.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
                    .setRegistryName("switchboard-" + settings.nodeId() + "-" + System.identityHashCode(meters))
                    .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
                    .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
                    .addDisabledMetricsCategory(MetricsDomain.NAMED_POOLS)
                    .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET));
            builder = builder.withMetrics(new MicrometerMetricsFactory(meters));
        }
        long started = System.nanoTime();
        return builder.with(vertxOptions).withClusterManager(clusterManager).buildClustered()
                .map(vertx -> {
                    Codecs.registerAll(vertx.eventBus());
                    HazelcastInstance hz = clusterManager.getHazelcastInstance();
                    LOG.info("Joined cluster '{}' as node {} ({} member(s), {} ms)", settings.clusterName(),
                            settings.nodeId(), hz.getCluster().getMembers().size(),
                            (System.nanoTime() - started) / 1_000_000);
                    ClusterNode node = new ClusterNode(vertx, hz, settings.nodeId());
                    new NodeDepartures(hz, node.directory, node.presenceInstances, vertx);
                    hz.getLifecycleService().addLifecycleListener(node::lifecycleChanged);
                    if (meters != null) {
                        MembershipMetrics.bind(hz, meters);
                    }
                    vertx.setPeriodic(2_000, id -> {
                        node.routers.refresh();
                        node.presenceInstances.refresh();
                    });
                    return node;
                });
    }

    static Config hazelcastConfig(ClusterSettings settings) {
        Config config = ConfigUtil.loadConfig(); // Vert.x's required maps and multimaps
        config.setClusterName(settings.clusterName());
        config.setInstanceName("switchboard-" + settings.nodeId());
        // Local clusters form in seconds instead of ~10 s; nothing else needs the wait.
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // We stop Hazelcast ourselves, after the connectors have drained.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        // A dead member (e.g. a killed connector) is declared gone within the configured
        // failure-detection timeout (cluster.failure-detection-timeout, default 10 s; Hazelcast's
        // own default is 60 s), so its clients' contacts learn they are offline in bounded time.
        config.setProperty("hazelcast.heartbeat.interval.seconds",
                Long.toString(ClusterSettings.HEARTBEAT_INTERVAL.toSeconds()));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(settings.failureDetectionSeconds()));
        config.getMemberAttributeConfig().setAttribute(NODE_ID_ATTRIBUTE, settings.nodeId());

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(100);
        network.getInterfaces().setEnabled(true).addInterface(settings.interfaceHost());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());

        SessionDirectory.configure(config);
        SplitBrain.configure(config, settings);
        return config;
    }

    /**
     * This member was on the smaller side of a network split and merged into the larger cluster
     * (MERGED), or tried to and failed (MERGE_FAILED: it is alone, and tries again later). Either
     * way it discarded its copy of the cluster's state before rejoining (see {@link SplitBrain}).
     */
    private void lifecycleChanged(LifecycleEvent event) {
        LifecycleEvent.LifecycleState state = event.getState();
        if (state != LifecycleEvent.LifecycleState.MERGED && state != LifecycleEvent.LifecycleState.MERGE_FAILED) {
            return;
        }
        LOG.warn("Node {} {} after a network split ({} member(s) now): state it held on the smaller side was"
                        + " discarded", nodeId, state == LifecycleEvent.LifecycleState.MERGED
                        ? "merged into the larger cluster" : "failed to merge into the larger cluster",
                hazelcast.getCluster().getMembers().size());
        // Our router or presence instances were dropped from the registries by the larger side.
        routers.reassert();
        presenceInstances.reassert();
        for (Runnable action : mergeActions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("An action after the merge failed: {}", e.toString(), e);
            }
        }
    }

    /**
     * Runs {@code action} (on a Hazelcast thread; keep it short) each time this member has merged
     * into the larger side of a healed network split, or failed to: whatever this member wrote to
     * the cluster's state while split is gone, so it must not assume any of it exists (a connector
     * closes its client connections).
     */
    public void onMerged(Runnable action) {
        mergeActions.add(action);
    }

    public Vertx vertx() {
        return vertx;
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    public String nodeId() {
        return nodeId;
    }

    public SessionDirectory directory() {
        return directory;
    }

    /** Router instances; a connection's stanzas all go to one of them. */
    public InstanceRegistry routers() {
        return routers;
    }

    /** Presence-service instances; a user's presence work all goes to one of them. */
    public InstanceRegistry presenceInstances() {
        return presenceInstances;
    }

    /** Leaves the cluster: closes Vert.x, which shuts the Hazelcast member down. */
    public Future<Void> close() {
        return vertx.close();
    }
}
