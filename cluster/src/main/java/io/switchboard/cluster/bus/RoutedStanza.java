package io.switchboard.cluster.bus;

import java.nio.charset.StandardCharsets;

/**
 * A stanza travelling from a connector to a router, with the compact routing header in front so
 * a hop that only routes never re-parses the XML.
 *
 * @param kind           message, presence or iq
 * @param type           the stanza's type attribute, or null
 * @param id             the stanza's id attribute, or null
 * @param from           the sender's full JID as stamped by the connector (RFC 6120 §8.1.2.1);
 *                       null only for pre-authentication requests such as in-band registration
 * @param to             the normalised 'to' address, or null when absent
 * @param originNode     the connector node that received it
 * @param originConnection the connection id on that node (replies to pre-auth requests go there)
 * @param ingressMicros  wall-clock microseconds at ingress, for routing-latency metrics
 * @param xml            the stanza serialized for a jabber:client stream (no xmlns on the top element)
 */
public record RoutedStanza(StanzaKind kind, String type, String id, String from, String to,
                           String originNode, String originConnection, long ingressMicros, byte[] xml) {

    public String xmlString() {
        return new String(xml, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RoutedStanza[" + kind + " type=" + type + " id=" + id + " from=" + from + " to=" + to
                + " origin=" + originNode + "/" + originConnection + " bytes=" + xml.length + "]";
    }
}
