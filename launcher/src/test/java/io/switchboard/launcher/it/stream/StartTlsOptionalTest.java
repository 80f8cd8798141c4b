package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * STARTTLS optional: SASL may run before TLS, but PLAIN must not (RFC 6120 §6.4.5 / §6.5.4 encryption-required;
 * RFC 4616 §6; the "PLAIN refused before TLS" requirement). SCRAM, which never exposes the password, is fine.
 */
class StartTlsOptionalTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("SWITCHBOARD_LISTENERS_C2S_STARTTLS", "optional"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** RFC 6120 §5.4.1 / §6.4.1: optional STARTTLS without {@code <required/>}, SCRAM offered, PLAIN not. */
    @Test
    void featuresBeforeTlsListScramButNotPlain() {
        try (RawXmppClient c = RawXmppClient.connect(server, "features-optional")) {
            String features = c.openStream();
            assertThat(features).containsPattern("<starttls xmlns=['\"]urn:ietf:params:xml:ns:xmpp-tls['\"]\\s*/>")
                    .doesNotContain("<required")
                    .contains("<mechanism>SCRAM-SHA-256</mechanism>").contains("<mechanism>SCRAM-SHA-1</mechanism>")
                    .doesNotContain("PLAIN");
        }
    }

    /**
     * RFC 6120 §6.5.4: {@code <auth mechanism='PLAIN'>} before TLS gets {@code <failure><encryption-required/>}
     * and no success; the stream survives, and after STARTTLS the very same PLAIN authentication succeeds.
     */
    @Test
    void plainRefusedBeforeTlsThenAcceptedAfterStartTls() {
        String user = "plain" + UUID.randomUUID().toString().substring(0, 8);
        RawXmppClient.registerAccount(server, user, "p4ss");
        try (RawXmppClient c = RawXmppClient.connect(server, "plain-before-tls")) {
            c.openStream();
            c.authPlain(user, "p4ss");
            String failure = c.awaitMatch(Pattern.compile("<failure\\b.*?(</failure>|/>)", Pattern.DOTALL), WAIT);
            assertThat(failure).contains("xmlns='urn:ietf:params:xml:ns:xmpp-sasl'").contains("<encryption-required/>");
            c.assertStaysOpen(Duration.ofMillis(300));
            assertThat(c.transcript()).doesNotContain("<success");

            String features = c.startTls();
            assertThat(features).contains("<mechanism>PLAIN</mechanism>");
            c.authPlain(user, "p4ss");
            c.awaitContains("<success", WAIT);
            c.openStream();
            assertThat(c.bind("tls")).isEqualTo(user + "@localhost/tls");
        }
    }

    /**
     * XEP-0077 §8: in-band registration sends the password in the clear, so like PLAIN it is neither
     * advertised nor accepted before TLS; after STARTTLS it is both.
     */
    @Test
    void inBandRegistrationIsRefusedBeforeTlsAndWorksAfter() {
        String user = "reg" + UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient c = RawXmppClient.connect(server, "register-before-tls")) {
            assertThat(c.openStream()).doesNotContain("jabber.org/features/iq-register");
            c.send("<iq type='set' id='reg1'><query xmlns='jabber:iq:register'><username>" + user
                    + "</username><password>p4ss</password></query></iq>");
            String reply = c.awaitIq("reg1", WAIT);
            assertThat(reply).contains("type='error'").contains("<policy-violation");
            c.assertStaysOpen(Duration.ofMillis(300));

            assertThat(c.startTls()).contains("jabber.org/features/iq-register");
            c.send("<iq type='set' id='reg2'><query xmlns='jabber:iq:register'><username>" + user
                    + "</username><password>p4ss</password></query></iq>");
            assertThat(c.awaitIq("reg2", WAIT)).contains("type='result'");
        }
    }

    /** RFC 6120 §6.4 with RFC 5802 / RFC 7677: the advertised SCRAM mechanisms really work without TLS. */
    @ParameterizedTest
    @ValueSource(strings = {"SCRAM-SHA-1", "SCRAM-SHA-256"})
    void scramWorksBeforeTls(String mechanism) {
        String user = "scram" + UUID.randomUUID().toString().substring(0, 8);
        RawXmppClient.registerAccount(server, user, "p4ss");
        try (RawXmppClient c = RawXmppClient.connect(server, mechanism + "-plaintext")) {
            c.openStream();
            ScramClient scram = new ScramClient(mechanism, user, "p4ss");
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism + "'>"
                    + scram.clientFirst() + "</auth>");
            String challenge = c.awaitMatch(Pattern.compile("<challenge[^>]*>([^<]*)</challenge>"), WAIT);
            c.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + scram.clientFinal(text(challenge))
                    + "</response>");
            String success = c.awaitMatch(Pattern.compile("<success[^>]*>([^<]*)</success>"), WAIT);
            assertThat(scram.verifyServerFinal(text(success))).as("server signature verifies").isTrue();
            c.openStream();
            assertThat(c.bind("plain")).isEqualTo(user + "@localhost/plain");
        }
    }

    static String text(String element) {
        Matcher m = Pattern.compile(">([^<]*)<").matcher(element);
        return m.find() ? m.group(1) : "";
    }
}
