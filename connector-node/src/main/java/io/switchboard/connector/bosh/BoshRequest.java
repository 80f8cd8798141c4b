package io.switchboard.connector.bosh;

import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.StreamHeader;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One BOSH request: the attributes of its {@code <body/>} wrapper (XEP-0124 §7) and the stanzas
 * it carries. The body is parsed by the same {@link XmppStreamParser} as a TCP stream, the wrapper
 * taking the place of {@code <stream:stream>}, so its children meet the same limits and errors:
 * stanza size and depth ({@code policy-violation}), no DTD or entities ({@code restricted-xml}),
 * well-formedness.
 *
 * @param attributes the wrapper's attributes, keyed as in {@link XmlElement#attributes()}; empty when
 *                   the input is not a whole {@code <body/>}
 * @param children   the elements read before the end or the first error
 * @param error      why the input is not acceptable as a body, or null
 * @param errorText  what exactly was wrong
 * @param bodyError  true when the wrapper itself is at fault (no {@code <body>} in the httpbind
 *                   namespace, unfinished): XEP-0124 {@code bad-request}; false when a child broke a
 *                   stream rule, which ends the session with that stream error as on TCP
 * @param bytes      the request's size
 */
record BoshRequest(Map<String, String> attributes, List<XmlElement> children, StreamErrorCondition error,
                   String errorText, boolean bodyError, int bytes) {
    static final String XBOSH_VERSION = "{" + Namespaces.XBOSH + "}version";
    static final String XBOSH_RESTART = "{" + Namespaces.XBOSH + "}restart";

    String sid() {
        return attributes.get("sid");
    }

    /** The request id, or null when missing or not a number in XEP-0124's range (1 to 2^53 - 1). */
    Long rid() {
        Long rid = number("rid");
        return rid != null && rid > 0 && rid < (1L << 53) ? rid : null;
    }

    String type() {
        return attributes.get("type");
    }

    boolean isTerminate() {
        return "terminate".equals(type());
    }

    /** XEP-0206 §5: the client restarts the stream after SASL success. */
    boolean isRestart() {
        String restart = attributes.get(XBOSH_RESTART);
        return "true".equals(restart) || "1".equals(restart);
    }

    /** A non-negative whole number attribute (wait, hold, ack, pause), or null when absent or malformed. */
    Long number(String name) {
        String value = attributes.get(name);
        if (value == null || value.isEmpty() || value.length() > 18) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(value);
    }

    /** Nothing for the stream in it: no stanzas, no restart, no pause or terminate (XEP-0124 §12's "empty"). */
    boolean isEmpty() {
        return children.isEmpty() && !isRestart() && !isTerminate() && !attributes.containsKey("pause");
    }

    /**
     * Reads a request body as it arrives, chunk by chunk; {@link #finish()} gives the request.
     * At most {@code maxBytes} are accepted in all (a body may batch several stanzas, each within
     * the stanza limit).
     */
    static final class Reader implements XmppStreamParser.Listener {
        private final XmppStreamParser parser;
        private final int maxBytes;
        private final List<XmlElement> children = new ArrayList<>(2);
        private Map<String, String> attributes = Map.of();
        private boolean rootSeen;
        private boolean rootIsBody;
        private boolean rootClosed;
        private StreamErrorCondition error;
        private String errorText;
        private boolean wrapperError;
        private int bytes;

        Reader(ParserLimits limits, int maxBytes) {
            this.parser = new XmppStreamParser(limits, this);
            this.maxBytes = maxBytes;
        }

        /** @return false once the input is known to be unacceptable: the rest need not be read */
        boolean feed(Buffer chunk) {
            if (error != null) {
                return false;
            }
            bytes += chunk.length();
            if (bytes > maxBytes) {
                fail(StreamErrorCondition.POLICY_VIOLATION, "BOSH request body exceeds " + maxBytes + " bytes",
                        !rootIsBody);
                return false;
            }
            if (rootClosed) {
                if (!isWhitespace(chunk)) {
                    fail(StreamErrorCondition.NOT_WELL_FORMED, "content after </body>", true);
                }
                return error == null;
            }
            parser.feed(chunk.getBytes());
            return error == null;
        }

        BoshRequest finish() {
            if (error == null && !rootClosed) {
                fail(StreamErrorCondition.NOT_WELL_FORMED, rootSeen ? "the request ends before </body>"
                        : "the request holds no <body/>", true);
            }
            parser.end();
            // A request that is not a whole body is not trusted for anything, its sid included.
            return new BoshRequest(rootIsBody && !wrapperError ? attributes : Map.of(), List.copyOf(children), error,
                    errorText, wrapperError, bytes);
        }

        @Override
        public void onStreamOpen(StreamHeader header) {
            rootSeen = true;
            if (!"body".equals(header.name()) || !Namespaces.HTTPBIND.equals(header.namespace())) {
                fail(StreamErrorCondition.INVALID_NAMESPACE, "XEP-0124 §4: a request is a <body xmlns='"
                        + Namespaces.HTTPBIND + "'/>, not <" + header.name() + "/> in '" + header.namespace() + "'", true);
                return;
            }
            rootIsBody = true;
            attributes = header.attributes();
        }

        @Override
        public void onElement(XmlElement element) {
            if (error == null) {
                children.add(element);
            }
        }

        @Override
        public void onStreamClose() {
            rootClosed = true;
        }

        @Override
        public void onError(StreamErrorCondition condition, String text) {
            // Before the wrapper is complete, the request is not a body at all; after it, a child broke a stream rule.
            fail(condition, text, !rootIsBody);
        }

        private void fail(StreamErrorCondition condition, String text, boolean wrapper) {
            if (error == null) {
                error = condition;
                errorText = text;
                wrapperError = wrapper;
            }
        }

        private static boolean isWhitespace(Buffer chunk) {
            for (int i = 0; i < chunk.length(); i++) {
                byte b = chunk.getByte(i);
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                    return false;
                }
            }
            return true;
        }
    }
}
