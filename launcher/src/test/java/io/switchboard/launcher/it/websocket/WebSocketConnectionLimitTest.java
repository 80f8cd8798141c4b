package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code limits.max-connections} counts WebSocket streams with TCP ones; a full node refuses the upgrade. */
class WebSocketConnectionLimitTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SWITCHBOARD_LIMITS_MAX_CONNECTIONS", "1"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("A node at its connection cap answers a WebSocket upgrade with 503, and takes one again once a"
            + " stream has closed")
    void fullNodeRefusesTheUpgrade() throws Exception {
        double rejected = server.counter("xmpp_connections_rejected_total", "reason=\"max-connections\"");
        try (WsClient first = WsClient.connect(server, "first")) {
            first.open();
            assertThat(WsClient.refusedStatus(server, "/xmpp-websocket", List.of("xmpp"), null)).isEqualTo(503);
            first.send(WsClient.CLOSE);
            first.nextContaining("<close");
        }
        assertThat(server.counter("xmpp_connections_rejected_total", "reason=\"max-connections\"")).isEqualTo(rejected + 1);
        assertThat(server.counter("xmpp_websocket_handshakes_total", "outcome=\"server-full\"")).isEqualTo(1);
        // The slot is released when the stream ends, not when the client gets round to closing the socket.
        try (WsClient second = WsClient.connect(server, "second")) {
            assertThat(second.open()).contains("mechanisms");
        }
    }
}
