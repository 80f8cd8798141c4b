package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with a real end-user client: Debian's terminal XMPP client profanity (libstrophe underneath), driven
 * through tmux, logs in to a real Switchboard server over STARTTLS with SCRAM and chats both ways with a
 * {@link RawXmppClient}. The user's side is done as a person would do it: {@code /connect}, type the password,
 * compare the certificate fingerprint profanity shows with the server's generated certificate, {@code /tls allow},
 * {@code /msg}, and read the incoming message off the screen. Skipped only when profanity or tmux is not installed.
 */
class ProfanityInteropTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration LOGIN = Duration.ofSeconds(20);
    private static final Duration MESSAGE = Duration.ofSeconds(15);
    /** What profanity prints when a connection attempt ends badly; fails a wait at once instead of timing out. */
    private static final Pattern CONNECTION_FAILED =
            Pattern.compile("Login failed|Lost connection|Connection failed|Server error: |Disconnected");

    private static TestServer server;
    private static ProfanityTmux profanity;

    @AfterAll
    static void stop() {
        try {
            if (profanity != null) {
                profanity.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void profanityLogsInOverStartTlsWithScramAndChatsBothWays() throws Exception {
        // Checked here rather than in @BeforeAll so the report shows the test as skipped, with the reason.
        Assumptions.assumeTrue(ProfanityTmux.available(),
                ProfanityTmux.PROFANITY + " or " + ProfanityTmux.TMUX + " missing: apt-get install profanity tmux");
        server = TestServer.start();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String zoePassword = "zoe-pw-" + suffix;
        RawXmppClient.registerAccount(server, "zoe", zoePassword);
        // loggedIn registers yann in-band itself before authenticating.
        try (RawXmppClient yann = RawXmppClient.loggedIn(server, "yann", "yann-pw-" + suffix, "bot")) {
            yann.send("<presence/>");

            double scramBefore = scramSuccesses();
            double failuresBefore = server.counter("xmpp_auth_total", "result=\"failure\"");
            double tcpBefore = server.counter("xmpp_connections_accepted_total", "transport=\"tcp\"");
            double directTlsBefore = server.counter("xmpp_connections_accepted_total", "transport=\"tls\"");

            profanity = ProfanityTmux.start(START);
            ProfanityTmux zoe = profanity;

            // ---- log in as a user would: /connect, password, check the certificate, accept it ----------------
            zoe.typeLine("/connect zoe@localhost server 127.0.0.1 port " + server.c2sPort());
            zoe.awaitScreen(Pattern.compile("Enter password:"), CONNECTION_FAILED, LOGIN, "the password prompt");
            zoe.typeLine(zoePassword);
            // No "tls trust": profanity verifies the certificate, finds it self-signed and shows it for a decision.
            Matcher fingerprint = zoe.awaitScreen(Pattern.compile("Fingerprint\\s*:\\s*([0-9a-fA-F:]{40,})"),
                    CONNECTION_FAILED, LOGIN, "the certificate prompt after STARTTLS");
            assertThat(fingerprint.group(1).replace(":", "").toLowerCase())
                    .as(() -> "SHA-1 fingerprint profanity saw in the TLS handshake vs the server's generated"
                            + " certificate" + zoe.diagnostics())
                    .isEqualTo(serverCertificateSha1());
            zoe.typeLine("/tls allow");
            Matcher login = zoe.awaitScreen(Pattern.compile("(zoe@localhost/\\S+) logged in successfully"),
                    CONNECTION_FAILED, LOGIN, "the login message");
            String zoeJid = login.group(1);
            zoe.awaitScreen(Pattern.compile("\\[TLS\\]\\s+\\[online\\]"), CONNECTION_FAILED, LOGIN,
                    "profanity's title bar reporting a TLS connection, online");

            assertThat(scramSuccesses() - scramBefore).as("SCRAM-SHA-256 logins by profanity").isEqualTo(1.0);
            assertThat(server.counter("xmpp_auth_total", "result=\"failure\"") - failuresBefore)
                    .as("failed authentications").isZero();
            // The c2s listener requires STARTTLS before SASL, so a SCRAM success on a "tcp" connection is STARTTLS.
            assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"tcp\"") - tcpBefore)
                    .as("connections accepted on the STARTTLS (c2s) port").isEqualTo(1.0);
            assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"tls\"") - directTlsBefore)
                    .as("connections accepted on the direct-TLS port").isZero();

            // ---- profanity -> raw client ----------------------------------------------------------------
            String toYann = "hello from profanity " + suffix;
            zoe.typeLine("/msg yann@localhost/bot " + toYann);
            String received;
            try {
                received = yann.awaitMatch(messageWithBody(toYann), MESSAGE);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + zoe.diagnostics(), e);
            }
            String from = attribute(received, "from");
            assertThat(from).as("'from' stamped on %s", received).isEqualTo(zoeJid).startsWith("zoe@localhost/");
            assertThat(attribute(received, "to")).as("'to' of %s", received).isEqualTo("yann@localhost/bot");
            assertThat(attribute(received, "type")).as("'type' of %s", received).isEqualTo("chat");
            zoe.awaitScreen(Pattern.compile("me: " + Pattern.quote(toYann)), MESSAGE, "zoe's own line in the chat");

            // ---- raw client -> profanity ----------------------------------------------------------------
            // Back to the console first: profanity announces every incoming chat there, with its window number.
            zoe.typeLine("/win 1");
            zoe.awaitScreen(Pattern.compile("-1-\\[\\d+\\]"), MESSAGE, "the console window in focus");
            String toZoe = "hi back from yann " + suffix;
            yann.send("<message type='chat' to='" + from + "' id='" + RawXmppClient.nextId("reply") + "'><body>"
                    + toZoe + "</body></message>");
            Matcher announced = zoe.awaitScreen(
                    Pattern.compile("<< chat message: yann@localhost/bot \\(win (\\d+)\\)"), MESSAGE,
                    "the console's notice of yann's message");
            zoe.typeLine("/win " + announced.group(1));
            zoe.awaitScreen(Pattern.compile("yann@localhost/bot: " + Pattern.quote(toZoe)), MESSAGE,
                    "yann's message in its chat window");
            System.out.println("[profanity] " + zoeJid + " <-> yann@localhost/bot OK; stanza received by yann: "
                    + received);
        } finally {
            if (profanity != null) {
                profanity.close();
                profanity = null;
            }
        }
    }

    private static double scramSuccesses() {
        return server.counter("xmpp_auth_total", "mechanism=\"SCRAM-SHA-256\"", "result=\"success\"");
    }

    /** A whole {@code <message>} element whose text contains {@code body}. */
    private static Pattern messageWithBody(String body) {
        return Pattern.compile("<message\\b[^>]*>(?:(?!</message>).)*?" + Pattern.quote(body) + ".*?</message>",
                Pattern.DOTALL);
    }

    /** An attribute of the element's start tag (either quote style); null when absent. */
    private static String attribute(String element, String name) {
        String startTag = element.substring(0, element.indexOf('>') + 1);
        Matcher m = Pattern.compile("\\s" + Pattern.quote(name) + "=(['\"])(.*?)\\1").matcher(startTag);
        return m.find() ? m.group(2) : null;
    }

    private static String serverCertificateSha1() throws Exception {
        try (InputStream pem = Files.newInputStream(RawXmppClient.certificatePath(server))) {
            byte[] der = CertificateFactory.getInstance("X.509").generateCertificate(pem).getEncoded();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
        }
    }
}
