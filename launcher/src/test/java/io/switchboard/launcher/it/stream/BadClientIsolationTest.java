package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6120 §4.9.1.1: a stream error ends that one stream. Two logged-in clients A and B keep chatting, before,
 * during (on another thread, continuously) and after a third client C misbehaves in every way the parser rejects;
 * A and B must never notice.
 */
class BadClientIsolationTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SWITCHBOARD_LIMITS_MAX_STANZA_BYTES", "4096"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void exchange(RawXmppClient from, String fromJid, RawXmppClient to, String toJid, String text) {
        from.send("<message to='" + toJid + "' type='chat' id='" + RawXmppClient.nextId("m") + "'><body>" + text
                + "</body></message>");
        String got = to.awaitMatch(java.util.regex.Pattern.compile("<message\\b[^>]*>.*?</message>",
                java.util.regex.Pattern.DOTALL), WAIT);
        assertThat(got).contains("<body>" + text + "</body>").contains(fromJid);
    }

    @Test
    void oneBadClientNeverAffectsOthers() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String userA = "alice" + suffix;
        String userB = "bob" + suffix;
        try (RawXmppClient a = RawXmppClient.loggedIn(server, userA, "p4ss", "a");
             RawXmppClient b = RawXmppClient.loggedIn(server, userB, "p4ss", "b")) {
            String jidA = userA + "@localhost/a";
            String jidB = userB + "@localhost/b";
            exchange(a, jidA, b, jidB, "before-1");
            exchange(b, jidB, a, jidA, "before-2");

            // A and B chat continuously on their own thread while C misbehaves.
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger rounds = new AtomicInteger();
            AtomicReference<Throwable> chatFailure = new AtomicReference<>();
            Thread chat = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        int n = rounds.incrementAndGet();
                        exchange(a, jidA, b, jidB, "ping-" + n);
                        exchange(b, jidB, a, jidA, "pong-" + n);
                    }
                } catch (Throwable t) {
                    chatFailure.set(t);
                }
            }, "a-b-chat");
            chat.start();

            // C1: malformed XML before TLS.
            try (RawXmppClient c = RawXmppClient.connect(server, "c-malformed")) {
                c.openStream();
                c.send("<message><body></message>");
                c.expectStreamErrorAndClose("not-well-formed");
            }
            // C2: a DTD with an entity bomb in the prolog.
            try (RawXmppClient c = RawXmppClient.connect(server, "c-dtd")) {
                c.send("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
                        + "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                        + " to='localhost' version='1.0'><message><body>&b;</body></message>");
                c.expectStreamErrorAndClose("restricted-xml");
            }
            // C3: logged in, then an oversized stanza aimed at A.
            String userC = "mallory" + suffix;
            try (RawXmppClient c = RawXmppClient.loggedIn(server, userC, "p4ss", "c")) {
                c.trySend("<message to='" + jidA + "' type='chat'><body>" + "x".repeat(8_192) + "</body></message>");
                c.expectStreamErrorAndClose("policy-violation");
            }
            // C4: logged in, then malformed XML in the middle of a stanza to B.
            try (RawXmppClient c = RawXmppClient.loggedIn(server, "eve" + suffix, "p4ss", "c2")) {
                c.send("<message to='" + jidB + "' type='chat'><body>half</message>");
                c.expectStreamErrorAndClose("not-well-formed");
            }
            // C5: an endless attribute value.
            try (RawXmppClient c = RawXmppClient.connect(server, "c-endless")) {
                c.openStream();
                c.trySend("<message id='");
                for (int i = 0; i < 8 && c.trySend("z".repeat(1_024)); i++) {
                    c.drain(Duration.ofMillis(10));
                }
                c.expectStreamErrorAndClose("policy-violation");
            }

            int roundsDuringAttack = rounds.get();
            stop.set(true);
            chat.join(WAIT.toMillis() * 3);
            if (chatFailure.get() != null) {
                throw new AssertionError("A/B chat broke while C misbehaved", chatFailure.get());
            }
            assertThat(chat.isAlive()).isFalse();
            assertThat(roundsDuringAttack).as("A and B kept chatting during the attack").isGreaterThanOrEqualTo(1);

            exchange(a, jidA, b, jidB, "after-1");
            exchange(b, jidB, a, jidA, "after-2");
            a.assertStaysOpen(Duration.ofMillis(200));
            b.assertStaysOpen(Duration.ofMillis(200));
            assertThat(a.transcript()).doesNotContain("<stream:error").doesNotContain("xxxxxxxx");
            assertThat(b.transcript()).doesNotContain("<stream:error").doesNotContain("half");
        }
    }
}
