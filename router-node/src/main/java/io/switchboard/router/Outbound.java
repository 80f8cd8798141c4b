package io.switchboard.router;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Deliveries;
import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.bus.PresenceKeys;
import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.SessionCommand;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.xml.XmlElement;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.util.List;

/** Sends stanzas to connector nodes: one event-bus message per node, whatever the recipient count. */
public final class Outbound {
    private final EventBus eventBus;
    private final InstanceRegistry presenceInstances;

    public Outbound(EventBus eventBus, InstanceRegistry presenceInstances) {
        this.eventBus = eventBus;
        this.presenceInstances = presenceInstances;
    }

    /** Delivers the same bytes to every given session, batched per connector node. */
    public void deliver(List<SessionEntry> sessions, StanzaKind kind, byte[] xml, long ingressMicros) {
        Deliveries.sendBatched(eventBus, sessions, kind, xml, ingressMicros);
    }

    /**
     * Delivers to one session and completes once the connector has written it (or fails when the
     * connection is gone): for stanzas that must not be lost, like offline messages.
     */
    public Future<Void> deliverConfirmed(SessionEntry session, StanzaKind kind, byte[] xml) {
        return eventBus.request(Addresses.connector(session.nodeId()),
                Delivery.to(session.connectionId(), kind, xml, 0)).mapEmpty();
    }

    /** Sends a reply straight back to the connection a request came from (no directory look-up). */
    public void replyTo(RoutedStanza request, XmlElement reply) {
        StanzaKind kind = StanzaKind.ofElement(reply.name());
        eventBus.send(Addresses.connector(request.originNode()),
                Delivery.to(request.originConnection(), kind == null ? StanzaKind.IQ : kind, reply.toBytes(),
                        request.ingressMicros()));
    }

    /** Asks the connector holding a session to close it with a stream error. */
    public void closeSession(SessionEntry session, String streamCondition, String text) {
        eventBus.send(Addresses.connector(session.nodeId()),
                new SessionCommand(session.connectionId(), streamCondition, text));
    }

    /**
     * Asks the presence-service instance that owns the sender for an answer (roster requests):
     * completes with the reply's bytes, or fails with the service's "condition|text".
     */
    public Future<byte[]> requestPresenceService(RoutedStanza request) {
        return eventBus.<byte[]>request(presenceInstances.instanceFor(PresenceKeys.userOf(request)),
                request).map(Message::body);
    }

    /**
     * Hands presence work to the presence-service instance that owns the sender's bare JID, so a
     * user's updates are handled in order by one instance.
     */
    public void toPresenceService(RoutedStanza presence) {
        eventBus.send(presenceInstances.instanceFor(PresenceKeys.userOf(presence)), presence);
    }
}
