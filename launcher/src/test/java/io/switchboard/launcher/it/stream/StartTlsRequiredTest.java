package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/** STARTTLS mandatory-to-negotiate (the default configuration): RFC 6120 §5.3.1, §5.4. */
class StartTlsRequiredTest {
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

    /**
     * RFC 6120 §5.3.1 / §5.4.1: before TLS the only feature is {@code <starttls><required/></starttls>}; no SASL
     * mechanisms (which would tempt a client into PLAIN over plaintext) and no registration.
     */
    @Test
    void featuresBeforeTlsOfferOnlyRequiredStartTls() {
        try (RawXmppClient c = RawXmppClient.connect(server, "features")) {
            String features = c.openStream();
            assertThat(features).containsPattern(
                    "<starttls xmlns=['\"]urn:ietf:params:xml:ns:xmpp-tls['\"]>\\s*<required\\s*/>\\s*</starttls>");
            assertThat(features).doesNotContain("<mechanisms").doesNotContain("PLAIN").doesNotContain("register");
        }
    }

    /** RFC 6120 §5.4.3.3 / §6.4.1: after TLS, SASL (including PLAIN) is offered and STARTTLS no longer is. */
    @Test
    void featuresAfterTlsOfferSaslIncludingPlain() {
        try (RawXmppClient c = RawXmppClient.connect(server, "features-tls")) {
            c.openStream();
            String features = c.startTls();
            assertThat(features).contains("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>")
                    .contains("<mechanism>PLAIN</mechanism>").contains("<mechanism>SCRAM-SHA-256</mechanism>")
                    .contains("<mechanism>SCRAM-SHA-1</mechanism>").doesNotContain("starttls");
        }
    }

    /** XEP-0368 direct TLS: the stream is already secure, so no STARTTLS and PLAIN is offered. */
    @Test
    void directTlsOffersSaslWithoutStartTls() {
        try (RawXmppClient c = RawXmppClient.connectDirectTls(server, "direct-tls")) {
            String features = c.openStream();
            assertThat(features).contains("<mechanism>PLAIN</mechanism>").doesNotContain("starttls");
            String user = "direct" + UUID.randomUUID().toString().substring(0, 8);
            c.register(user, "p4ss");
            c.authPlain(user, "p4ss");
            c.awaitContains("<success", WAIT);
            c.openStream();
            assertThat(c.bind("d")).isEqualTo(user + "@localhost/d");
        }
    }

    /** RFC 6120 §5.3.1 / §4.9.3.14: trying SASL before the required TLS is a policy-violation stream error. */
    @Test
    void authBeforeTlsIsPolicyViolation() {
        try (RawXmppClient c = RawXmppClient.connect(server, "auth-before-tls")) {
            c.openStream();
            c.authPlain("someone", "secret");
            c.expectStreamErrorAndClose("policy-violation");
            assertThat(c.transcript()).doesNotContain("<success").doesNotContain("<failure");
        }
    }

    /** RFC 6120 §5.3.1 / §4.9.3.14: an in-band registration before the required TLS (a password in the clear). */
    @Test
    void registrationBeforeTlsIsPolicyViolation() {
        try (RawXmppClient c = RawXmppClient.connect(server, "register-before-tls")) {
            c.openStream();
            c.send("<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>plain"
                    + UUID.randomUUID().toString().substring(0, 8)
                    + "</username><password>p4ss</password></query></iq>");
            c.expectStreamErrorAndClose("policy-violation");
            assertThat(c.transcript()).doesNotContain("id='r1'");
        }
    }

    /**
     * RFC 6120 §5.4.3.3: the client MUST NOT send anything after {@code <starttls/>} before the handshake; if it
     * does (a plaintext injection, CVE-2011-0411 style), the server must not act on it inside the TLS session.
     */
    @Test
    void bytesPipelinedAfterStartTlsAreNotProcessed() {
        String injected = "inj" + UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient c = RawXmppClient.connect(server, "pipelined")) {
            c.openStream();
            // <starttls/> and a registration request in one segment: the registration is plaintext.
            c.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><iq type='set' id='injected'>"
                    + "<query xmlns='jabber:iq:register'><username>" + injected
                    + "</username><password>evil</password></query></iq>");
            c.awaitContains("<proceed", WAIT);
            c.upgradeToTls();
            String features = c.openStream();
            assertThat(features).contains("<mechanisms");
            c.drain(Duration.ofMillis(500));
            assertThat(c.transcript()).doesNotContain("id='injected'");
            // The injected account must not exist: registering that name now succeeds.
            c.register(injected, "p4ss");
        }
    }
}
