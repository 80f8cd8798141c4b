package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Size and depth limits (RFC 6120 §13.12 denial of service; §4.9.3.14 policy-violation), with the stanza limit
 * lowered to 4096 bytes and the depth limit to 8 so the boundaries are cheap to reach. Each oversized input must
 * end the stream with policy-violation, then {@code </stream:stream>}, then a TCP close (§4.9.1.1).
 */
class StanzaLimitsTest {
    static final int MAX_STANZA = 4096;
    static final int MAX_DEPTH = 8;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "SWITCHBOARD_LIMITS_MAX_STANZA_BYTES", Integer.toString(MAX_STANZA),
                "SWITCHBOARD_LIMITS_MAX_XML_DEPTH", Integer.toString(MAX_DEPTH)));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String newUser(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** RFC 6120 §13.12 control: a stanza under the limit goes through, so the limit is what rejects the big one. */
    @Test
    void stanzaUnderTheLimitIsDelivered() {
        String user = newUser("small");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            String body = "s".repeat(3_000);
            c.send("<message to='" + user + "@localhost/r' id='m1'><body>" + body + "</body></message>");
            c.awaitContains(body + "</body>", WAIT);
        }
    }

    /**
     * The limit is per first-level element (RFC 6120 §13.12 speaks of stanza size): many stanzas that together far
     * exceed it, arriving in a single write, are all fine.
     */
    @Test
    void manySmallStanzasInOneWriteAreNotOversized() {
        String user = newUser("many");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                batch.append("<message to='").append(user).append("@localhost/r' id='b").append(i).append("'><body>")
                        .append(i).append(':').append("m".repeat(900)).append("</body></message>\n");
            }
            c.send(batch.toString());
            java.util.List<String> bodies = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                bodies.add("<body>" + i + ":mmm");
            }
            c.awaitAll(bodies, WAIT); // order is InOrderDeliveryTest's business
            assertThat(c.transcript()).doesNotContain("<stream:error");
        }
    }

    /** RFC 6120 §13.12 / §4.9.3.14: an 8 KB body after login on a server limited to 4096 bytes per stanza. */
    @Test
    void oversizedStanzaAfterLoginIsPolicyViolation() {
        String user = newUser("big");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.trySend("<message to='" + user + "@localhost/r' id='m1'><body>" + "x".repeat(8_192)
                    + "</body></message>");
            c.expectStreamErrorAndClose("policy-violation");
            assertThat(c.transcript()).as("the oversized message was not delivered").doesNotContain("xxxxxxxx");
        }
    }

    /**
     * RFC 6120 §13.12: an attribute value that never ends (no closing quote) must be cut off at the limit, before
     * authentication, not buffered forever.
     */
    @Test
    void endlessAttributeValueBeforeAuthIsPolicyViolation() {
        try (RawXmppClient c = RawXmppClient.connect(server, "endless-attr-preauth")) {
            c.openStream();
            c.trySend("<message to='a@localhost' id='");
            for (int i = 0; i < 16 && !c.isClosed(); i++) {
                if (!c.trySend("a".repeat(1_024))) {
                    break;
                }
                c.drain(java.time.Duration.ofMillis(20));
            }
            c.expectStreamErrorAndClose("policy-violation");
        }
    }

    /** RFC 6120 §13.12: the same after login (a bound session gets no more buffering than a stranger). */
    @Test
    void endlessAttributeValueAfterLoginIsPolicyViolation() {
        String user = newUser("endless");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.trySend("<message to='" + user + "@localhost/r' id='");
            for (int i = 0; i < 16 && !c.isClosed(); i++) {
                if (!c.trySend("a".repeat(1_024))) {
                    break;
                }
                c.drain(java.time.Duration.ofMillis(20));
            }
            c.expectStreamErrorAndClose("policy-violation");
        }
    }

    /** RFC 6120 §13.12 / §4.9.3.14: an oversized stream header (a huge attribute on stream:stream) is bounded too. */
    @Test
    void oversizedStreamHeaderIsPolicyViolation() {
        try (RawXmppClient c = RawXmppClient.connect(server, "big-header")) {
            c.trySend("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0' x='"
                    + "h".repeat(8_192) + "'>");
            c.expectStreamErrorAndClose("policy-violation");
            assertThat(c.transcript()).doesNotContain("<stream:features");
        }
    }

    private static String nested(String to, int levels) {
        // The stanza itself is level 1; levels - 1 extension elements inside it.
        StringBuilder sb = new StringBuilder("<message to='" + to + "' id='deep'>");
        for (int i = 2; i <= levels; i++) {
            sb.append("<x").append(i).append(" xmlns='urn:test:deep'>");
        }
        sb.append("bottom");
        for (int i = levels; i >= 2; i--) {
            sb.append("</x").append(i).append('>');
        }
        return sb.append("</message>").toString();
    }

    /** Control for the depth limit: exactly max-xml-depth levels (stanza = level 1) are accepted and delivered. */
    @Test
    void nestingAtTheLimitIsDelivered() {
        String user = newUser("deepok");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.send(nested(user + "@localhost/r", MAX_DEPTH));
            c.awaitContains("bottom</x" + MAX_DEPTH + ">", WAIT);
        }
    }

    /** RFC 6120 §13.12 / §4.9.3.14: one level deeper than limits.max-xml-depth is a policy-violation. */
    @Test
    void nestingDeeperThanTheLimitIsPolicyViolation() {
        String user = newUser("deep");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.trySend(nested(user + "@localhost/r", MAX_DEPTH + 1));
            c.expectStreamErrorAndClose("policy-violation");
            assertThat(c.transcript()).doesNotContain("bottom");
        }
    }

    /** RFC 6120 §13.12 / §4.9.3.14: deep nesting is refused before authentication as well. */
    @Test
    void deepNestingBeforeAuthIsPolicyViolation() {
        try (RawXmppClient c = RawXmppClient.connect(server, "deep-preauth")) {
            c.openStream();
            c.trySend("<a>".repeat(100));
            c.expectStreamErrorAndClose("policy-violation");
        }
    }
}
