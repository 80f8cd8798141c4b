package io.switchboard.router;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.bus.OrderedDispatcher;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.storage.Storage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.ArrayList;
import java.util.List;

/**
 * The router role: consumers on the shared point-to-point {@code router} address, so the event
 * bus spreads stanzas over every router instance in the cluster (and over the event loops here).
 */
public final class RouterNode {
    private final ClusterNode cluster;
    private final ModuleRegistry modules;
    private final List<String> deployments = new ArrayList<>();

    private RouterNode(ClusterNode cluster, ModuleRegistry modules) {
        this.cluster = cluster;
        this.modules = modules;
    }

    public static Future<RouterNode> start(ClusterNode cluster, RouterSettings settings, Storage storage,
                                           MeterRegistry meters) {
        Outbound outbound = new Outbound(cluster.vertx().eventBus(), cluster.presenceInstances());
        ModuleRegistry modules;
        try {
            modules = new ModuleRegistry(settings, storage, cluster.directory(), outbound, cluster.vertx(), meters)
                    .loadModules();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        StanzaRouter router = new StanzaRouter(settings, modules, cluster.directory(), storage.accounts(), outbound,
                meters);
        RouterNode node = new RouterNode(cluster, modules);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<Future<String>> deploying = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            deploying.add(cluster.vertx().deployVerticle(new RouterVerticle(router, cluster,
                    cluster.routers().instanceAddress(cluster.nodeId(), i))));
        }
        return Future.all(deploying).map(v -> {
            deploying.forEach(f -> node.deployments.add(f.result()));
            return node;
        });
    }

    public List<String> modules() {
        return modules.loadedModules();
    }

    public Future<Void> stop() {
        List<Future<Void>> undeploying = new ArrayList<>();
        for (String id : deployments) {
            undeploying.add(cluster.vertx().undeploy(id));
        }
        return Future.all(undeploying).mapEmpty();
    }

    /**
     * One event loop's router. It consumes its own instance address, to which connectors send
     * every stanza of a connection (so they stay in order), and the shared address as a fallback
     * for senders that know no instance yet.
     */
    private static final class RouterVerticle extends VerticleBase {
        private final StanzaRouter router;
        private final ClusterNode cluster;
        private final String address;

        RouterVerticle(StanzaRouter router, ClusterNode cluster, String address) {
            this.router = router;
            this.cluster = cluster;
            this.address = address;
        }

        @Override
        public Future<?> start() {
            // RFC 6120 §10.1: each origin connection's stanzas, one after another.
            OrderedDispatcher<RoutedStanza> dispatcher = new OrderedDispatcher<>(
                    s -> s.originNode() + "/" + s.originConnection(), s -> router.route(s, context));
            // The reply tells the connector (its RouterLink) that the stanza was acted on: delivered,
            // stored, answered or dropped by the rules. Until then the connector keeps it, to send it
            // to another router should this one's node leave the cluster. No reply is sent to
            // senders that did not ask for one.
            return cluster.routers().<RoutedStanza>serve(vertx, address, cluster.nodeId(),
                    message -> dispatcher.dispatch(message.body()).onComplete(done -> message.reply(null)));
        }

        @Override
        public Future<?> stop() {
            return cluster.routers().withdraw(vertx, address);
        }
    }
}
