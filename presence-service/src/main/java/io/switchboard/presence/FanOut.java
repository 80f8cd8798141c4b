package io.switchboard.presence;

import io.switchboard.cluster.bus.AddressedCopies;
import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.PresenceBatch;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionEntry;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends one presence stanza to many recipients: ONE event-bus message per connector node, with
 * the stanza once and the (connection, 'to') list; the connector writes each copy. The naive mode
 * (benchmark baseline) sends one message per recipient.
 */
final class FanOut {
    /** A recipient session and the 'to' its copy carries. */
    record Recipient(SessionEntry session, String to) {
    }

    private final EventBus eventBus;
    private final PresenceMetrics metrics;
    private final boolean naive;

    FanOut(EventBus eventBus, PresenceMetrics metrics, boolean naive) {
        this.eventBus = eventBus;
        this.metrics = metrics;
        this.naive = naive;
    }

    void send(byte[] presenceWithoutTo, List<Recipient> recipients, long ingressMicros) {
        if (recipients.isEmpty()) {
            return;
        }
        metrics.deliveries.increment(recipients.size());
        if (naive) {
            for (Recipient r : recipients) {
                eventBus.send(Addresses.connector(r.session().nodeId()), Delivery.to(r.session().connectionId(),
                        StanzaKind.PRESENCE, AddressedCopies.withTo(presenceWithoutTo, "presence", r.to()), ingressMicros));
                metrics.batches.increment();
                metrics.batchSize.record(1);
            }
            return;
        }
        Map<String, List<Recipient>> byNode = new LinkedHashMap<>();
        for (Recipient r : recipients) {
            byNode.computeIfAbsent(r.session().nodeId(), n -> new ArrayList<>()).add(r);
        }
        byNode.forEach((node, list) -> {
            List<String> connections = new ArrayList<>(list.size());
            List<String> tos = new ArrayList<>(list.size());
            for (Recipient r : list) {
                connections.add(r.session().connectionId());
                tos.add(r.to());
            }
            eventBus.send(Addresses.connector(node), new PresenceBatch(presenceWithoutTo, connections, tos,
                    ingressMicros));
            metrics.batches.increment();
            metrics.batchSize.record(list.size());
        });
    }

    /** Several stanzas for ONE session in one message (e.g. all contacts' presences at login). */
    void sendAll(SessionEntry session, List<byte[]> stanzas) {
        if (stanzas.isEmpty()) {
            return;
        }
        int length = 0;
        for (byte[] s : stanzas) {
            length += s.length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (byte[] s : stanzas) {
            System.arraycopy(s, 0, joined, at, s.length);
            at += s.length;
        }
        eventBus.send(Addresses.connector(session.nodeId()),
                Delivery.to(session.connectionId(), StanzaKind.PRESENCE, joined, 0));
        metrics.batches.increment();
        metrics.batchSize.record(stanzas.size());
        metrics.deliveries.increment(stanzas.size());
    }
}
