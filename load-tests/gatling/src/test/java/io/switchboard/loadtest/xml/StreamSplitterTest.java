package io.switchboard.loadtest.xml;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamSplitterTest {
    private static final String STREAM = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' id='x>y' from='localhost' version='1.0'>"
            + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"
            + "  \n "
            + "<message to='a@b' type=\"chat\"><body>caf\u00e9 &lt;3 a&gt;b</body><x a='/>'/></message>"
            + "<presence/>"
            + "<iq type='result' id='1'><![CDATA[<not-a-tag>]]></iq>"
            + "</stream:stream>";

    private final List<String> events = new ArrayList<>();
    private final StreamSplitter splitter = new StreamSplitter(new StreamSplitter.Listener() {
        @Override
        public void streamOpened(XmlElement header) {
            events.add("open " + header.attribute("id"));
        }

        @Override
        public void element(String xml) {
            events.add(xml);
        }

        @Override
        public void streamClosed() {
            events.add("close");
        }
    });

    private List<String> expected() {
        return List.of("open x>y",
                "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
                "<message to='a@b' type=\"chat\"><body>caf\u00e9 &lt;3 a&gt;b</body><x a='/>'/></message>",
                "<presence/>",
                "<iq type='result' id='1'><![CDATA[<not-a-tag>]]></iq>",
                "close");
    }

    @Test
    void splitsAStreamFedInOnePiece() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 0, bytes.length);
        assertThat(events).containsExactlyElementsOf(expected());
    }

    @Test
    void splitsTheSameStreamFedByteByByte() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            splitter.feed(bytes, i, 1); // also splits the two bytes of 'é'
        }
        assertThat(events).containsExactlyElementsOf(expected());
    }

    @Test
    void splitsAtEveryPossibleBoundary() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            events.clear();
            StreamSplitter s = new StreamSplitter(new StreamSplitter.Listener() {
                @Override
                public void streamOpened(XmlElement header) {
                    events.add("open " + header.attribute("id"));
                }

                @Override
                public void element(String xml) {
                    events.add(xml);
                }

                @Override
                public void streamClosed() {
                    events.add("close");
                }
            });
            s.feed(bytes, 0, cut);
            s.feed(bytes, cut, bytes.length - cut);
            assertThat(events).as("cut at %d", cut).containsExactlyElementsOf(expected());
        }
    }

    @Test
    void aResetExpectsANewStreamHeader() {
        byte[] first = ("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='1'>"
                + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>").getBytes(StandardCharsets.UTF_8);
        splitter.feed(first, 0, first.length);
        splitter.reset(); // RFC 6120 §6.4.6: after SASL success both sides restart the stream
        byte[] second = ("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='2'>"
                + "<stream:features/>").getBytes(StandardCharsets.UTF_8);
        splitter.feed(second, 0, second.length);
        assertThat(events).containsExactly("open 1", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", "open 2",
                "<stream:features/>");
    }

    @Test
    void keepsLargeElementsWhole() {
        String body = "x".repeat(100_000);
        byte[] bytes = ("<stream:stream>" + "<message><body>" + body + "</body></message>").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 777) {
            splitter.feed(bytes, i, Math.min(777, bytes.length - i));
        }
        assertThat(events).hasSize(2);
        assertThat(XmlParser.parse(events.get(1)).childText("body")).isEqualTo(body);
    }
}
