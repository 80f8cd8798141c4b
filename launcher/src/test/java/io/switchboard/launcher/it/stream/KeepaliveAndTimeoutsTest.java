package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Silent peers (RFC 6120 §4.6): whitespace keepalives (§4.6.1) keep a stream alive and are harmless between
 * stanzas; an idle peer (§4.6.3) and a peer that never finishes negotiation get a connection-timeout stream error
 * (§4.9.3.4). Idle and handshake timeouts are both 2 s here.
 */
class KeepaliveAndTimeoutsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long after the timeout the server may take to notice (it checks periodically). */
    private static final Duration GRACE = Duration.ofSeconds(8);

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "SWITCHBOARD_LIMITS_IDLE_TIMEOUT", "2s",
                "SWITCHBOARD_LIMITS_HANDSHAKE_TIMEOUT", "2s"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static RawXmppClient login(String prefix) {
        String user = prefix + UUID.randomUUID().toString().substring(0, 8);
        // Register on a separate connection so the login itself stays well inside the 2 s handshake budget.
        RawXmppClient.registerAccount(server, user, "p4ss");
        RawXmppClient c = RawXmppClient.connect(server, user);
        c.openStream();
        c.startTls();
        c.authPlain(user, "p4ss");
        c.awaitContains("<success", WAIT);
        c.openStream();
        c.bind("r");
        return c;
    }

    /**
     * RFC 6120 §4.6.1: single spaces between stanzas, for three times the idle timeout; the stream stays up and
     * stanzas keep flowing.
     */
    @Test
    void whitespaceKeepalivesKeepTheStreamAlive() throws Exception {
        try (RawXmppClient c = login("ws")) {
            String self = c.name() + "@localhost/r";
            long end = System.nanoTime() + TIMEOUT.multipliedBy(3).toNanos();
            int n = 0;
            while (System.nanoTime() < end) {
                c.send(" ");
                c.assertStaysOpen(Duration.ofMillis(400));
                if (++n % 4 == 0) {
                    c.send("<message to='" + self + "'><body>tick-" + n + "</body></message> ");
                    c.awaitContains("<body>tick-" + n + "</body>", WAIT);
                }
            }
            c.send("<iq type='get' id='alive' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(c.awaitIq("alive", WAIT)).contains("type='result'");
            assertThat(c.transcript()).doesNotContain("<stream:error");
        }
    }

    /** RFC 6120 §4.6.3 / §4.9.3.4: a logged-in client that goes silent gets connection-timeout. */
    @Test
    void silentBoundClientGetsConnectionTimeout() {
        try (RawXmppClient c = login("idle")) {
            long silentSince = System.nanoTime();
            String error;
            try {
                error = c.awaitMatch(java.util.regex.Pattern.compile("<stream:error>.*?</stream:error>",
                        java.util.regex.Pattern.DOTALL), TIMEOUT.plus(GRACE));
            } catch (AssertionError e) {
                throw new AssertionError("no connection-timeout within " + TIMEOUT.plus(GRACE) + " of silence", e);
            }
            long millis = (System.nanoTime() - silentSince) / 1_000_000;
            assertThat(error).contains("<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
            assertThat(millis).as("not before the configured 2 s idle timeout").isGreaterThanOrEqualTo(1_900);
            c.awaitContains("</stream:stream>", WAIT);
            c.awaitClosed(WAIT);
            System.out.println("idle timeout noticed after " + millis + " ms");
        }
    }

    /**
     * RFC 6120 §4.9.3.4: a client that opens a stream and never authenticates gets connection-timeout. It sends
     * whitespace all along, so it is the handshake timeout, not the idle timeout, that fires.
     */
    @Test
    void clientThatNeverAuthenticatesGetsConnectionTimeout() {
        try (RawXmppClient c = RawXmppClient.connect(server, "never-auth")) {
            long start = System.nanoTime();
            c.openStream();
            long deadline = start + TIMEOUT.plus(GRACE).toNanos();
            while (!c.isClosed() && !c.transcript().contains("<stream:error>") && System.nanoTime() < deadline) {
                c.trySend(" ");
                c.drain(Duration.ofMillis(300));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            String error = c.awaitStreamError(Duration.ofMillis(100));
            assertThat(error).contains("<connection-timeout xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>");
            assertThat(millis).as("not before the configured 2 s handshake timeout").isGreaterThanOrEqualTo(1_900);
            c.awaitContains("</stream:stream>", WAIT);
            c.awaitClosed(WAIT);
            System.out.println("handshake timeout noticed after " + millis + " ms");
        }
    }

    /** RFC 6120 §4.6.3: a connection that never even sends a stream header is not kept forever either. */
    @Test
    void silentConnectionWithoutHeaderIsClosed() {
        try (RawXmppClient c = RawXmppClient.connect(server, "mute")) {
            c.awaitClosed(TIMEOUT.plus(GRACE));
        }
    }
}
