package io.switchboard.loadtest.xml;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XmlParserTest {

    @Test
    void parsesAttributesTextEntitiesAndNamespaces() {
        XmlElement m = XmlParser.parse("<message xmlns='jabber:client' from=\"a@b/r\" type='chat'>"
                + "<body>1 &lt; 2 &amp;&#x20;&#65; &apos;q&quot;</body>"
                + "<result xmlns='urn:xmpp:mam:2' queryid='q1'><forwarded xmlns='urn:xmpp:forward:0'>"
                + "<message><body>inner</body></message></forwarded></result></message>");
        assertThat(m.name()).isEqualTo("message");
        assertThat(m.attribute("from")).isEqualTo("a@b/r");
        assertThat(m.childText("body")).isEqualTo("1 < 2 & A 'q\"");
        assertThat(m.child("result", "urn:xmpp:mam:2").attribute("queryid")).isEqualTo("q1");
        assertThat(m.child("result").find("body").text()).isEqualTo("inner");
        assertThat(m.child("body").namespace()).isEqualTo("jabber:client"); // inherited default namespace
    }

    @Test
    void keepsPrefixesAndCdata() {
        XmlElement e = XmlParser.parse("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text><![CDATA[a <b> c]]></text></stream:error>");
        assertThat(e.localName()).isEqualTo("error");
        assertThat(e.children().get(0).localName()).isEqualTo("conflict");
        assertThat(e.childText("text")).isEqualTo("a <b> c");
    }

    @Test
    void readsAnUnclosedStreamHeader() {
        XmlElement h = XmlParser.parse("<stream:stream from='localhost' id='abc' version='1.0'>");
        assertThat(h.attribute("id")).isEqualTo("abc");
    }

    @Test
    void writesBackWhatItRead() {
        String xml = "<iq type='result' id='1'><query xmlns='jabber:iq:roster'><item jid='a@b' name='&lt;A&gt;'/></query></iq>";
        assertThat(XmlParser.parse(XmlParser.parse(xml).toString()).toString()).isEqualTo(XmlParser.parse(xml).toString());
    }

    @Test
    void rejectsBrokenInput() {
        assertThatThrownBy(() -> XmlParser.parse("<a><b></a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlParser.parse("<a x=1/>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XmlParser.parse("<a>&nbsp;</a>")).isInstanceOf(IllegalArgumentException.class);
    }
}
