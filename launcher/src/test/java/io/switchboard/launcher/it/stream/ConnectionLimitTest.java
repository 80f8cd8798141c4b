package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * limits.max-connections = 2: the connection over the limit is told why (RFC 6120 §4.9.3.17 resource-constraint,
 * preceded by the server's stream header per §4.9.1.2) and closed; freed slots are reusable.
 */
class ConnectionLimitTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SWITCHBOARD_LIMITS_MAX_CONNECTIONS", "2"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void connectionOverTheLimitGetsResourceConstraintAndSlotsAreReleased() {
        double rejectedBefore = server.counter("xmpp_connections_rejected_total", "reason=\"max-connections\"");
        try (RawXmppClient one = RawXmppClient.connect(server, "one");
             RawXmppClient two = RawXmppClient.connect(server, "two")) {
            one.openStream();
            two.openStream();
            try (RawXmppClient three = RawXmppClient.connect(server, "three")) {
                three.trySend(RawXmppClient.HEADER);
                three.expectStreamErrorAndClose("resource-constraint");
                assertThat(three.transcript()).doesNotContain("<stream:features");
            }
            // The two admitted connections are unaffected.
            one.send("</stream:stream>");
            one.awaitContains("</stream:stream>", WAIT);
            one.awaitClosed(WAIT);
            two.startTls();
        }
        assertThat(server.counter("xmpp_connections_rejected_total", "reason=\"max-connections\""))
                .isGreaterThanOrEqualTo(rejectedBefore + 1);
        // Both slots are free again once their connections are gone (closed cleanly or dropped).
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (RawXmppClient a = RawXmppClient.connect(server, "again-a");
                 RawXmppClient b = RawXmppClient.connect(server, "again-b")) {
                a.openStream();
                b.openStream();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("connection slots were not released", e);
                }
            }
        }
    }
}
