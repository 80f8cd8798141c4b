package io.switchboard.protocol.xml;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared fixtures for the parser and serializer tests. */
final class ParserTestSupport {
    static final String CLIENT_HEADER = "<stream:stream from='juliet@im.example.com' to='im.example.com' version='1.0'"
            + " xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
    static final String DECLARATION = "<?xml version='1.0'?>";

    private ParserTestSupport() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses one chunk with default limits. */
    static RecordingListener parse(String document) {
        return parse(utf8(document), ParserLimits.defaults());
    }

    static RecordingListener parse(byte[] document, ParserLimits limits) {
        RecordingListener l = new RecordingListener();
        new XmppStreamParser(limits, l).feed(document);
        return l;
    }

    /** Feeds {@code chunkSize}-byte pieces (each in its own array at index 0, as a network layer would). */
    static RecordingListener parseInChunks(byte[] document, int chunkSize, ParserLimits limits) {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(limits, l);
        for (int i = 0; i < document.length; i += chunkSize) {
            int n = Math.min(chunkSize, document.length - i);
            byte[] piece = new byte[n];
            System.arraycopy(document, i, piece, 0, n);
            p.feed(piece);
        }
        return l;
    }

    static RecordingListener parseByteByByte(String document) {
        return parseInChunks(utf8(document), 1, ParserLimits.defaults());
    }

    /** Parses {@code stanzaXml} as the single first-level element of a jabber:client stream. */
    static XmlElement parseStanza(String stanzaXml) {
        RecordingListener l = parse(CLIENT_HEADER + stanzaXml);
        if (l.error != null) {
            throw new AssertionError("parse failed: " + l.error + " " + l.errorText + " for " + stanzaXml);
        }
        List<XmlElement> elements = l.elements;
        if (elements.size() != 1) {
            throw new AssertionError("expected one element, got " + elements);
        }
        return elements.get(0);
    }
}
