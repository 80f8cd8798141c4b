package io.switchboard.presence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Deliveries;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.jid.Jid;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The presence service: the one place presence is fanned out. Routers hand it availability
 * broadcasts and subscription-related presence; it resolves the recipients and sends one batch
 * per connector node.
 *
 * <p>Recipients today are the user's own available resources (RFC 6121 §4.2.2, §4.4.2, §4.5.2);
 * roster contacts, probes, deduplication and coalescing arrive with rosters and subscriptions.
 */
public final class PresenceService {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);

    private final ClusterNode cluster;
    private final Counter updatesIn;
    private final Counter deliveriesOut;
    private final Counter batchesSent;
    private String deployment;

    private PresenceService(ClusterNode cluster, MeterRegistry meters) {
        this.cluster = cluster;
        this.updatesIn = Counter.builder("xmpp.presence.updates").description("Presence stanzas received for fan-out")
                .register(meters);
        this.deliveriesOut = Counter.builder("xmpp.presence.deliveries")
                .description("Presence stanzas delivered to recipients").register(meters);
        this.batchesSent = Counter.builder("xmpp.presence.batches")
                .description("Event-bus batch messages sent to connector nodes").register(meters);
    }

    public static Future<PresenceService> start(ClusterNode cluster, MeterRegistry meters) {
        PresenceService service = new PresenceService(cluster, meters);
        return cluster.vertx().deployVerticle(new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.eventBus().<RoutedStanza>consumer(Addresses.PRESENCE,
                        message -> service.handle(message.body())).completion();
            }
        }).map(id -> {
            service.deployment = id;
            return service;
        });
    }

    private void handle(RoutedStanza presence) {
        updatesIn.increment();
        Jid from = Jid.of(presence.from());
        boolean broadcast = presence.to() == null;
        Jid owner = broadcast ? from.bare() : Jid.of(presence.to()).bare();
        Future.fromCompletionStage(cluster.directory().sessions(owner.toString()),
                cluster.vertx().getOrCreateContext()).onComplete(result -> {
            if (result.failed()) {
                LOG.warn("Presence fan-out for {} failed: {}", owner, result.cause().toString());
                return;
            }
            List<SessionEntry> recipients = new ArrayList<>();
            boolean unavailable = "unavailable".equals(presence.type());
            for (SessionEntry s : result.result()) {
                boolean isSender = broadcast && s.connectionId().equals(presence.originConnection());
                if (s.available() && !(unavailable && isSender)) {
                    recipients.add(s);
                }
            }
            // Subscription requests reach the contact's available resources until rosters store them.
            int batches = Deliveries.sendBatched(cluster.vertx().eventBus(), recipients, presence.kind(),
                    presence.xml(), presence.ingressMicros());
            batchesSent.increment(batches);
            deliveriesOut.increment(recipients.size());
        });
    }

    public Future<Void> stop() {
        return deployment == null ? Future.succeededFuture() : cluster.vertx().undeploy(deployment);
    }
}
