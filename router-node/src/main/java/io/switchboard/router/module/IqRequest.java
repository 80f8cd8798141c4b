package io.switchboard.router.module;

import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.XmlElement;

/**
 * An IQ get or set for a handler.
 *
 * @param iq      the whole stanza
 * @param payload its single child element (RFC 6120 §8.2.3)
 * @param from    the sender's full JID, or null before authentication (in-band registration)
 * @param to      the addressee: the domain JID (SERVER scope) or a bare JID (ACCOUNT scope)
 * @param scope   which scope matched
 * @param header  the routing header, e.g. for the origin connection
 */
public record IqRequest(XmlElement iq, XmlElement payload, Jid from, Jid to, IqScope scope, RoutedStanza header) {
    public boolean isGet() {
        return "get".equals(iq.attribute("type"));
    }

    public boolean isSet() {
        return "set".equals(iq.attribute("type"));
    }

    /** True when the sender asks about its own account (no 'to', or its own bare JID). */
    public boolean isForSelf() {
        return from != null && scope == IqScope.ACCOUNT && to.equals(from.bare());
    }
}
