package io.switchboard.connector.stream;

import io.switchboard.protocol.error.StreamError;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 7395 §3.3.3 and XEP-0206 on the way out: every element a standalone document. */
class StandaloneXmlTest {

    static String stanza(String xml) {
        return StandaloneXml.stanza(xml.getBytes(StandardCharsets.UTF_8));
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
        assertThat(StandaloneXml.element(features)).isEqualTo("<stream:features xmlns:stream='" + Namespaces.STREAM
                + "'><bind xmlns='" + Namespaces.BIND + "'/></stream:features>");
        assertThat(StandaloneXml.element(StreamError.element(StreamErrorCondition.CONFLICT, "replaced")))
                .startsWith("<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='"
                        + Namespaces.STREAMS_ERRORS + "'/><text xmlns='" + Namespaces.STREAMS_ERRORS + "' xml:lang='en'>")
                .endsWith("</stream:error>");
    }

    @Test
    @DisplayName("nonzas and server stanzas carry their own namespace")
    void otherElementsCarryTheirNamespace() {
        assertThat(StandaloneXml.element(XmlElement.of("r", "urn:xmpp:sm:3"))).isEqualTo("<r xmlns='urn:xmpp:sm:3'/>");
        assertThat(StandaloneXml.element(XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "result").build()))
                .isEqualTo("<iq xmlns='jabber:client' type='result'/>");
    }
}
