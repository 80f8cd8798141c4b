package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** SASL negotiation over STARTTLS (RFC 6120 §6), default configuration (auth.max-failures = 3). */
class SaslTest {
    private static final Pattern FAILURE = Pattern.compile("<failure\\b.*?(</failure>|/>)", Pattern.DOTALL);

    private static TestServer server;
    private static String user;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        user = "sasl" + UUID.randomUUID().toString().substring(0, 8);
        RawXmppClient.registerAccount(server, user, "p4ss");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static RawXmppClient secured(String name) {
        RawXmppClient c = RawXmppClient.connect(server, name);
        c.openStream();
        c.startTls();
        return c;
    }

    private static String awaitFailure(RawXmppClient c, String condition) {
        String failure = c.awaitMatch(FAILURE, WAIT);
        assertThat(failure).as("SASL failure").contains("xmlns='urn:ietf:params:xml:ns:xmpp-sasl'")
                .containsPattern("<" + condition + "\\s*/>");
        return failure;
    }

    /**
     * RFC 6120 §6.4.5 / §6.5.10: a wrong password gets {@code <failure><not-authorized/>}; the stream is still
     * unauthenticated, so a stanza afterwards is refused with a not-authorized stream error (§4.9.3.12).
     */
    @Test
    void wrongPasswordIsNotAuthorizedAndNoSessionFollows() {
        try (RawXmppClient c = secured("wrong-password")) {
            c.authPlain(user, "wrong");
            awaitFailure(c, "not-authorized");
            assertThat(c.transcript()).doesNotContain("<success");
            c.send("<message to='" + user + "@localhost'><body>sneaky</body></message>");
            c.expectStreamErrorAndClose("not-authorized");
        }
    }

    /** RFC 6120 §6.5.10: an unknown user fails exactly like a wrong password (no account enumeration). */
    @Test
    void unknownUserIsNotAuthorized() {
        try (RawXmppClient c = secured("unknown-user")) {
            c.authPlain("nobody" + UUID.randomUUID().toString().substring(0, 8), "p4ss");
            awaitFailure(c, "not-authorized");
        }
    }

    /**
     * RFC 6120 §6.4.5: a reasonable number of retries is allowed (failures 1 and 2 leave the stream open), then
     * (auth.max-failures = 3) the server MUST end the stream with a stream error (SHOULD be policy-violation).
     */
    @Test
    void tooManyFailuresEndTheStream() {
        try (RawXmppClient c = secured("brute-force")) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                c.authPlain(user, "wrong" + attempt);
                awaitFailure(c, "not-authorized");
                c.assertStaysOpen(Duration.ofMillis(100));
            }
            c.authPlain(user, "wrong3");
            awaitFailure(c, "not-authorized");
            c.expectStreamErrorAndClose("policy-violation");
        }
    }

    /** RFC 6120 §6.4.5 (retries allowed): a mistyped password, then the right one on the same stream, succeeds. */
    @Test
    void retryAfterFailureSucceeds() {
        try (RawXmppClient c = secured("retry")) {
            c.authPlain(user, "typo");
            awaitFailure(c, "not-authorized");
            c.authPlain(user, "p4ss");
            c.awaitContains("<success", WAIT);
            c.openStream();
            assertThat(c.bind("retry")).isEqualTo(user + "@localhost/retry");
        }
    }

    /** RFC 6120 §6.5.5 incorrect-encoding: the initial response is not base64 (RFC 4648 §4). */
    @Test
    void invalidBase64IsIncorrectEncoding() {
        try (RawXmppClient c = secured("bad-base64")) {
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%%%not*base64!!</auth>");
            awaitFailure(c, "incorrect-encoding");
            assertThat(c.transcript()).doesNotContain("<success");
        }
    }

    /** RFC 6120 §6.5.7 invalid-mechanism: a mechanism that was not offered. */
    @ParameterizedTest
    @ValueSource(strings = {"X-UNKNOWN", "DIGEST-MD5", "ANONYMOUS", "EXTERNAL"})
    void unknownMechanismIsInvalidMechanism(String mechanism) {
        try (RawXmppClient c = secured("mech-" + mechanism)) {
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism + "'>"
                    + RawXmppClient.plainMessage(user, "p4ss") + "</auth>");
            awaitFailure(c, "invalid-mechanism");
            assertThat(c.transcript()).doesNotContain("<success");
        }
    }

    /**
     * RFC 6120 §6.4.4 / §6.5.1: {@code <abort/>} in the middle of a SCRAM exchange gets
     * {@code <failure><aborted/>}; the stream survives and a fresh authentication succeeds.
     */
    @Test
    void abortIsAborted() {
        try (RawXmppClient c = secured("abort")) {
            ScramClient scram = new ScramClient("SCRAM-SHA-1", user, "p4ss");
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>" + scram.clientFirst()
                    + "</auth>");
            c.awaitContains("<challenge", WAIT);
            c.send("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
            awaitFailure(c, "aborted");
            c.authPlain(user, "p4ss");
            c.awaitContains("<success", WAIT);
        }
    }

    /** RFC 6120 §6.5.6 invalid-authzid: PLAIN asking to act as somebody else. */
    @Test
    void foreignAuthzidIsInvalidAuthzid() {
        try (RawXmppClient c = secured("authzid")) {
            String message = Base64.getEncoder().encodeToString(("admin@localhost\0" + user + "\0p4ss")
                    .getBytes(StandardCharsets.UTF_8));
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + message + "</auth>");
            awaitFailure(c, "invalid-authzid");
            assertThat(c.transcript()).doesNotContain("<success");
        }
    }

    /** RFC 6120 §6.4 with SCRAM (RFC 5802 / RFC 7677) over TLS, verifying the server signature. */
    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256"})
    void scramSucceeds(String mechanism) {
        try (RawXmppClient c = secured("scram-" + mechanism)) {
            ScramClient scram = new ScramClient(mechanism, user, "p4ss");
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism + "'>"
                    + scram.clientFirst() + "</auth>");
            String challenge = c.awaitMatch(Pattern.compile("<challenge[^>]*>([^<]*)</challenge>"), WAIT);
            c.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                    + scram.clientFinal(StartTlsOptionalTest.text(challenge)) + "</response>");
            String success = c.awaitMatch(Pattern.compile("<success[^>]*>([^<]*)</success>"), WAIT);
            assertThat(scram.verifyServerFinal(StartTlsOptionalTest.text(success))).isTrue();
        }
    }

    /** RFC 6120 §6.5.10 with RFC 5802: a SCRAM proof from the wrong password is not-authorized. */
    @Test
    void scramWrongPasswordIsNotAuthorized() {
        try (RawXmppClient c = secured("scram-wrong")) {
            ScramClient scram = new ScramClient("SCRAM-SHA-256", user, "wrong");
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>" + scram.clientFirst()
                    + "</auth>");
            String challenge = c.awaitMatch(Pattern.compile("<challenge[^>]*>([^<]*)</challenge>"), WAIT);
            c.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                    + scram.clientFinal(StartTlsOptionalTest.text(challenge)) + "</response>");
            awaitFailure(c, "not-authorized");
            assertThat(c.transcript()).doesNotContain("<success");
        }
    }
}
