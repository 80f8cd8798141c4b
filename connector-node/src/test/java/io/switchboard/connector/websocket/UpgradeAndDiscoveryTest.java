package io.switchboard.connector.websocket;

import io.switchboard.connector.ConnectorSettings;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upgrade decisions, message assembly and the XEP-0156 documents, without a server. */
class UpgradeAndDiscoveryTest {
    static final ConnectorSettings.Listener OFF = new ConnectorSettings.Listener(false, "127.0.0.1", 5280);

    @Test
    @DisplayName("RFC 7395 §3.1: only /xmpp-websocket with the 'xmpp' subprotocol among those offered")
    void subprotocolAndPath() {
        UpgradePolicy any = new UpgradePolicy(List.of());
        assertThat(any.check("/xmpp-websocket", List.of("xmpp"), null)).isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        assertThat(any.check("/xmpp-websocket", List.of("chat, xmpp"), null)).isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        assertThat(any.check("/xmpp-websocket", List.of("chat", "xmpp"), null)).isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        assertThat(any.check("/xmpp-websocket", List.of(), null)).isEqualTo(UpgradePolicy.Verdict.BAD_SUBPROTOCOL);
        assertThat(any.check("/xmpp-websocket", List.of("xmpp2, XMPP"), null))
                .isEqualTo(UpgradePolicy.Verdict.BAD_SUBPROTOCOL);
        assertThat(any.check("/ws", List.of("xmpp"), null)).isEqualTo(UpgradePolicy.Verdict.NOT_FOUND);
        assertThat(any.check("/xmpp-websocket", List.of("xmpp"), "https://anything.example"))
                .isEqualTo(UpgradePolicy.Verdict.ACCEPT);
    }

    @Test
    @DisplayName("RFC 6454 origins compare by scheme, host and port, default ports folded; no Origin is a non-browser")
    void origins() {
        UpgradePolicy policy = new UpgradePolicy(List.of("https://chat.example", "http://localhost:8080"));
        assertThat(policy.check("/xmpp-websocket", List.of("xmpp"), "https://chat.example"))
                .isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        assertThat(policy.check("/xmpp-websocket", List.of("xmpp"), "HTTPS://Chat.Example:443"))
                .isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        assertThat(policy.check("/xmpp-websocket", List.of("xmpp"), "http://localhost:8080"))
                .isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        assertThat(policy.check("/xmpp-websocket", List.of("xmpp"), null)).isEqualTo(UpgradePolicy.Verdict.ACCEPT);
        for (String other : List.of("http://chat.example", "https://chat.example:8443", "https://evil.example",
                "null", "http://localhost")) {
            assertThat(policy.check("/xmpp-websocket", List.of("xmpp"), other)).as(other)
                    .isEqualTo(UpgradePolicy.Verdict.FORBIDDEN_ORIGIN);
        }
        assertThatThrownBy(() -> new UpgradePolicy(List.of("chat.example"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("RFC 6455 §5.4: fragments join into one message; RFC 7395 §3.2: binary is refused; the stanza limit"
            + " applies while a message arrives")
    void messageAssembly() {
        List<String> out = new ArrayList<>();
        MessageAssembler.Sink sink = new MessageAssembler.Sink() {
            @Override
            public void message(Buffer message) {
                out.add(message.toString());
            }

            @Override
            public void violation(StreamErrorCondition condition, String text) {
                out.add("violation " + condition.elementName());
            }
        };
        MessageAssembler assembler = new MessageAssembler(10, sink);
        assembler.frame(WebSocketFrame.textFrame("<a/>", true));
        assembler.frame(WebSocketFrame.textFrame("<b>", false));
        assembler.frame(WebSocketFrame.pingFrame(Buffer.buffer("p"))); // control frames may interleave
        assembler.frame(WebSocketFrame.continuationFrame(Buffer.buffer("</b>"), true));
        assertThat(out).containsExactly("<a/>", "<b></b>");

        assembler.frame(WebSocketFrame.textFrame("<c>123", false));
        assembler.frame(WebSocketFrame.continuationFrame(Buffer.buffer("4567</c>"), true));
        assembler.frame(WebSocketFrame.textFrame("<d/>", true));
        assertThat(out).containsExactly("<a/>", "<b></b>", "violation policy-violation");

        List<String> binary = new ArrayList<>();
        new MessageAssembler(100, new MessageAssembler.Sink() {
            @Override
            public void message(Buffer message) {
                binary.add("message");
            }

            @Override
            public void violation(StreamErrorCondition condition, String text) {
                binary.add(condition.elementName());
            }
        }).frame(WebSocketFrame.binaryFrame(Buffer.buffer("<a/>"), true));
        assertThat(binary).containsExactly("bad-format");
    }

    @Test
    @DisplayName("XEP-0156: the advertised endpoint prefers wss, falls back to ws, or is the configured public URL")
    void advertisedEndpoint() {
        ConnectorSettings.Listener http = new ConnectorSettings.Listener(true, "0.0.0.0", 5280);
        ConnectorSettings.Listener https = new ConnectorSettings.Listener(true, "0.0.0.0", 5443);
        assertThat(HostMeta.webSocketUrl("chat.example", new ConnectorSettings.Web(http, https, List.of(), null, null)))
                .isEqualTo("wss://chat.example:5443/xmpp-websocket");
        assertThat(HostMeta.webSocketUrl("chat.example", new ConnectorSettings.Web(http, OFF, List.of(), null, null)))
                .isEqualTo("ws://chat.example:5280/xmpp-websocket");
        assertThat(HostMeta.webSocketUrl("chat.example", new ConnectorSettings.Web(http, https, List.of(),
                "wss://xmpp.chat.example/ws", null))).isEqualTo("wss://xmpp.chat.example/ws");
        assertThat(HostMeta.of("chat.example", ConnectorSettings.Web.disabled()).links()).isEmpty();
    }

    @Test
    @DisplayName("XEP-0156 §3: the XRD and JRD documents list the same links")
    void documents() {
        HostMeta meta = new HostMeta(List.of(new HostMeta.Link(HostMeta.WEBSOCKET_REL, "wss://c.example/ws?a=1&b='2'")));
        assertThat(meta.xrd()).contains("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>")
                .contains("<Link rel='urn:xmpp:alt-connections:websocket' href='wss://c.example/ws?a=1&amp;b=&apos;2&apos;'/>");
        assertThat(meta.jrd()).isEqualTo("{\"links\":[{\"rel\":\"urn:xmpp:alt-connections:websocket\","
                + "\"href\":\"wss://c.example/ws?a=1&b='2'\"}]}");
    }
}
