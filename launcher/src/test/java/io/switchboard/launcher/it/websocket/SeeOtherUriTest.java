package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code listeners.websocket.see-other-uri}: every new WebSocket stream is sent elsewhere (RFC 7395 §3.6.1). */
class SeeOtherUriTest {
    static final String ELSEWHERE = "wss://other.example:5443/xmpp-websocket";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SWITCHBOARD_LISTENERS_WEBSOCKET_SEE_OTHER_URI", ELSEWHERE));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.4 + §3.6.1: <open/> is answered with <close see-other-uri/> alone, then the server"
            + " closes the WebSocket; no stream is created")
    void rfc7395_3_6_1_redirect() {
        double redirected = server.counter("xmpp_websocket_handshakes_total", "outcome=\"redirected\"");
        double streams = server.counter("xmpp_connections_accepted_total", "transport=\"websocket\"");
        try (WsClient c = WsClient.connect(server, "redirected")) {
            c.send(WsClient.OPEN);
            String message = c.next();
            Element close = WsClient.parseStandalone(message).getDocumentElement();
            assertThat(close.getLocalName()).isEqualTo("close");
            assertThat(close.getNamespaceURI()).isEqualTo(WsClient.FRAMING);
            assertThat(close.getAttribute("see-other-uri")).isEqualTo(ELSEWHERE);
            assertThat(c.awaitClose()).isEqualTo(1000);
            assertThat(c.received()).as("no <open/> before the redirect").containsExactly(message);
        }
        assertThat(server.counter("xmpp_websocket_handshakes_total", "outcome=\"redirected\"")).isEqualTo(redirected + 1);
        assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"websocket\"")).isEqualTo(streams);
    }
}
