package io.switchboard.launcher.it.sm;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0198 Stream Management (urn:xmpp:sm:3) on the wire, on one connector: enabling, acks and
 * requests, {@code <failed/>} conditions, resumption with replay, the conflict with a still-open
 * stream, and the end of a session that is not resumed in time.
 */
class StreamManagementRawTest {
    static final String SM = "urn:xmpp:sm:3";
    static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    static final Duration WAIT = RawXmppClient.WAIT;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String user(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers, authenticates with PLAIN over STARTTLS and restarts the stream; returns the client and features. */
    static RawXmppClient authenticated(String user, StringBuilder features) {
        RawXmppClient c = RawXmppClient.connect(server, user);
        c.openStream();
        c.startTls();
        c.register(user, "pw-" + user);
        return authenticate(c, user, features);
    }

    static RawXmppClient reauthenticated(String user) {
        RawXmppClient c = RawXmppClient.connect(server, user + "-again");
        c.openStream();
        c.startTls();
        return authenticate(c, user, new StringBuilder());
    }

    private static RawXmppClient authenticate(RawXmppClient c, String user, StringBuilder features) {
        c.authPlain(user, "pw-" + user);
        c.awaitContains("<success", WAIT);
        features.append(c.openStream());
        return c;
    }

    static Pattern element(String name) {
        return Pattern.compile("<" + name + "\\s+xmlns=['\"]" + Pattern.quote(SM) + "['\"][^>]*?(/>|>.*?</" + name + ">)",
                Pattern.DOTALL);
    }

    static String attr(String xml, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=['\"]([^'\"]*)['\"]").matcher(xml);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + xml);
        }
        return m.group(1);
    }

    /** {@code <enable resume='true'/>} (XEP-0198 §3) and the {@code <enabled/>} answer. */
    static String enable(RawXmppClient c, String extra) {
        c.send("<enable xmlns='" + SM + "' resume='true'" + extra + "/>");
        return c.awaitMatch(element("enabled"), WAIT);
    }

    static String message(String to, String body) {
        return "<message type='chat' to='" + to + "' id='" + body + "'><body>" + body + "</body></message>";
    }

    static String ack(RawXmppClient c) {
        c.send("<r xmlns='" + SM + "'/>");
        return attr(c.awaitMatch(element("a"), WAIT), "h");
    }

    @Test
    void xep0198_2_advertisedAfterAuthentication_3_enableAnsweredWithResumableId() {
        String alice = user("enable");
        StringBuilder features = new StringBuilder();
        try (RawXmppClient c = authenticated(alice, features)) {
            assertThat(features.toString()).as("XEP-0198 §2 stream feature").containsPattern(
                    "<sm\\s+xmlns=['\"]" + Pattern.quote(SM) + "['\"]");
            c.bind("phone");
            String enabled = enable(c, "");
            assertThat(attr(enabled, "resume")).isEqualTo("true");
            assertThat(attr(enabled, "id")).hasSizeGreaterThanOrEqualTo(16);
            assertThat(attr(enabled, "max")).isEqualTo("300");
            // A client may ask for a shorter maximum (XEP-0198 §3 'max'); the server's is the ceiling.
            String other = user("max");
            try (RawXmppClient d = authenticated(other, new StringBuilder())) {
                d.bind("x");
                assertThat(attr(enable(d, " max='42'"), "max")).isEqualTo("42");
            }
        }
    }

    @Test
    void xep0198_4_inboundCountingAndServerRequests() {
        String alice = user("acks");
        try (RawXmppClient c = authenticated(alice, new StringBuilder())) {
            c.bind("r");
            enable(c, "");
            assertThat(ack(c)).as("nothing handled yet").isEqualTo("0");
            for (int i = 0; i < 3; i++) {
                c.send("<iq type='get' id='ping-" + i + "' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            }
            // XEP-0198 §4: h counts every stanza the server handled, here the three pings. The
            // results first: the <a/> answer comes from the connector at once and may overtake them
            // or not, and each wait reads on from where the last one stopped.
            c.awaitIq("ping-2", WAIT);
            assertThat(ack(c)).isEqualTo("3");
            // Three results are unacknowledged; two more make five: the server asks for an ack (<r/>).
            for (int i = 3; i < 5; i++) {
                c.send("<iq type='get' id='ping-" + i + "' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            }
            c.awaitIq("ping-4", WAIT);
            c.awaitMatch(element("r"), WAIT);
            c.send("<a xmlns='" + SM + "' h='5'/>");
            assertThat(ack(c)).isEqualTo("5");
            c.assertStaysOpen(Duration.ofMillis(300));
        }
    }

    @Test
    void xep0198_6_hAboveWhatWasSentIsAStreamError() {
        String alice = user("badh");
        try (RawXmppClient c = authenticated(alice, new StringBuilder())) {
            c.bind("r");
            enable(c, "");
            c.send("<a xmlns='" + SM + "' h='7'/>");
            String error = c.expectStreamErrorAndClose("undefined-condition");
            assertThat(error).contains("handled-count-too-high").containsPattern("send-count=['\"]0['\"]");
        }
    }

    @Test
    void xep0198_3_5_6_failedConditions() {
        String alice = user("failed");
        try (RawXmppClient c = authenticated(alice, new StringBuilder())) {
            // §3: enabling before resource binding.
            c.send("<enable xmlns='" + SM + "'/>");
            assertThat(c.awaitMatch(element("failed"), WAIT)).contains("<unexpected-request xmlns=");
            // §5 / §6: an unknown resumption id.
            c.send("<resume xmlns='" + SM + "' previd='no-such-session' h='0'/>");
            assertThat(c.awaitMatch(element("failed"), WAIT)).contains("item-not-found");
            // §5: the client may bind after a failed resumption, on the same stream.
            c.bind("r");
            enable(c, "");
            // §3: enable only once.
            c.send("<enable xmlns='" + SM + "'/>");
            assertThat(c.awaitMatch(element("failed"), WAIT)).contains("unexpected-request");
            // §5: resume after binding is not allowed either.
            c.send("<resume xmlns='" + SM + "' previd='x' h='0'/>");
            assertThat(c.awaitMatch(element("failed"), WAIT)).contains("unexpected-request");
            c.assertStaysOpen(Duration.ofMillis(200));
        }
    }

    @Test
    void xep0198_5_resumptionIdIsBoundToTheAccount() {
        String alice = user("owner");
        String mallory = user("mallory");
        try (RawXmppClient a = authenticated(alice, new StringBuilder());
             RawXmppClient m = authenticated(mallory, new StringBuilder())) {
            a.bind("r");
            String id = attr(enable(a, ""), "id");
            m.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>");
            assertThat(m.awaitMatch(element("failed"), WAIT)).contains("item-not-found");
            a.assertStaysOpen(Duration.ofMillis(200));
        }
    }

    @Test
    void xep0198_5_resumeReplaysEverythingUnacknowledgedInOrder() {
        String alice = user("resume");
        String bob = user("bob");
        String aliceFull = alice + "@localhost/phone";
        RawXmppClient a = authenticated(alice, new StringBuilder());
        try (RawXmppClient b = authenticated(bob, new StringBuilder())) {
            b.bind("desk");
            a.bind("phone");
            String id = attr(enable(a, ""), "id");
            for (int i = 1; i <= 3; i++) {
                b.send(message(aliceFull, "m" + i));
            }
            a.awaitContains("<body>m3</body>", WAIT);
            a.send("<a xmlns='" + SM + "' h='1'/>"); // m1 acknowledged, m2 and m3 not
            a.send("<message type='chat' to='" + bob + "@localhost/desk' id='a1'><body>a1</body></message>");
            b.awaitContains("<body>a1</body>", WAIT);
            a.close(); // the TCP connection drops: no </stream:stream>
            awaitGauge("xmpp_sm_sessions_detached", 1);
            for (int i = 4; i <= 5; i++) {
                b.send(message(aliceFull, "m" + i)); // queued for the detached session
            }
            try (RawXmppClient again = reauthenticated(alice)) {
                again.send("<resume xmlns='" + SM + "' previd='" + id + "' h='1'/>");
                String resumed = again.awaitMatch(element("resumed"), WAIT);
                assertThat(attr(resumed, "previd")).isEqualTo(id);
                assertThat(attr(resumed, "h")).as("the server handled alice's one message").isEqualTo("1");
                String rest = again.awaitMatch(Pattern.compile("<body>m5</body>"), WAIT);
                assertThat(bodies(again.transcript())).containsExactly("m2", "m3", "m4", "m5");
                assertThat(rest).doesNotContain("<body>m1</body>");
                // The resumed stream is the same session: same full JID, stanzas flow both ways.
                again.send("<message type='chat' to='" + bob + "@localhost/desk' id='a2'><body>a2</body></message>");
                assertThat(b.awaitMatch(Pattern.compile("<message[^>]*>\\s*<body>a2</body>"), WAIT))
                        .containsPattern("from=['\"]" + Pattern.quote(aliceFull) + "['\"]");
                b.send(message(aliceFull, "m6"));
                again.awaitContains("<body>m6</body>", WAIT);
                // Counters continue: 4 re-sent + m6 = h 5 beyond the 1 acknowledged.
                again.send("<a xmlns='" + SM + "' h='6'/>");
                assertThat(ack(again)).isEqualTo("2");
                again.assertStaysOpen(Duration.ofMillis(200));
            }
        } finally {
            a.close();
        }
    }

    @Test
    void xep0198_5_resumeWhileTheOldStreamIsOpenClosesItWithConflict() {
        String alice = user("takeover");
        try (RawXmppClient old = authenticated(alice, new StringBuilder())) {
            old.bind("r");
            String id = attr(enable(old, ""), "id");
            try (RawXmppClient fresh = reauthenticated(alice)) {
                fresh.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>");
                fresh.awaitMatch(element("resumed"), WAIT);
                old.expectStreamErrorAndClose("conflict");
                assertThat(ack(fresh)).isEqualTo("0");
            }
        }
    }

    @Test
    void xep0198_4_5_notResumedInTimeEndsTheSessionAndMessagesGoOffline() throws Exception {
        String alice = user("timeout");
        String bob = user("bobt");
        String aliceFull = alice + "@localhost/phone";
        double timedOutBefore = server.counter("xmpp_sm_timed_out_total");
        RawXmppClient a = authenticated(alice, new StringBuilder());
        String id;
        try (RawXmppClient b = authenticated(bob, new StringBuilder())) {
            b.bind("desk");
            a.bind("phone");
            id = attr(enable(a, " max='1'"), "id");
            b.send(message(aliceFull, "t1"));
            a.awaitContains("<body>t1</body>", WAIT);
            a.close(); // t1 unacknowledged
            b.send(message(aliceFull, "t2"));
            awaitCounter("xmpp_sm_timed_out_total", timedOutBefore + 1);
        } finally {
            a.close();
        }
        try (RawXmppClient again = reauthenticated(alice)) {
            again.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>");
            assertThat(again.awaitMatch(element("failed"), WAIT)).contains("item-not-found");
            again.bind("phone");
            // RFC 6121 §8.5.2.1.1 / XEP-0160: both messages were stored and come with initial presence.
            again.send("<presence/>");
            again.awaitContains("<body>t2</body>", WAIT);
            assertThat(bodies(again.transcript())).containsExactly("t1", "t2");
            assertThat(again.transcript()).contains("urn:xmpp:delay");
        }
    }

    static List<String> bodies(String transcript) {
        Matcher m = Pattern.compile("<body>([^<]*)</body>").matcher(transcript);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static void awaitGauge(String name, double atLeast) {
        awaitCounter(name, atLeast);
    }

    static void awaitCounter(String name, double atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.counter(name) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " never reached " + atLeast + ": " + server.counter(name));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
