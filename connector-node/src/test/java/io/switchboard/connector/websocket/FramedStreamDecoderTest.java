package io.switchboard.connector.websocket;

import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.StreamHeader;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 7395 messages in, the stream events a TCP stream would produce out. */
class FramedStreamDecoderTest {
    static final String OPEN = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'"
            + " xml:lang='de'/>";

    /** Records what the connection would be told. */
    static final class Events implements XmppStreamParser.Listener {
        final List<String> seen = new ArrayList<>();
        StreamHeader header;
        final List<XmlElement> elements = new ArrayList<>();

        @Override
        public void onStreamOpen(StreamHeader h) {
            header = h;
            seen.add("open");
        }

        @Override
        public void onElement(XmlElement e) {
            elements.add(e);
            seen.add("element " + e.name());
        }

        @Override
        public void onStreamClose() {
            seen.add("close");
        }

        @Override
        public void onError(StreamErrorCondition condition, String text) {
            seen.add("error " + condition.elementName());
        }
    }

    final Events events = new Events();
    final List<String> peerClosed = new ArrayList<>();
    final FramedStreamDecoder decoder = new FramedStreamDecoder(new ParserLimits(1024, 8), events,
            () -> peerClosed.add("peer closed"));

    void feed(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        decoder.feed(b, 0, b.length);
    }

    @Test
    @DisplayName("RFC 7395 §3.3.1, §3.4: <open/> becomes the header a TCP client would send, attributes included")
    void openBecomesAStreamHeader() {
        feed(OPEN);
        assertThat(events.seen).containsExactly("open");
        assertThat(events.header.name()).isEqualTo("stream");
        assertThat(events.header.namespace()).isEqualTo(Namespaces.STREAM);
        assertThat(events.header.defaultNamespace()).isEqualTo(Namespaces.CLIENT);
        assertThat(events.header.to()).isEqualTo("example.com");
        assertThat(events.header.version()).isEqualTo("1.0");
        assertThat(events.header.lang()).isEqualTo("de");
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3: each later message is one first-level element, namespaces as declared in it")
    void elementsOneMessageEach() {
        feed(OPEN);
        feed("<message xmlns='jabber:client' to='a@example.com'><body>hi</body></message>");
        feed("<r xmlns='urn:xmpp:sm:3'/>");
        feed("<presence/>"); // no xmlns: in no namespace, as the standalone document it is
        assertThat(events.seen).containsExactly("open", "element message", "element r", "element presence");
        assertThat(events.elements.get(0).namespace()).isEqualTo(Namespaces.CLIENT);
        assertThat(events.elements.get(0).childText("body", Namespaces.CLIENT)).isEqualTo("hi");
        assertThat(events.elements.get(2).namespace()).isEmpty();
    }

    @Test
    @DisplayName("RFC 7395 §3.7: after a restart the next message must be a new <open/>")
    void restartExpectsOpenAgain() {
        feed(OPEN);
        decoder.restart();
        feed(OPEN.replace("xml:lang='de'", ""));
        assertThat(events.seen).containsExactly("open", "open");
        assertThat(events.header.lang()).isNull();
    }

    @Test
    @DisplayName("RFC 7395 §3.6: <close/> ends the stream and tells the transport the client closed first")
    void closeEndsTheStream() {
        feed(OPEN);
        feed("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
        feed("<presence xmlns='jabber:client'/>");
        assertThat(events.seen).containsExactly("open", "close");
        assertThat(peerClosed).hasSize(1);
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3: an XML declaration may lead a message and is checked as on TCP")
    void xmlDeclaration() {
        feed("<?xml version='1.0' encoding='UTF-8'?>" + OPEN);
        assertThat(events.seen).containsExactly("open");
        feed("<?xml version='1.0' encoding='ISO-8859-1'?><presence xmlns='jabber:client'/>");
        assertThat(events.seen).containsExactly("open", "error unsupported-encoding");
    }

    @Test
    @DisplayName("RFC 7395 §3.3.2, §3.4: anything but a framing <open/> first is <invalid-namespace/>")
    void firstMessageMustBeOpen() {
        feed("<open xmlns='http://etherx.jabber.org/streams' to='example.com' version='1.0'/>");
        assertThat(events.seen).containsExactly("error invalid-namespace");
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3: zero, two or half an element in one message is <not-well-formed/>")
    void oneCompleteElementPerMessage() {
        for (String bad : List.of("<a/><b/>", "<message xmlns='jabber:client'>", "</frame>", "<a/></frame>",
                "<a></b>")) {
            Events e = new Events();
            FramedStreamDecoder d = new FramedStreamDecoder(new ParserLimits(1024, 8), e, () -> { });
            byte[] open = OPEN.getBytes(StandardCharsets.UTF_8);
            d.feed(open, 0, open.length);
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            d.feed(b, 0, b.length);
            assertThat(e.seen).as(bad).containsExactly("open", "error not-well-formed");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3, §3.8: a message not starting with '<' (a whitespace keepalive) is <bad-format/>")
    void mustStartWithAnAngleBracket() {
        feed(OPEN);
        feed(" <presence xmlns='jabber:client'/>");
        assertThat(events.seen).containsExactly("open", "error bad-format");
    }

    @Test
    @DisplayName("The TCP limits and XML restrictions apply per message: size, depth, comments, entities")
    void sameLimitsAsTcp() {
        record Case(String message, String error) {
        }
        for (Case c : List.of(
                new Case("<message xmlns='jabber:client'><body>" + "x".repeat(1100) + "</body></message>",
                        "policy-violation"),
                new Case("<iq xmlns='jabber:client'>" + "<a>".repeat(9) + "</a>".repeat(9) + "</iq>", "policy-violation"),
                new Case("<presence xmlns='jabber:client'><!-- c --></presence>", "restricted-xml"),
                new Case("<presence xmlns='jabber:client'>&custom;</presence>", "restricted-xml"),
                new Case("<x:presence xmlns='jabber:client'/>", "bad-namespace-prefix"))) {
            Events e = new Events();
            FramedStreamDecoder d = new FramedStreamDecoder(new ParserLimits(1024, 8), e, () -> { });
            byte[] open = OPEN.getBytes(StandardCharsets.UTF_8);
            d.feed(open, 0, open.length);
            byte[] b = c.message().getBytes(StandardCharsets.UTF_8);
            d.feed(b, 0, b.length);
            assertThat(e.seen).as(c.message()).containsExactly("open", "error " + c.error());
        }
    }

    @Test
    @DisplayName("After an error nothing more is decoded")
    void nothingAfterAnError() {
        feed("<a/><b/>");
        feed(OPEN);
        assertThat(events.seen).containsExactly("error not-well-formed");
    }
}
