package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.switchboard.launcher.it.stream.RawXmppClient.STANZAS_NS;
import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** Resource binding (RFC 6120 §7) and the stanza rules a server enforces on a client stream (§8). */
class BindAndStanzaRulesTest {
    private static TestServer server;

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

    private static String newUser(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registered, authenticated with PLAIN over TLS, stream restarted (features offer bind), nothing bound. */
    private static RawXmppClient authenticated(String user) {
        RawXmppClient c = RawXmppClient.connect(server, user);
        c.openStream();
        c.startTls();
        c.register(user, "p4ss");
        c.authPlain(user, "p4ss");
        c.awaitContains("<success", WAIT);
        String features = c.openStream();
        assertThat(features).contains("urn:ietf:params:xml:ns:xmpp-bind");
        return c;
    }

    /** RFC 6120 §4.9.3.12 not-authorized: a stanza after TLS but before SASL. */
    @Test
    void messageBeforeAuthIsNotAuthorized() {
        try (RawXmppClient c = RawXmppClient.connect(server, "pre-auth-message")) {
            c.openStream();
            c.startTls();
            c.send("<message to='someone@localhost'><body>hi</body></message>");
            c.expectStreamErrorAndClose("not-authorized");
        }
    }

    /** RFC 6120 §7.1 / §4.9.3.12: after SASL but before binding a resource, a message is not-authorized. */
    @Test
    void messageBeforeBindIsNotAuthorized() {
        try (RawXmppClient c = authenticated(newUser("unbound"))) {
            c.send("<message to='someone@localhost'><body>hi</body></message>");
            c.expectStreamErrorAndClose("not-authorized");
        }
    }

    /**
     * Stanzas a pipelining client sends right behind its bind request (before the result came back,
     * strictly too early per RFC 6120 §7.1) are held until the bind completes and then processed in
     * order, after the bind result, instead of costing the client its stream.
     */
    @Test
    void stanzasPipelinedBehindTheBindRequestAreProcessedAfterIt() {
        String user = newUser("pipelined");
        try (RawXmppClient c = authenticated(user)) {
            String jid = user + "@localhost/pipe";
            c.send("<iq type='set' id='bind-p'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>pipe</resource>"
                    + "</bind></iq><presence/><message to='" + jid + "' id='p1'><body>first</body></message>"
                    + "<message to='" + jid + "' id='p2'><body>second</body></message>");
            c.awaitContains("<body>second</body>", WAIT);
            String transcript = c.transcript();
            int bound = transcript.indexOf("<jid>" + jid + "</jid>");
            assertThat(bound).isPositive();
            assertThat(transcript.indexOf("<body>first</body>")).isGreaterThan(bound);
            assertThat(transcript.indexOf("<body>second</body>")).isGreaterThan(transcript.indexOf("<body>first</body>"));
            c.assertStaysOpen(java.time.Duration.ofMillis(200));
        }
    }

    /** RFC 6120 §7.6: bind without a resource, the server generates one and returns the full JID. */
    @Test
    void bindWithoutResourceGetsServerGeneratedResource() {
        String user = newUser("genres");
        try (RawXmppClient c = authenticated(user)) {
            String jid = c.bind(null);
            assertThat(jid).startsWith(user + "@localhost/");
            assertThat(jid.substring((user + "@localhost/").length())).isNotBlank();
            // The session works with the generated JID.
            c.send("<message to='" + jid + "' id='self'><body>to myself</body></message>");
            c.awaitContains("<body>to myself</body>", WAIT);
        }
    }

    /** RFC 6120 §7.7.2.1 / §3 of RFC 7622: a resource over 1023 bytes is a bad-request IQ error, not fatal. */
    @Test
    void bindWithOverlongResourceIsBadRequest() {
        String user = newUser("longres");
        try (RawXmppClient c = authenticated(user)) {
            c.send("<iq type='set' id='bind-long'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                    + "r".repeat(1_100) + "</resource></bind></iq>");
            String reply = c.awaitIq("bind-long", WAIT);
            assertThat(reply).contains("type='error'").contains("<bad-request xmlns='" + STANZAS_NS + "'/>")
                    .doesNotContain("<jid>");
            assertThat(reply).containsPattern("<error [^>]*type='modify'");
            // The stream survives and a proper bind still works.
            assertThat(c.bind("ok")).isEqualTo(user + "@localhost/ok");
        }
    }

    /**
     * RFC 6120 §7.7.2.2 / §4.9.3.3: binding a full JID that is already in use; with the server's "override" policy
     * the new session gets it and the old one ends with a conflict stream error.
     */
    @Test
    void secondBindOfSameFullJidEndsTheOldSessionWithConflict() {
        String user = newUser("dup");
        try (RawXmppClient first = RawXmppClient.loggedIn(server, user, "p4ss", "same")) {
            try (RawXmppClient second = authenticatedExisting(user)) {
                assertThat(second.bind("same")).isEqualTo(user + "@localhost/same");
                first.expectStreamErrorAndClose("conflict");
                second.send("<message to='" + user + "@localhost/same'><body>mine now</body></message>");
                second.awaitContains("<body>mine now</body>", WAIT);
            }
        }
    }

    private static RawXmppClient authenticatedExisting(String user) {
        RawXmppClient c = RawXmppClient.connect(server, user + "-2");
        c.openStream();
        c.startTls();
        c.authPlain(user, "p4ss");
        c.awaitContains("<success", WAIT);
        c.openStream();
        return c;
    }

    /** RFC 6120 §8.1.2.1 / §4.9.3.9 invalid-from: a 'from' naming another user is fatal. */
    @Test
    void forgedFromIsInvalidFrom() {
        String user = newUser("forger");
        String victim = newUser("victim");
        try (RawXmppClient v = RawXmppClient.loggedIn(server, victim, "p4ss", "v");
             RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.send("<message from='" + victim + "@localhost/v' to='" + victim + "@localhost/v' type='chat'>"
                    + "<body>forged</body></message>");
            c.expectStreamErrorAndClose("invalid-from");
            v.drain(Duration.ofMillis(300));
            assertThat(v.transcript()).doesNotContain("forged");
        }
    }

    /** Control for the above: 'from' equal to one's own full or bare JID is accepted (RFC 6120 §8.1.2.1). */
    @Test
    void ownFromIsAccepted() {
        String user = newUser("honest");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.send("<message from='" + user + "@localhost/r' to='" + user + "@localhost/r'>"
                    + "<body>full</body></message>");
            c.awaitContains("<body>full</body>", WAIT);
            c.send("<message from='" + user + "@localhost' to='" + user + "@localhost/r'><body>bare</body></message>");
            c.awaitContains("<body>bare</body>", WAIT);
            assertThat(c.transcript()).doesNotContain("<stream:error");
        }
    }

    /** RFC 6120 §8.2.3: an IQ get carries exactly one payload; two children are a bad-request IQ error. */
    @Test
    void iqGetWithTwoChildrenIsBadRequest() {
        try (RawXmppClient c = RawXmppClient.loggedIn(server, newUser("twochild"), "p4ss", "r")) {
            c.send("<iq type='get' id='two' to='localhost'><query xmlns='jabber:iq:version'/>"
                    + "<ping xmlns='urn:xmpp:ping'/></iq>");
            String reply = c.awaitIq("two", WAIT);
            assertThat(reply).contains("type='error'").contains("<bad-request xmlns='" + STANZAS_NS + "'/>");
            // Still connected: a valid ping is answered.
            c.send("<iq type='get' id='ping1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(c.awaitIq("ping1", WAIT)).contains("type='result'");
        }
    }

    /** RFC 6120 §8.2.3: and an IQ get with no child at all is a bad-request too. */
    @Test
    void iqGetWithoutChildIsBadRequest() {
        try (RawXmppClient c = RawXmppClient.loggedIn(server, newUser("nochild"), "p4ss", "r")) {
            c.send("<iq type='get' id='none' to='localhost'/>");
            assertThat(c.awaitIq("none", WAIT)).contains("type='error'")
                    .contains("<bad-request xmlns='" + STANZAS_NS + "'/>");
        }
    }

    /** RFC 6120 §8.3.3.8 jid-malformed: a message to '@@' bounces with an error, the stream survives. */
    @Test
    void messageToMalformedJidIsJidMalformed() {
        String user = newUser("badjid");
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.send("<message to='@@' id='mal' type='chat'><body>x</body></message>");
            String reply = c.awaitMatch(java.util.regex.Pattern.compile(
                    "<message\\b[^>]*\\bid='mal'[^>]*>.*?</message>", java.util.regex.Pattern.DOTALL), WAIT);
            assertThat(reply).contains("type='error'").contains("<jid-malformed xmlns='" + STANZAS_NS + "'/>");
            c.send("<message to='" + user + "@localhost/r'><body>still here</body></message>");
            c.awaitContains("<body>still here</body>", WAIT);
        }
    }
}
