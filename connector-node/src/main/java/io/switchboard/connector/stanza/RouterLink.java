package io.switchboard.connector.stanza;

import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.connector.ConnectorMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands clients' stanzas to router instances so that none is lost silently when a router dies
 * (a stanza in flight "is either delivered or its sender gets an error").
 *
 * <p>A router acknowledges a stanza once it has acted on it (delivered, stored, answered or dropped
 * by the rules). Until then the stanza is pending here under the router instance it went to. When
 * that instance's node leaves the cluster — Hazelcast's membership, the same failure detector that
 * drops a dead connector's sessions — its pending stanzas are sent again to whichever router the
 * registry names now. A router that is merely slow is left alone: re-sending on a timer would pile
 * duplicates onto a busy but living router. Only when no acknowledgement comes within
 * {@link #ACK_TIMEOUT_MILLIS} (far beyond any routing or storage time) is the sender told, with a
 * {@code wait} error, since the stanza's fate is then unknown.
 *
 * <p>At-least-once during a router failure: a router that acted on a stanza and died before its
 * acknowledgement left makes the stanza go through twice, and a re-sent stanza may overtake later
 * ones of the same connection (RFC 6120 §10.1 order holds while the routers are stable).
 */
public final class RouterLink {
    private static final Logger LOG = LoggerFactory.getLogger(RouterLink.class);

    /** Beyond anything a living router takes: routing is milliseconds, storage calls time out after seconds. */
    static final long ACK_TIMEOUT_MILLIS = 60_000;
    /** Sends per stanza: the first and re-sends after router departures (several routers may die in a row). */
    static final int MAX_ATTEMPTS = 4;

    private final Vertx vertx;
    private final EventBus eventBus;
    private final InstanceRegistry routers;
    private final ConnectorMetrics metrics;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** What to do if no router acted on the stanza: called on the sender's context. */
    public interface Failure {
        void notRouted(RoutedStanza stanza);
    }

    private record Pending(RoutedStanza stanza, Failure onFailure, Context context, String router, int attempt) {
    }

    public RouterLink(Vertx vertx, InstanceRegistry routers, ConnectorMetrics metrics) {
        this.vertx = vertx;
        this.eventBus = vertx.eventBus();
        this.routers = routers;
        this.metrics = metrics;
        routers.onNodeLost(this::routerNodeLost);
        metrics.routerPending(pending::size);
    }

    /** Sends a stanza to its connection's router; {@code onFailure} runs if no router acts on it. */
    public void forward(RoutedStanza stanza, Failure onFailure) {
        Context context = vertx.getOrCreateContext();
        send(ids.incrementAndGet(), stanza, onFailure, context, 1);
    }

    /** Stanzas sent and not yet acknowledged (a gauge). */
    public int pending() {
        return pending.size();
    }

    private void send(long id, RoutedStanza stanza, Failure onFailure, Context context, int attempt) {
        String router = routers.instanceFor(stanza.originConnection());
        Pending p = new Pending(stanza, onFailure, context, router, attempt);
        pending.put(id, p);
        eventBus.request(router, stanza, new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MILLIS))
                .onComplete(r -> {
                    if (!pending.remove(id, p)) {
                        return; // re-sent meanwhile: the later attempt decides
                    }
                    if (r.succeeded()) {
                        return;
                    }
                    if (r.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS
                            && attempt < MAX_ATTEMPTS) {
                        // The router's consumers are gone before its membership is: it is going away.
                        metrics.routerHandoff("resent");
                        vertx.setTimer(100L * attempt, t -> send(id, stanza, onFailure, context, attempt + 1));
                        return;
                    }
                    fail(p, r.cause());
                });
    }

    /** A node left the cluster: what its router instances had not acknowledged goes to the others. */
    private void routerNodeLost(String nodeId) {
        String prefix = routers.instanceAddress(nodeId, 0);
        prefix = prefix.substring(0, prefix.length() - 1); // "<role>.<node>." matches every index
        int resent = 0;
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (!p.router().startsWith(prefix) || !pending.remove(e.getKey(), p)) {
                continue;
            }
            if (p.attempt() >= MAX_ATTEMPTS) {
                fail(p, new IllegalStateException("router " + p.router() + " left the cluster"));
                continue;
            }
            resent++;
            metrics.routerHandoff("resent");
            long id = e.getKey();
            p.context().runOnContext(v -> send(id, p.stanza(), p.onFailure(), p.context(), p.attempt() + 1));
        }
        if (resent > 0) {
            LOG.warn("Router node {} left the cluster: sent {} unacknowledged stanza(s) to the remaining routers",
                    nodeId, resent);
        }
    }

    private void fail(Pending p, Throwable cause) {
        metrics.routerHandoff("failed");
        LOG.warn("No router acknowledged a {} from {} (router {}, attempt {}): {}; the sender is told",
                p.stanza().kind().elementName(), p.stanza().from(), p.router(), p.attempt(), cause.toString());
        p.context().runOnContext(v -> p.onFailure().notRouted(p.stanza()));
    }
}
