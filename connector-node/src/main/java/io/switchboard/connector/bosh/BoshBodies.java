package io.switchboard.connector.bosh;

import io.switchboard.protocol.xml.Namespaces;

import java.util.List;
import java.util.Map;

/**
 * The {@code <body/>} wrappers the server answers with (XEP-0124 §7, §17; XEP-0206 §3). Their
 * children are already standalone (see {@code StandaloneXml}): the wrapper's default namespace is
 * httpbind, not {@code jabber:client}.
 */
final class BoshBodies {
    static final String CONTENT_TYPE = "text/xml; charset=utf-8";
    private static final String OPEN = "<body xmlns='" + Namespaces.HTTPBIND + "'";

    private BoshBodies() {
    }

    /** A response carrying {@code payload}, with extra attributes (e.g. {@code ack}) in order. */
    static String body(Map<String, String> attributes, List<String> payload) {
        StringBuilder sb = new StringBuilder(64 + payload.stream().mapToInt(String::length).sum());
        sb.append(OPEN);
        attributes.forEach((name, value) -> attribute(sb, name, value));
        if (payload.isEmpty()) {
            return sb.append("/>").toString();
        }
        sb.append('>');
        payload.forEach(sb::append);
        return sb.append("</body>").toString();
    }

    static String empty() {
        return OPEN + "/>";
    }

    /**
     * XEP-0124 §17.2: the session is over; {@code condition} says why (null when the client or the
     * stream ended it normally).
     */
    static String terminate(String condition, List<String> payload) {
        StringBuilder sb = new StringBuilder(96 + payload.stream().mapToInt(String::length).sum());
        sb.append(OPEN).append(" type='terminate'");
        if (condition != null) {
            attribute(sb, "condition", condition);
        }
        if (payload.isEmpty()) {
            return sb.append("/>").toString();
        }
        sb.append('>');
        payload.forEach(sb::append);
        return sb.append("</body>").toString();
    }

    static String terminate(String condition) {
        return terminate(condition, List.of());
    }

    private static void attribute(StringBuilder sb, String name, String value) {
        sb.append(' ').append(name).append("='").append(value.replace("&", "&amp;").replace("'", "&apos;")
                .replace("<", "&lt;").replace("\"", "&quot;")).append('\'');
    }
}
