package io.switchboard.cluster.bus;

import io.switchboard.protocol.jid.Jid;

/**
 * Whose presence work a stanza is: the presence-service instance and the ordered queue are
 * chosen by it, so routers (senders) and the presence service (receiver) must agree.
 */
public final class PresenceKeys {
    private PresenceKeys() {
    }

    /**
     * The sender's bare JID, except for a presence error: that changes what the addressee's
     * session broadcasts (RFC 6121 §4.4.2), so it is ordered with the addressee's own updates.
     */
    public static String userOf(RoutedStanza stanza) {
        if ("error".equals(stanza.type()) && stanza.to() != null) {
            return Jid.of(stanza.to()).bare().toString();
        }
        return Jid.of(stanza.from()).bare().toString();
    }
}
