package io.switchboard.cluster.bus;

import java.util.List;

/**
 * One presence stanza for many recipients on one connector node: the stanza travels once, without
 * a 'to', and the connector writes it to each recipient connection with that recipient's 'to'
 * (RFC 6121 §4.2.2: broadcast presence is addressed to each contact).
 *
 * @param xml           the presence stanza, serialized for a jabber:client stream, with no 'to'
 * @param connectionIds target connections on the receiving node
 * @param toJids        the 'to' for each connection, index for index
 * @param ingressMicros when the update entered the cluster (0 = unknown)
 */
public record PresenceBatch(byte[] xml, List<String> connectionIds, List<String> toJids, long ingressMicros) {
    public PresenceBatch {
        connectionIds = List.copyOf(connectionIds);
        toJids = List.copyOf(toJids);
        if (connectionIds.size() != toJids.size()) {
            throw new IllegalArgumentException("one 'to' per connection");
        }
    }

    public int size() {
        return connectionIds.size();
    }
}
