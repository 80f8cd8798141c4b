package io.switchboard.connector.websocket;

import io.switchboard.protocol.error.StreamError;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 7395 §3.3.3 on the way out: every message a standalone document. */
class FramedXmlTest {

    static String stanza(String xml) {
        return FramedXml.stanza(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("a stanza serialized for a jabber:client stream gets xmlns='jabber:client' on its root only")
    void stanzaGetsTheClientNamespace() {
        assertThat(stanza("<message to='a@b' type='chat'><body>x</body></message>"))
                .isEqualTo("<message xmlns='jabber:client' to='a@b' type='chat'><body>x</body></message>");
        assertThat(stanza("<presence/>")).isEqualTo("<presence xmlns='jabber:client'/>");
        assertThat(stanza("<iq id='x>y' type='result'/>")).isEqualTo("<iq xmlns='jabber:client' id='x>y' type='result'/>");
        assertThat(stanza("<message>\u00e9</message>")).isEqualTo("<message xmlns='jabber:client'>\u00e9</message>");
    }

    @Test
    @DisplayName("a root that already declares a default namespace is left alone; xmlns:x is not a default one")
    void existingDeclarationIsKept() {
        assertThat(stanza("<message xmlns='jabber:client' to='a@b'/>")).isEqualTo("<message xmlns='jabber:client' to='a@b'/>");
        assertThat(stanza("<message a='xmlns=' xmlns=\"jabber:client\"/>"))
                .isEqualTo("<message a='xmlns=' xmlns=\"jabber:client\"/>");
        assertThat(stanza("<message xmlns:x='urn:x'/>")).isEqualTo("<message xmlns='jabber:client' xmlns:x='urn:x'/>");
    }

    @Test
    @DisplayName("stream-namespace elements keep the stream: prefix and declare it themselves")
    void streamElementsDeclareTheirPrefix() {
        XmlElement features = XmlElement.builder("features", Namespaces.STREAM)
                .child(XmlElement.of("bind", Namespaces.BIND)).build();
        assertThat(FramedXml.element(features)).isEqualTo("<stream:features xmlns:stream='" + Namespaces.STREAM
                + "'><bind xmlns='" + Namespaces.BIND + "'/></stream:features>");
        assertThat(FramedXml.element(StreamError.element(StreamErrorCondition.CONFLICT, "replaced")))
                .startsWith("<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='"
                        + Namespaces.STREAMS_ERRORS + "'/><text xmlns='" + Namespaces.STREAMS_ERRORS + "' xml:lang='en'>")
                .endsWith("</stream:error>");
    }

    @Test
    @DisplayName("nonzas and server stanzas carry their own namespace")
    void otherElementsCarryTheirNamespace() {
        assertThat(FramedXml.element(XmlElement.of("r", "urn:xmpp:sm:3"))).isEqualTo("<r xmlns='urn:xmpp:sm:3'/>");
        assertThat(FramedXml.element(XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "result").build()))
                .isEqualTo("<iq xmlns='jabber:client' type='result'/>");
    }

    @Test
    @DisplayName("RFC 7395 §3.4, §3.6.1: <open/> and <close see-other-uri/> in the framing namespace, values escaped")
    void openAndClose() {
        assertThat(FramedXml.open("example.com", "abc", null)).isEqualTo("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"
                + " from='example.com' id='abc' version='1.0' xml:lang='en'/>");
        assertThat(FramedXml.open("example.com", "abc", "x'y")).contains("xml:lang='x&apos;y'");
        assertThat(FramedXml.closeSeeOtherUri("wss://o.example/ws?a=1&b=2")).isEqualTo(
                "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing' see-other-uri='wss://o.example/ws?a=1&amp;b=2'/>");
    }
}
