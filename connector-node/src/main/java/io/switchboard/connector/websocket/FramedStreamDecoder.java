package io.switchboard.connector.websocket;

import io.switchboard.connector.stream.StreamDecoder;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.StreamHeader;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 7395 framing on the way in: each WebSocket message is one standalone XML document holding
 * exactly one element (§3.3.3). {@code <open/>} and {@code <close/>} in the framing namespace
 * become the stream events that {@code <stream:stream>} and its end tag are on TCP; everything else
 * is handed on as a first-level element.
 *
 * <p>Each message is parsed by the same {@link XmppStreamParser} as TCP input, so the limits and
 * their stream errors are the same: stanza size and depth ({@code policy-violation}), no DTD,
 * entities, comments or processing instructions ({@code restricted-xml}), UTF-8 only, undeclared
 * prefixes. The parser wants a stream around its elements, so every message is fed inside a
 * synthetic root that declares no namespace: an element that relies on a declaration it does not
 * carry itself (a stanza without {@code xmlns='jabber:client'}) ends up in no namespace, as it would
 * in the standalone document the RFC asks for.
 */
final class FramedStreamDecoder implements StreamDecoder {
    private static final byte[] ROOT_OPEN = "<frame>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROOT_CLOSE = "</frame>".getBytes(StandardCharsets.US_ASCII);
    /** Long enough for any XML declaration ({@code <?xml version='1.0' encoding='UTF-8' standalone='yes'?>}). */
    private static final int MAX_DECLARATION = 128;

    private final ParserLimits limits;
    private final XmppStreamParser.Listener stream;
    private final Runnable peerClosedStream;
    private final Frame frame = new Frame();
    private final XmppStreamParser parser;
    private boolean awaitingOpen = true;
    private boolean ended;

    /**
     * @param stream           receives the stream events (the connection)
     * @param peerClosedStream told when the client sent {@code <close/>}, before the stream hears of it
     */
    FramedStreamDecoder(ParserLimits limits, XmppStreamParser.Listener stream, Runnable peerClosedStream) {
        this.limits = limits;
        this.stream = stream;
        this.peerClosedStream = peerClosedStream;
        this.parser = new XmppStreamParser(limits, frame);
    }

    /** One whole WebSocket message. */
    @Override
    public void feed(byte[] data, int offset, int length) {
        if (ended) {
            return;
        }
        if (length == 0 || data[offset] != '<') {
            fail(StreamErrorCondition.BAD_FORMAT, "RFC 7395 §3.3.3: every message starts with '<'"
                    + " (whitespace keepalives are not used over WebSocket, §3.8)");
            return;
        }
        if (length > limits.maxStanzaBytes()) {
            fail(StreamErrorCondition.POLICY_VIOLATION, "stanza exceeds " + limits.maxStanzaBytes() + " bytes");
            return;
        }
        frame.clear();
        parser.reset();
        int end = offset + length;
        // An XML declaration is allowed (if not recommended) at the start of a message; it has to reach the
        // parser before the synthetic root, where the parser checks it as it would on TCP.
        int body = declarationEnd(data, offset, end);
        if (body > offset) {
            parser.feed(data, offset, body - offset);
        }
        parser.feed(ROOT_OPEN);
        parser.feed(data, body, end - body);
        frame.atRootClose = true;
        parser.feed(ROOT_CLOSE);
        if (frame.error != null) {
            if (frame.errorAtRootClose) {
                fail(StreamErrorCondition.NOT_WELL_FORMED, "RFC 7395 §3.3.3: a message must hold one complete XML"
                        + " element");
            } else {
                fail(frame.error, frame.errorText);
            }
        } else if (!frame.closedAtRootClose || frame.elements.size() != 1) {
            fail(StreamErrorCondition.NOT_WELL_FORMED, "RFC 7395 §3.3.3: a message must hold exactly one XML element,"
                    + " got " + frame.elements.size());
        } else {
            dispatch(frame.elements.get(0));
        }
    }

    /** After SASL success the client opens a new stream with a new {@code <open/>} (RFC 7395 §3.7). */
    @Override
    public void restart() {
        awaitingOpen = true;
    }

    private void dispatch(XmlElement element) {
        boolean framing = Namespaces.FRAMING.equals(element.namespace());
        if (framing && "close".equals(element.name())) {
            ended = true;
            peerClosedStream.run();
            stream.onStreamClose();
        } else if (awaitingOpen) {
            if (framing && "open".equals(element.name())) {
                awaitingOpen = false;
                // The same header a TCP client sends, so the stream checks (to, version, xml:lang) are shared.
                stream.onStreamOpen(new StreamHeader("stream", Namespaces.STREAM, Namespaces.CLIENT,
                        element.attributes()));
            } else {
                fail(StreamErrorCondition.INVALID_NAMESPACE, "RFC 7395 §3.3.2, §3.4: a stream starts with <open xmlns='"
                        + Namespaces.FRAMING + "'/>");
            }
        } else {
            stream.onElement(element);
        }
    }

    private void fail(StreamErrorCondition condition, String text) {
        ended = true;
        stream.onError(condition, text);
    }

    /** Where the message's body starts: after a leading XML declaration, else at {@code offset}. */
    private static int declarationEnd(byte[] data, int offset, int end) {
        if (end - offset < 6 || data[offset + 1] != '?' || data[offset + 2] != 'x' || data[offset + 3] != 'm'
                || data[offset + 4] != 'l' || !isSpace(data[offset + 5])) {
            return offset;
        }
        int limit = Math.min(end - 1, offset + MAX_DECLARATION);
        for (int i = offset + 6; i < limit; i++) {
            if (data[i] == '?' && data[i + 1] == '>') {
                return i + 2;
            }
        }
        return offset; // unterminated: the parser reports the stray declaration inside the root
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** What the parser reported for one message inside the synthetic root. */
    private static final class Frame implements XmppStreamParser.Listener {
        final List<XmlElement> elements = new ArrayList<>(1);
        boolean atRootClose;
        boolean closedAtRootClose;
        StreamErrorCondition error;
        String errorText;
        boolean errorAtRootClose;

        void clear() {
            elements.clear();
            atRootClose = false;
            closedAtRootClose = false;
            error = null;
            errorText = null;
            errorAtRootClose = false;
        }

        @Override
        public void onStreamOpen(StreamHeader header) {
            // the synthetic root
        }

        @Override
        public void onElement(XmlElement element) {
            elements.add(element);
        }

        @Override
        public void onStreamClose() {
            // Only the synthetic end tag may close the root: a message carrying "</frame>" itself is not a document.
            closedAtRootClose = atRootClose;
        }

        @Override
        public void onError(StreamErrorCondition condition, String text) {
            error = condition;
            errorText = text;
            errorAtRootClose = atRootClose;
        }
    }
}
