package io.switchboard.protocol.xml;

/** Namespace URIs used by the XMPP core protocols (RFC 6120/6121) and the extensions the server implements. */
public final class Namespaces {
    /** Stream root and stream-level elements (RFC 6120 §4.8.1). */
    public static final String STREAM = "http://etherx.jabber.org/streams";
    /** Default namespace of client-to-server streams (RFC 6120 §4.8.3). */
    public static final String CLIENT = "jabber:client";
    /** Default namespace of server-to-server streams (RFC 6120 §4.8.3). */
    public static final String SERVER = "jabber:server";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    public static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    /** Stream error conditions (RFC 6120 §4.9.3). */
    public static final String STREAMS_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
    /** Stanza error conditions (RFC 6120 §8.3.3). */
    public static final String STANZAS_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String REGISTER_FEATURE = "http://jabber.org/features/iq-register";
    public static final String REGISTER = "jabber:iq:register";
    public static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    public static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    public static final String PING = "urn:xmpp:ping";
    public static final String VERSION = "jabber:iq:version";
    public static final String DELAY = "urn:xmpp:delay";
    /** The namespace the {@code xml:} prefix is permanently bound to (Namespaces in XML 1.0 §3). */
    public static final String XML = "http://www.w3.org/XML/1998/namespace";
    /** WebSocket framing (RFC 7395). */
    public static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    /** BOSH's {@code <body/>} wrapper (XEP-0124). */
    public static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    /** XMPP's attributes on BOSH bodies (XEP-0206), e.g. {@code xmpp:version}, {@code xmpp:restart}. */
    public static final String XBOSH = "urn:xmpp:xbosh";

    /** The namespace reserved for namespace declarations; never a legal attribute namespace in the model. */
    static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    private Namespaces() {
    }
}
