package io.switchboard.loadtest.xmpp;

import io.switchboard.loadtest.xml.XmlElement;
import io.switchboard.loadtest.xml.XmlParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StanzasTest {

    @Test
    void framedStanzasDeclareTheirNamespace() {
        assertThat(Stanzas.framed("<presence/>")).isEqualTo("<presence xmlns='jabber:client'/>");
        assertThat(Stanzas.framed("<iq type='get' id='1'/>")).isEqualTo("<iq xmlns='jabber:client' type='get' id='1'/>");
    }

    @Test
    void mamQueryAsksForTheNewestPage() {
        XmlElement iq = XmlParser.parse(Stanzas.mamQuery("i1", "q1", "b@localhost", 50, null));
        XmlElement query = iq.child("query", Stanzas.NS_MAM);
        assertThat(query.attribute("queryid")).isEqualTo("q1");
        assertThat(query.child("set", Stanzas.NS_RSM).childText("max")).isEqualTo("50");
        assertThat(query.child("set", Stanzas.NS_RSM).child("before")).isNotNull();
        assertThat(query.child("x").childrenNamed("field").get(1).childText("value")).isEqualTo("b@localhost");
    }

    @Test
    void escapesUserText() {
        XmlElement m = XmlParser.parse(Stanzas.chat("a@b", "1", "<&'\">"));
        assertThat(m.childText("body")).isEqualTo("<&'\">");
    }

    @Test
    void saslDataRoundTrips() {
        assertThat(Stanzas.unbase64(XmlParser.parse(Stanzas.auth("PLAIN", Stanzas.plainMessage("u", "p"))).text()))
                .isEqualTo("\0u\0p");
        assertThat(Stanzas.unbase64("=")).isEmpty();
    }
}
