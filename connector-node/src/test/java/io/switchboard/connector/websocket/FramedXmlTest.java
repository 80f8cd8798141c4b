package io.switchboard.connector.websocket;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 7395 framing elements on the way out. */
class FramedXmlTest {

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
