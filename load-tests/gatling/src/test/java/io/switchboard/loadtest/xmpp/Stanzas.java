package io.switchboard.loadtest.xmpp;

import io.switchboard.loadtest.xml.Xml;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The XML a simulated client sends, with the RFC or XEP that defines each piece. */
public final class Stanzas {
    public static final String NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    public static final String NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    public static final String NS_ROSTER = "jabber:iq:roster";
    public static final String NS_REGISTER = "jabber:iq:register";
    public static final String NS_PING = "urn:xmpp:ping";
    public static final String NS_MAM = "urn:xmpp:mam:2";
    public static final String NS_RSM = "http://jabber.org/protocol/rsm";
    public static final String NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";

    private Stanzas() {
    }

    /** RFC 6120 §4.7: the initial stream header of a client. */
    public static String streamHeader(String domain) {
        return "<?xml version='1.0'?><stream:stream to='" + Xml.escape(domain)
                + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    }

    /** RFC 7395 §3.4: the WebSocket equivalent of the stream header, one frame of its own. */
    public static String framingOpen(String domain) {
        return "<open xmlns='" + NS_FRAMING + "' to='" + Xml.escape(domain) + "' version='1.0'/>";
    }

    /**
     * RFC 7395 §3.3.3: over WebSocket every stanza is a document of its own and must declare the
     * content namespace itself, there being no stream header to inherit it from.
     */
    public static String framed(String stanza) {
        int nameEnd = 1;
        while (nameEnd < stanza.length() && Character.isLetter(stanza.charAt(nameEnd))) {
            nameEnd++;
        }
        return stanza.substring(0, nameEnd) + " xmlns='jabber:client'" + stanza.substring(nameEnd);
    }

    /** RFC 7395 §3.6: closes a WebSocket-framed stream. */
    public static String framingClose() {
        return "<close xmlns='" + NS_FRAMING + "'/>";
    }

    public static final String STREAM_CLOSE = "</stream:stream>";

    /** RFC 6120 §5.4.2.1. */
    public static final String STARTTLS = "<starttls xmlns='" + NS_TLS + "'/>";

    /** RFC 6120 §6.4.2 with an initial response (RFC 4422 §3.3). */
    public static String auth(String mechanism, String initialResponse) {
        return "<auth xmlns='" + NS_SASL + "' mechanism='" + mechanism + "'>" + base64(initialResponse) + "</auth>";
    }

    /** RFC 6120 §6.4.3. */
    public static String saslResponse(String response) {
        return "<response xmlns='" + NS_SASL + "'>" + base64(response) + "</response>";
    }

    /** RFC 4616: authzid (empty), authcid, password. */
    public static String plainMessage(String user, String password) {
        return "\0" + user + "\0" + password;
    }

    /** RFC 6120 §7.6.1: bind the resource we ask for. */
    public static String bind(String id, String resource) {
        return "<iq type='set' id='" + id + "'><bind xmlns='" + NS_BIND + "'><resource>" + Xml.escape(resource)
                + "</resource></bind></iq>";
    }

    /** RFC 3921 §3: session establishment, for servers that still require it. */
    public static String session(String id) {
        return "<iq type='set' id='" + id + "'><session xmlns='" + NS_SESSION + "'/></iq>";
    }

    /** RFC 6121 §2.1.3: roster get. */
    public static String rosterGet(String id) {
        return "<iq type='get' id='" + id + "'><query xmlns='" + NS_ROSTER + "'/></iq>";
    }

    /** XEP-0077 §3.1: account registration. */
    public static String register(String id, String user, String password) {
        return "<iq type='set' id='" + id + "'><query xmlns='" + NS_REGISTER + "'><username>" + Xml.escape(user)
                + "</username><password>" + Xml.escape(password) + "</password></query></iq>";
    }

    /** XEP-0199 §4.2: a client-to-server ping. */
    public static String ping(String id, String domain) {
        return "<iq type='get' id='" + id + "' to='" + Xml.escape(domain) + "'><ping xmlns='" + NS_PING + "'/></iq>";
    }

    /** RFC 6121 §4.2.1 initial presence, or §4.4 a later broadcast with show/status. */
    public static String presence(String show, String status) {
        if (show == null && status == null) {
            return "<presence/>";
        }
        StringBuilder sb = new StringBuilder("<presence>");
        if (show != null) {
            sb.append("<show>").append(Xml.escape(show)).append("</show>");
        }
        if (status != null) {
            sb.append("<status>").append(Xml.escape(status)).append("</status>");
        }
        return sb.append("</presence>").toString();
    }

    /** RFC 6121 §4.5.1: unavailable presence before closing. */
    public static final String UNAVAILABLE = "<presence type='unavailable'/>";

    /** RFC 6121 §3: subscribe, subscribed (approval, or pre-approval per §3.4), ... */
    public static String subscription(String to, String type) {
        return "<presence to='" + Xml.escape(to) + "' type='" + type + "'/>";
    }

    /** RFC 6121 §5.2.1: a one-to-one chat message. */
    public static String chat(String to, String id, String body) {
        return "<message to='" + Xml.escape(to) + "' type='chat' id='" + id + "'><body>" + Xml.escape(body)
                + "</body></message>";
    }

    /**
     * XEP-0313 §4 query with XEP-0059 paging, newest page first ({@code <before/>}, §2.5 of
     * XEP-0059): {@code before} is the first id of the page already seen, or null for the last page.
     * {@code with}, if not null, limits the query to one contact (XEP-0313 §4.1.1).
     */
    public static String mamQuery(String id, String queryId, String with, int max, String before) {
        StringBuilder sb = new StringBuilder("<iq type='set' id='").append(id).append("'><query xmlns='")
                .append(NS_MAM).append("' queryid='").append(queryId).append("'>");
        if (with != null) {
            sb.append("<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>")
                    .append(NS_MAM).append("</value></field><field var='with'><value>").append(Xml.escape(with))
                    .append("</value></field></x>");
        }
        sb.append("<set xmlns='").append(NS_RSM).append("'><max>").append(max).append("</max>");
        sb.append(before == null ? "<before/>" : "<before>" + Xml.escape(before) + "</before>");
        return sb.append("</set></query></iq>").toString();
    }

    /** An empty iq result answering {@code id} (XEP-0199 pings, RFC 6121 §2.1.6 roster pushes). */
    public static String iqResult(String id, String to) {
        return "<iq type='result' id='" + Xml.escape(id) + "'" + (to == null ? "" : " to='" + Xml.escape(to) + "'")
                + "/>";
    }

    /** RFC 6120 §8.4: the answer to an iq we do not understand. */
    public static String iqServiceUnavailable(String id, String to) {
        return "<iq type='error' id='" + Xml.escape(id) + "'" + (to == null ? "" : " to='" + Xml.escape(to) + "'")
                + "><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>";
    }

    public static String base64(String s) {
        return s.isEmpty() ? "=" : Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes SASL data; "=" stands for an empty response (RFC 6120 §6.4.2). */
    public static String unbase64(String s) {
        if (s == null) {
            return "";
        }
        String t = s.trim();
        if (t.isEmpty() || t.equals("=")) {
            return "";
        }
        return new String(Base64.getDecoder().decode(t), StandardCharsets.UTF_8);
    }
}
