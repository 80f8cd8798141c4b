package io.switchboard.cluster.bus;

import java.util.List;

/**
 * Bytes for one connector node to write to one or more of its connections: the stanza is carried
 * once however many local recipients it has.
 *
 * @param kind          the stanza kind (for metrics)
 * @param connectionIds the target connections on the receiving node
 * @param xml           the stanza serialized for a jabber:client stream
 * @param ingressMicros wall-clock microseconds when the stanza entered the cluster (0 = unknown)
 */
public record Delivery(StanzaKind kind, List<String> connectionIds, byte[] xml, long ingressMicros) {
    public Delivery {
        connectionIds = List.copyOf(connectionIds);
    }

    public static Delivery to(String connectionId, StanzaKind kind, byte[] xml, long ingressMicros) {
        return new Delivery(kind, List.of(connectionId), xml, ingressMicros);
    }
}
