package io.switchboard.connector.websocket;

import io.switchboard.connector.stream.StandaloneXml;
import io.switchboard.protocol.xml.Namespaces;

/**
 * The RFC 7395 framing elements the server writes: {@code <open/>} and {@code <close/>}. Stanzas
 * and nonzas go out as {@link StandaloneXml} (§3.3.3: every message is a document of its own).
 */
final class FramedXml {
    static final String CLOSE = "<close xmlns='" + Namespaces.FRAMING + "'/>";

    private FramedXml() {
    }

    /** The response stream header (RFC 7395 §3.4): the same attributes as RFC 6120 §4.7, on {@code <open/>}. */
    static String open(String from, String streamId, String lang) {
        return "<open xmlns='" + Namespaces.FRAMING + "' from='" + escape(from) + "' id='" + escape(streamId)
                + "' version='1.0' xml:lang='" + escape(lang == null ? "en" : lang) + "'/>";
    }

    /** RFC 7395 §3.6.1: the stream ends and the client is sent to another endpoint. */
    static String closeSeeOtherUri(String uri) {
        return "<close xmlns='" + Namespaces.FRAMING + "' see-other-uri='" + escape(uri) + "'/>";
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
