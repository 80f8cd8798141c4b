package io.switchboard.connector.stanza;

import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.connector.ConnectorMetrics;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StanzaError;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StanzaErrorType;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;

/**
 * Validates each stanza of a bound session, stamps its {@code from} (RFC 6120 §8.1.2.1) and sends
 * it with its routing header to this connection's router instance (always the same one while the
 * set of routers is stable, so the connection's stanzas are processed in order, RFC 6120 §10.1),
 * which acknowledges each once acted on ({@link RouterLink}). Stanzas are checked here, once, so
 * routers can trust the header.
 */
public final class StanzaForwarder {
    private final XmppConnection connection;
    private final ConnectorServices services;
    private boolean available;

    public StanzaForwarder(XmppConnection connection, ConnectorServices services) {
        this.connection = connection;
        this.services = services;
    }

    public void handle(XmlElement stanza) {
        StanzaKind kind = Namespaces.CLIENT.equals(stanza.namespace()) ? StanzaKind.ofElement(stanza.name()) : null;
        if (kind == null) {
            connection.streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE,
                    "unsupported element <" + stanza.name() + "/> in " + stanza.namespace());
            return;
        }
        Jid self = connection.boundJid();
        String from = stanza.attribute("from");
        if (from != null) {
            Jid claimed = Jid.tryParse(from).orElse(null);
            if (claimed == null || !(claimed.equals(self) || claimed.equals(self.bare()))) {
                connection.streamError(StreamErrorCondition.INVALID_FROM, "'from' does not match the session");
                return;
            }
        }
        String type = stanza.attribute("type");
        String toAttribute = stanza.attribute("to");
        Jid to = null;
        if (toAttribute != null) {
            to = Jid.tryParse(toAttribute).orElse(null);
            if (to == null) {
                replyError(stanza, StanzaErrorCondition.JID_MALFORMED, "malformed 'to' address");
                return;
            }
        }
        if (kind == StanzaKind.IQ && !validIq(stanza, type)) {
            return;
        }
        if (kind == StanzaKind.IQ && isLegacySessionRequest(stanza, to)) {
            // RFC 3921 §3 session establishment: a no-op kept for older clients (RFC 6121 Appendix E).
            connection.send(XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "result")
                    .attribute("id", stanza.attribute("id")).build());
            return;
        }
        if (kind == StanzaKind.PRESENCE && to == null) {
            if (type == null) {
                available = true;
            } else if ("unavailable".equals(type)) {
                available = false;
            }
        }
        XmlElement stamped = stanza.withAttribute("from", self.toString());
        if (to != null) {
            stamped = stamped.withAttribute("to", to.toString());
        }
        services.metrics().stanzaIn(connection.transport().transportName(), kind);
        services.routerLink().forward(new RoutedStanza(kind, type, stanza.attribute("id"),
                self.toString(), to == null ? null : to.toString(), services.nodeId(), connection.sessionId(),
                ConnectorMetrics.currentMicros(), stamped.toBytes()), lost -> notRouted(stanza, kind, type));
    }

    /**
     * No router acted on the stanza (see {@link RouterLink}): messages and requests get a
     * {@code wait} error (RFC 6120 §8.3.2: try again later), so the sender knows; presence, results
     * and errors have nobody to tell.
     */
    private void notRouted(XmlElement stanza, StanzaKind kind, String type) {
        boolean answerable = kind == StanzaKind.MESSAGE ? !"error".equals(type)
                : kind == StanzaKind.IQ && ("get".equals(type) || "set".equals(type));
        if (answerable) {
            replyError(stanza, StanzaErrorCondition.INTERNAL_SERVER_ERROR, StanzaErrorType.WAIT,
                    "the server could not route this stanza; try again later");
        }
    }

    /** An in-band registration request before authentication (XEP-0077 §3.1): no 'from' yet. */
    public void forwardPreAuth(XmlElement iq) {
        if (!validIq(iq, iq.attribute("type"))) {
            return;
        }
        services.metrics().stanzaIn(connection.transport().transportName(), StanzaKind.IQ);
        XmlElement cleaned = iq.withoutAttribute("from").withoutAttribute("to");
        services.routerLink().forward(new RoutedStanza(StanzaKind.IQ, iq.attribute("type"),
                iq.attribute("id"), null, services.settings().domain(), services.nodeId(), connection.connectionId(),
                ConnectorMetrics.currentMicros(), cleaned.toBytes()), lost -> replyError(iq,
                StanzaErrorCondition.INTERNAL_SERVER_ERROR, StanzaErrorType.WAIT,
                "the server could not handle this request; try again later"));
    }

    /** Whether the session sent available presence (and has not sent unavailable since). */
    public boolean available() {
        return available;
    }

    /** A resumed XEP-0198 session keeps the presence state of the stream it replaces. */
    public void restoreAvailable(boolean available) {
        this.available = available;
    }

    /**
     * The session is over (closed cleanly, by error, or the TCP connection was lost): if it was
     * available its contacts and other resources learn it is gone (RFC 6121 §4.5.2), and its
     * directory entry is removed.
     */
    public void sessionEnded(Jid fullJid) {
        boolean wasAvailable = available;
        available = false;
        endSession(services, connection.sessionId(), fullJid, wasAvailable);
    }

    /**
     * Ends a session known by {@code sessionId}: the unavailable presence on its behalf when it was
     * available, then the conditional unbind; the stage completes with the unbind.
     */
    public static java.util.concurrent.CompletionStage<io.switchboard.cluster.directory.SessionEntry> endSession(
            ConnectorServices services, String sessionId, Jid fullJid, boolean wasAvailable) {
        if (wasAvailable) {
            XmlElement unavailable = XmlElement.builder("presence", Namespaces.CLIENT)
                    .attribute("from", fullJid.toString()).attribute("type", "unavailable").build();
            services.routerLink().forward(new RoutedStanza(StanzaKind.PRESENCE, "unavailable", null,
                    fullJid.toString(), null, services.nodeId(), sessionId,
                    ConnectorMetrics.currentMicros(), unavailable.toBytes()), lost -> { /* the client is gone */ });
        }
        return services.directory().unbind(fullJid.bare().toString(), fullJid.resource(), sessionId);
    }

    /** RFC 6120 §8.2.3: id and type are required; get and set carry exactly one payload element. */
    private boolean validIq(XmlElement iq, String type) {
        if (iq.attribute("id") == null) {
            connection.streamError(StreamErrorCondition.INVALID_XML, "an IQ needs an id");
            return false;
        }
        if (type == null || !(type.equals("get") || type.equals("set") || type.equals("result")
                || type.equals("error"))) {
            replyError(iq, StanzaErrorCondition.BAD_REQUEST, "IQ type must be get, set, result or error");
            return false;
        }
        if ((type.equals("get") || type.equals("set")) && iq.elements().size() != 1) {
            replyError(iq, StanzaErrorCondition.BAD_REQUEST, "an IQ get or set carries exactly one child element");
            return false;
        }
        return true;
    }

    private boolean isLegacySessionRequest(XmlElement iq, Jid to) {
        return "set".equals(iq.attribute("type")) && iq.child("session", Namespaces.SESSION) != null
                && (to == null || to.toString().equals(services.settings().domain()));
    }

    /**
     * An error on behalf of the stanza's recipient (its 'to' becomes the error's 'from'), for
     * failures after the stanza was accepted; the server's own domain when it had no 'to'.
     */
    private void replyError(XmlElement stanza, StanzaErrorCondition condition, StanzaErrorType type, String text) {
        if ("error".equals(stanza.attribute("type"))) {
            return;
        }
        XmlElement reply = StanzaError.errorReply(stanza, condition, type, text)
                .withAttribute("from", stanza.attribute("to") != null ? stanza.attribute("to")
                        : services.settings().domain());
        Jid self = connection.boundJid();
        connection.send(self == null ? reply.withoutAttribute("to") : reply.withAttribute("to", self.toString()));
    }

    private void replyError(XmlElement stanza, StanzaErrorCondition condition, String text) {
        if ("error".equals(stanza.attribute("type"))) {
            return; // never answer an error with an error (RFC 6120 §8.3.1)
        }
        XmlElement reply = StanzaError.errorReply(stanza, condition, text).withoutAttribute("from");
        Jid self = connection.boundJid();
        connection.send(self == null ? reply.withoutAttribute("to") : reply.withAttribute("to", self.toString()));
    }
}
