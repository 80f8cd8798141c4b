package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keepalives and timeouts on WebSocket streams, with the TCP settings: WebSocket pings on quiet
 * bound streams (RFC 7395 §3.8) whose pongs count as life for the idle timeout, the handshake
 * timeout for streams that never open, and HTTP connections that never upgrade.
 */
class WebSocketTimeoutsTest {
    static final Duration HANDSHAKE = Duration.ofSeconds(3);
    static final Duration IDLE = Duration.ofSeconds(4);
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "SWITCHBOARD_LIMITS_HANDSHAKE_TIMEOUT", HANDSHAKE.toSeconds() + "s",
                "SWITCHBOARD_LIMITS_IDLE_TIMEOUT", IDLE.toSeconds() + "s",
                "SWITCHBOARD_LIMITS_KEEPALIVE_INTERVAL", "1s"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.8: a quiet bound stream gets WebSocket pings, not whitespace, and answering them"
            + " keeps it past the idle timeout")
    void rfc7395_3_8_pingsAndPongs() throws Exception {
        String user = "ping" + UUID.randomUUID().toString().substring(0, 8);
        RawXmppClient.registerAccount(server, user, "pw-" + user);
        try (WsClient c = WsClient.loggedIn(server, user, "pw-" + user, "web")) {
            int before = c.received().size();
            Thread.sleep(IDLE.plusSeconds(2).toMillis());
            assertThat(c.isClosed()).as("pongs are life: the idle timeout did not fire").isFalse();
            assertThat(c.pings()).as("one ping per quiet keepalive interval").isGreaterThanOrEqualTo(3);
            assertThat(c.received()).as("no whitespace or other messages while quiet").hasSize(before);
            c.send("<iq xmlns='jabber:client' type='get' id='alive' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(c.nextContaining("id='alive'")).contains("type='result'");
        }
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3.4 over WebSocket: a stream not negotiated within the handshake timeout gets"
            + " <connection-timeout/> after the server's <open/> (RFC 7395 §3.5)")
    void handshakeTimeout() {
        try (WsClient c = WsClient.connect(server, "silent")) {
            c.expectStreamErrorAndClose("connection-timeout");
            assertThat(c.received().get(0)).startsWith("<open");
        }
    }

    @Test
    @DisplayName("An HTTP connection that neither sends a request nor upgrades is closed after the handshake"
            + " timeout")
    void idleHttpConnectionClosed() throws Exception {
        double before = server.counter("xmpp_http_connections_timed_out_total");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.httpPort()), 5_000);
            socket.setSoTimeout((int) HANDSHAKE.plusSeconds(5).toMillis());
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(HANDSHAKE.minusMillis(500));
        }
        assertThat(server.counter("xmpp_http_connections_timed_out_total")).isEqualTo(before + 1);
    }
}
