package io.switchboard.router.module;

import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;

import java.util.Objects;

/**
 * A message accepted for a local account, as {@link MessageInterceptor}s see it.
 *
 * <p>The routing header (kind, type, addresses, origin) is fixed: interceptors may change the
 * content only, so a rewrite can never re-route a message. The parsed form is computed at most
 * once and handed on with a rewrite, so several interceptors do not parse the same bytes again.
 */
public final class InterceptedMessage {
    private final RoutedStanza stanza;
    private final Jid from;
    private final Jid to;
    private final Jid recipient;
    private final boolean offline;
    private XmlElement element;

    /**
     * @param stanza    the message (routing header and bytes)
     * @param from      the sender's full JID
     * @param to        the address the message was routed by: its 'to', or the sender's bare JID
     *                  when it had none (RFC 6120 §10.3.1)
     * @param recipient the bare JID of the local account it goes to
     * @param offline   true when it is about to be stored for later delivery (XEP-0160), false
     *                  when it is about to be delivered to connected resources
     */
    public InterceptedMessage(RoutedStanza stanza, Jid from, Jid to, Jid recipient, boolean offline) {
        this(stanza, from, to, recipient, offline, null);
    }

    private InterceptedMessage(RoutedStanza stanza, Jid from, Jid to, Jid recipient, boolean offline,
                               XmlElement element) {
        this.stanza = Objects.requireNonNull(stanza, "stanza");
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        this.recipient = Objects.requireNonNull(recipient, "recipient");
        this.offline = offline;
        this.element = element;
    }

    public RoutedStanza stanza() {
        return stanza;
    }

    /** The message type as the routing header has it (null when absent: "normal", RFC 6121 §5.2.2). */
    public String type() {
        return stanza.type();
    }

    public Jid from() {
        return from;
    }

    public Jid to() {
        return to;
    }

    public Jid recipient() {
        return recipient;
    }

    public boolean offline() {
        return offline;
    }

    /** The parsed message (parsed on first use). */
    public XmlElement element() {
        XmlElement e = element;
        if (e == null) {
            e = StanzaParsing.parse(stanza.xml());
            element = e;
        }
        return e;
    }

    /** The same message with new content; the routing header stays as it was. */
    public InterceptedMessage withStanza(XmlElement message) {
        if (!"message".equals(message.name())) {
            throw new IllegalArgumentException("an interceptor must hand on a message, not <" + message.name() + ">");
        }
        RoutedStanza s = stanza;
        RoutedStanza rewritten = new RoutedStanza(s.kind(), s.type(), s.id(), s.from(), s.to(), s.originNode(),
                s.originConnection(), s.ingressMicros(), message.toBytes());
        return new InterceptedMessage(rewritten, from, to, recipient, offline, message);
    }

    @Override
    public String toString() {
        return "InterceptedMessage[" + stanza + " recipient=" + recipient + (offline ? " offline" : "") + "]";
    }
}
