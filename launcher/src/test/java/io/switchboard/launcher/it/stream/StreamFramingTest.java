package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.switchboard.launcher.it.stream.RawXmppClient.HEADER;
import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An XML stream is a byte stream, not a sequence of messages (RFC 6120 §4.1, §4.2): element boundaries and TCP
 * segment boundaries are unrelated, and UTF-8 (§11.6) sequences may be split anywhere. Stream restarts (§5.4.3.3,
 * §6.4.6) must accept data that follows the new header in the same segment.
 */
class StreamFramingTest {
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

    private static void sendByteByByte(RawXmppClient c, String xml) {
        for (byte b : xml.getBytes(StandardCharsets.UTF_8)) {
            c.sendBytes(new byte[] {b});
        }
    }

    /** RFC 6120 §4.2: a stream header arriving one byte per segment. */
    @Test
    void headerOneByteAtATime() {
        try (RawXmppClient c = RawXmppClient.connect(server, "header-bytes")) {
            sendByteByByte(c, HEADER);
            c.awaitContains("<stream:features>", WAIT);
        }
    }

    /** RFC 6120 §11.6: multi-byte UTF-8 characters split across segments reach the recipient intact. */
    @Test
    void multibyteUtf8SplitAcrossSegmentsSurvives() {
        String user = "utf8" + UUID.randomUUID().toString().substring(0, 8);
        String body = "h\u00e9llo w\u00f6rld \u65e5\u672c\u8a9e \ud83d\ude00 \u00df\u2603";
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            sendByteByByte(c, "<message to='" + user + "@localhost/r' id='u8'><body>" + body + "</body></message>");
            c.awaitContains("<body>" + body + "</body>", WAIT);
        }
    }

    /** RFC 6120 §6.4.6: after {@code <success/>}, the new stream header and the bind request in one segment. */
    @Test
    void headerAndBindPipelinedAfterSaslSuccess() {
        String user = "pipe" + UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient c = RawXmppClient.connect(server, user)) {
            c.openStream();
            c.startTls();
            c.register(user, "p4ss");
            c.authPlain(user, "p4ss");
            c.awaitContains("<success", WAIT);
            c.send(HEADER + "<iq type='set' id='pb'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                    + "<resource>piped</resource></bind></iq>");
            c.awaitContains("<stream:features>", WAIT);
            assertThat(c.awaitIq("pb", WAIT)).contains("<jid>" + user + "@localhost/piped</jid>");
        }
    }

    /** RFC 6120 §5.4.3.3: after the TLS handshake, the new stream header and a request in one segment. */
    @Test
    void headerAndRequestPipelinedAfterTls() {
        String user = "tlspipe" + UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient c = RawXmppClient.connect(server, user)) {
            c.openStream();
            c.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            c.awaitContains("<proceed", WAIT);
            c.upgradeToTls();
            c.send(HEADER + "<iq type='set' id='tr'><query xmlns='jabber:iq:register'><username>" + user
                    + "</username><password>p4ss</password></query></iq>");
            c.awaitContains("<stream:features>", WAIT);
            assertThat(c.awaitIq("tr", WAIT)).contains("type='result'");
        }
    }

    /**
     * RFC 6120 §4.4: a stanza immediately followed by the client's {@code </stream:stream>} in the same segment is
     * still handled (delivered) before the server closes.
     */
    @Test
    void stanzaFollowedByCloseInOneSegmentIsDelivered() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient b = RawXmppClient.loggedIn(server, "lastb" + suffix, "p4ss", "b");
             RawXmppClient a = RawXmppClient.loggedIn(server, "lasta" + suffix, "p4ss", "a")) {
            a.send("<message to='lastb" + suffix + "@localhost/b' type='chat'><body>last words</body></message>"
                    + "</stream:stream>");
            a.awaitContains("</stream:stream>", WAIT);
            a.awaitClosed(WAIT);
            b.awaitContains("<body>last words</body>", WAIT);
        }
    }

    /** RFC 6120 §4.1 / §4.2: several stanzas in one segment, and one stanza spread over several, interleaved. */
    @Test
    void stanzaBoundariesIndependentOfSegments() {
        String user = "seg" + UUID.randomUUID().toString().substring(0, 8);
        String to = user + "@localhost/r";
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.send("<message to='" + to + "'><body>one</body></message><message to='" + to + "'><body>two</body>"
                    + "</message><message to='" + to + "'><bo");
            c.send("dy>three</body></mess");
            c.send("age> <message to='" + to + "'><body>four</body></message>");
            // Only completeness here; the order is InOrderDeliveryTest's business.
            c.awaitAll(java.util.List.of("<body>one</body>", "<body>two</body>", "<body>three</body>",
                    "<body>four</body>"), WAIT);
        }
    }
}
