package io.switchboard.presence;

import io.switchboard.protocol.xml.StanzaParsing;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.bus.OrderedDispatcher;
import io.switchboard.cluster.bus.PresenceKeys;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.NodeDepartures;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.storage.Storage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;


/**
 * The presence service: the one place presence is fanned out (see docs/architecture.md).
 * Routers send it availability broadcasts, subscription stanzas and notes of directed presence.
 * Each instance registers an address of its own; a user's presence work always goes to the same
 * instance (rendezvous hashing of the bare JID) and is processed one item after another, so a
 * user's updates stay ordered however many instances run.
 */
public final class PresenceService {
    /** Marks a coalesced update that re-enters the queue when its window closes. */
    static final String REQUEUED_HEADER = "sb-requeued";

    private final ClusterNode cluster;
    private final PresenceSettings settings;
    private final Storage storage;
    private final PresenceMetrics metrics;
    private String deployment;

    private PresenceService(ClusterNode cluster, PresenceSettings settings, Storage storage, MeterRegistry meters) {
        this.cluster = cluster;
        this.settings = settings;
        this.storage = storage;
        this.metrics = new PresenceMetrics(meters);
    }

    public static Future<PresenceService> start(ClusterNode cluster, PresenceSettings settings, Storage storage,
                                                MeterRegistry meters) {
        PresenceService service = new PresenceService(cluster, settings, storage, meters);
        return cluster.vertx().deployVerticle(service.new PresenceVerticle(
                cluster.presenceInstances().instanceAddress(cluster.nodeId(), 0))).map(id -> {
                    service.deployment = id;
                    return service;
                });
    }

    /** The key all of a user's presence work is ordered and placed by. */
    static String userOf(RoutedStanza presence) {
        return PresenceKeys.userOf(presence);
    }

    public Future<Void> stop() {
        return deployment == null ? Future.succeededFuture() : cluster.vertx().undeploy(deployment);
    }

    private final class PresenceVerticle extends VerticleBase {
        private final String address;
        private OrderedDispatcher<Message<RoutedStanza>> dispatcher;
        private Broadcaster broadcaster;
        private RosterService rosterService;

        PresenceVerticle(String address) {
            this.address = address;
        }

        @Override
        public Future<?> start() {
            FanOut fanOut = new FanOut(vertx.eventBus(), metrics, settings.naiveFanOut());
            broadcaster = new Broadcaster(settings, cluster.directory(), storage.rosters(), fanOut, metrics, vertx,
                    cluster.hazelcast());
            rosterService = new RosterService(settings, storage.rosters(), storage.accounts(), cluster.directory(),
                    broadcaster, fanOut, metrics, vertx.eventBus(), cluster.presenceInstances());
            // Ordered per user; a contact's side of a subscription is ordered with the contact's work.
            dispatcher = new OrderedDispatcher<>(m -> isInbound(m) ? m.body().to() : userOf(m.body()),
                    m -> handle(m, context));
            return cluster.presenceInstances().<RoutedStanza>serve(vertx, address, cluster.nodeId(), this::receive);
        }

        @Override
        public Future<?> stop() {
            return cluster.presenceInstances().withdraw(vertx, address);
        }

        private void receive(Message<RoutedStanza> message) {
            dispatcher.dispatch(message);
        }

        private boolean isInbound(Message<RoutedStanza> message) {
            return RosterService.INBOUND.equals(message.headers().get(RosterService.PHASE_HEADER));
        }

        private Future<Void> handle(Message<RoutedStanza> message, Context context) {
            RoutedStanza presence = message.body();
            if (isInbound(message)) {
                return rosterService.inboundStep(presence,
                        RosterService.Effect.valueOf(message.headers().get(RosterService.EFFECT_HEADER)), context);
            }
            if (presence.kind() == StanzaKind.IQ) {
                return rosterIq(message, context);
            }
            if (presence.to() == null && message.headers().contains(NodeDepartures.NOTICE_HEADER)) {
                return departure(message, context);
            }
            if (presence.to() == null) {
                return broadcaster.broadcast(presence, context, later -> vertx.eventBus().send(address, later,
                        new DeliveryOptions().addHeader(REQUEUED_HEADER, "true")),
                        message.headers().contains(REQUEUED_HEADER));
            }
            String type = presence.type();
            if (type == null || "unavailable".equals(type)) {
                return broadcaster.trackDirected(presence, context);
            }
            if ("error".equals(type)) {
                return broadcaster.trackError(presence, context);
            }
            if ("probe".equals(type)) {
                return Future.succeededFuture(); // local contacts are answered from state at login
            }
            return rosterService.subscriptionStanza(presence, context);
        }

        /**
         * The unavailable presence of a session whose node left the cluster: broadcast only if the
         * directory, asked of the partition owner, no longer holds the session. The member that
         * cleaned up removed it before sending; if it is still bound, the sender was a member
         * that had been dropped from this cluster (paused, then thawed) cleaning up its own stale
         * copy, and the user is online (see {@link NodeDepartures#NOTICE_HEADER}).
         */
        private Future<Void> departure(Message<RoutedStanza> message, Context context) {
            RoutedStanza presence = message.body();
            Jid from = Jid.tryParse(presence.from()).orElse(null);
            if (from == null || from.resource() == null) {
                return Future.succeededFuture();
            }
            return Future.fromCompletionStage(cluster.directory().holds(from.bare().toString(), from.resource(),
                    presence.originConnection()), context).compose(stillBound -> {
                        if (stillBound) {
                            metrics.staleDepartures.increment();
                            return Future.succeededFuture();
                        }
                        return broadcaster.broadcast(presence, context, later -> vertx.eventBus().send(address, later,
                                new DeliveryOptions().addHeader(REQUEUED_HEADER, "true")), false);
                    });
        }

        /** A jabber:iq:roster request forwarded by a router; the reply carries the answer back. */
        private Future<Void> rosterIq(Message<RoutedStanza> message, Context context) {
            XmlElement iq = StanzaParsing.parse(message.body().xml());
            return rosterService.rosterIq(message.body(), iq, context).transform(result -> {
                if (result.failed()) {
                    message.fail(500, "internal-server-error|" + result.cause().getMessage());
                } else if (result.result().error() != null) {
                    RosterService.IqAnswer answer = result.result();
                    message.fail(400, answer.error().elementName() + "|" + (answer.text() == null ? "" : answer.text()));
                } else {
                    XmlElement payload = result.result().payload();
                    message.reply(payload == null ? new byte[0] : payload.toBytes());
                }
                return Future.<Void>succeededFuture();
            });
        }
    }
}
