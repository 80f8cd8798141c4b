package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6120 §5.4.3.3: once the receiving entity has sent {@code <proceed/>}, the initiating entity starts the TLS
 * handshake immediately, and the receiving entity MUST be ready for it. Every real client sends its ClientHello the
 * moment it reads {@code <proceed/>}.
 *
 * <p>The first STARTTLS handshakes on a freshly started server are the interesting case (later ones reuse the SSL
 * context the first one built; this once hung until the handshake timeout because the ClientHello raced the
 * asynchronous context creation). So this class deliberately starts several servers, one after the other, instead of
 * the usual one per class, and makes the very first connections of each do an immediate STARTTLS: one alone on the
 * first server, then several at once (as when clients reconnect after a restart). Several fresh servers, because a
 * timing-dependent failure would too often pass by luck on a single one.
 */
class StartTlsFirstHandshakeTest {
    private static final int[] CONCURRENT_CLIENTS_PER_FRESH_SERVER = {1, 1, 3, 3};
    private static final Duration HANDSHAKE = Duration.ofSeconds(5);

    @Test
    void firstStartTlsHandshakesOnAFreshServerComplete() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < CONCURRENT_CLIENTS_PER_FRESH_SERVER.length; round++) {
            int clients = CONCURRENT_CLIENTS_PER_FRESH_SERVER[round];
            try (TestServer server = TestServer.start()) {
                ExecutorService pool = Executors.newFixedThreadPool(clients);
                try {
                    CyclicBarrier together = new CyclicBarrier(clients);
                    List<Future<String>> outcomes = new ArrayList<>();
                    for (int i = 0; i < clients; i++) {
                        String name = "fresh-" + round + "-client-" + i;
                        outcomes.add(pool.submit(() -> immediateStartTls(server, name, together)));
                    }
                    for (Future<String> outcome : outcomes) {
                        String failure = outcome.get(WAIT.toSeconds() * 3, TimeUnit.SECONDS);
                        if (failure != null) {
                            failures.add("fresh server " + (round + 1) + " (" + clients + " at once): " + failure);
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
        assertThat(failures).as("first STARTTLS handshakes on freshly started servers").isEmpty();
    }

    /** Returns null on success, else what went wrong. */
    private static String immediateStartTls(TestServer server, String name, CyclicBarrier together) throws Exception {
        try (RawXmppClient c = RawXmppClient.connect(server, name)) {
            c.openStream();
            together.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            c.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            c.awaitContains("<proceed", WAIT);
            long start = System.nanoTime();
            try {
                c.upgradeToTls(HANDSHAKE); // ClientHello right after <proceed/>, as every client does
                String features = c.openStream();
                assertThat(features).contains("<mechanisms");
                return null;
            } catch (RuntimeException | AssertionError e) {
                return name + ": no TLS handshake after " + (System.nanoTime() - start) / 1_000_000 + " ms (" + e
                        + ")";
            }
        }
    }
}
