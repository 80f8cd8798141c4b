package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.stream.Stream;

import static io.switchboard.launcher.it.stream.RawXmppClient.HEADER;
import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream-level errors over a raw socket (RFC 6120 §4.9): every one must be a {@code <stream:error>} with the right
 * defined condition, followed by {@code </stream:stream>} and the server closing the TCP connection
 * (§4.9.1.1 "stream errors are unrecoverable"), preceded by the server's own stream header (§4.9.1.2).
 * Default configuration (STARTTLS required): most of these happen before TLS, which is where an attacker starts.
 */
class StreamErrorsTest {
    private static final String STREAM_OPEN_NO_DECL = "<stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

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

    private static RawXmppClient opened(String name) {
        RawXmppClient c = RawXmppClient.connect(server, name);
        c.openStream();
        return c;
    }

    /** RFC 6120 §4.9.3.13 not-well-formed: mismatched end tag inside a stanza. */
    @Test
    void malformedXmlIsNotWellFormed() {
        double before = server.counter("xmpp_stream_errors_total", "condition=\"not-well-formed\"");
        try (RawXmppClient c = opened("malformed")) {
            c.send("<message><body></message>");
            c.expectStreamErrorAndClose("not-well-formed");
        }
        assertThat(server.counter("xmpp_stream_errors_total", "condition=\"not-well-formed\""))
                .as("the stream error is counted").isGreaterThanOrEqualTo(before + 1);
    }

    /** RFC 6120 §4.9.3.13: a broken start tag is just as fatal. */
    @Test
    void brokenStartTagIsNotWellFormed() {
        try (RawXmppClient c = opened("broken-tag")) {
            c.send("<message to='a@localhost'<body>hi</body></message>");
            c.expectStreamErrorAndClose("not-well-formed");
        }
    }

    /**
     * RFC 6120 §11.1 / §4.9.3.18 restricted-xml: a DTD with the "billion laughs" entity set in the prolog. The
     * server must refuse it without expanding anything: the error comes at once and another client is served right
     * after (no CPU or memory burn).
     */
    @Test
    void billionLaughsIsRestrictedXmlAndServerStaysResponsive() {
        StringBuilder dtd = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            String prev = i == 1 ? "lol" : "lol" + (i - 1);
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&" + prev + ";").repeat(10)).append("\">");
        }
        dtd.append("]>").append(STREAM_OPEN_NO_DECL).append("<message to='x@localhost'><body>&lol9;</body></message>");
        long start = System.nanoTime();
        try (RawXmppClient c = RawXmppClient.connect(server, "billion-laughs")) {
            c.send(dtd.toString());
            c.expectStreamErrorAndClose("restricted-xml");
            assertThat(c.transcript()).doesNotContain("lollol");
        }
        long errorMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(errorMillis).as("time to refuse the DTD (ms)").isLessThan(3_000);

        long second = System.nanoTime();
        try (RawXmppClient other = RawXmppClient.connect(server, "after-laughs")) {
            String features = other.openStream();
            assertThat(features).contains("starttls");
            other.startTls();
        }
        assertThat((System.nanoTime() - second) / 1_000_000).as("next client served within (ms)").isLessThan(3_000);
    }

    /**
     * RFC 6120 §11.1 restricted-xml: an external entity (XXE). The server must refuse the DTD and never resolve the
     * entity, so nothing of /etc/passwd can come back.
     */
    @Test
    void externalEntityIsRestrictedXmlAndNeverResolved() {
        try (RawXmppClient c = RawXmppClient.connect(server, "xxe")) {
            c.send("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + STREAM_OPEN_NO_DECL
                    + "<message to='x@localhost'><body>&e;</body></message>");
            c.expectStreamErrorAndClose("restricted-xml");
            assertThat(c.transcript()).doesNotContain("root:");
        }
    }

    /** RFC 6120 §11.1: an external DTD subset must not be fetched (no outbound connection to the URL). */
    @Test
    void externalDtdIsRestrictedXmlAndNeverFetched() throws Exception {
        try (ServerSocket trap = new ServerSocket(0); RawXmppClient c = RawXmppClient.connect(server, "xxe-dtd")) {
            trap.setSoTimeout(1_500);
            c.send("<?xml version='1.0'?><!DOCTYPE stream:stream SYSTEM \"http://127.0.0.1:" + trap.getLocalPort()
                    + "/evil.dtd\">" + STREAM_OPEN_NO_DECL);
            c.expectStreamErrorAndClose("restricted-xml");
            try {
                trap.accept().close();
                throw new AssertionError("the server fetched the external DTD");
            } catch (SocketTimeoutException expected) {
                // nobody came: good
            }
        }
    }

    static Stream<Arguments> restrictedXml() {
        return Stream.of(
                Arguments.of("comment between stanzas", HEADER, "<!-- hello -->"),
                Arguments.of("comment inside a stanza", HEADER,
                        "<message to='a@localhost'><body>x</body><!-- hello --></message>"),
                Arguments.of("comment in the prolog", null,
                        "<?xml version='1.0'?><!-- hello -->" + STREAM_OPEN_NO_DECL),
                Arguments.of("processing instruction between stanzas", HEADER, "<?php echo 1; ?>"),
                Arguments.of("processing instruction inside a stanza", HEADER,
                        "<message to='a@localhost'><?target data?></message>"),
                Arguments.of("processing instruction in the prolog", null,
                        "<?xml version='1.0'?><?xml-stylesheet href='x.xsl'?>" + STREAM_OPEN_NO_DECL),
                Arguments.of("DOCTYPE inside the stream", HEADER, "<!DOCTYPE x [<!ENTITY a 'b'>]>"),
                Arguments.of("undeclared entity reference in text", HEADER,
                        "<message to='a@localhost'><body>&nbsp;</body></message>"),
                Arguments.of("undeclared entity reference in an attribute", HEADER, "<message to='&foo;'/>"));
    }

    /** RFC 6120 §11.1 / §4.9.3.18: comments, processing instructions, DTDs and non-predefined entities. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void restrictedXml(String description, String header, String payload) {
        try (RawXmppClient c = RawXmppClient.connect(server, description)) {
            if (header != null) {
                c.openStream();
            }
            c.send(payload);
            c.expectStreamErrorAndClose("restricted-xml");
        }
    }

    /** RFC 6120 §4.8.1 / §4.9.3.10 invalid-namespace: the stream element in the wrong namespace. */
    @Test
    void wrongStreamNamespaceIsInvalidNamespace() {
        try (RawXmppClient c = RawXmppClient.connect(server, "wrong-stream-ns")) {
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='urn:wrong'"
                    + " to='localhost' version='1.0'>");
            c.expectStreamErrorAndClose("invalid-namespace");
            assertThat(c.transcript()).doesNotContain("<stream:features");
        }
    }

    /** RFC 6120 §4.8.2 / §4.9.3.10: the c2s port serves jabber:client, so jabber:server is invalid-namespace. */
    @Test
    void serverContentNamespaceOnClientPortIsInvalidNamespace() {
        try (RawXmppClient c = RawXmppClient.connect(server, "jabber-server")) {
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:server'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>");
            c.expectStreamErrorAndClose("invalid-namespace");
            assertThat(c.transcript()).doesNotContain("<stream:features");
        }
    }

    /** RFC 6120 §4.8.2: a stream without the jabber:client default namespace is invalid-namespace too. */
    @Test
    void missingContentNamespaceIsInvalidNamespace() {
        try (RawXmppClient c = RawXmppClient.connect(server, "no-default-ns")) {
            c.send("<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'"
                    + " to='localhost' version='1.0'>");
            c.expectStreamErrorAndClose("invalid-namespace");
        }
    }

    /** XML namespaces, not prefixes, identify the stream element: another prefix is the same stream (§4.8.1). */
    @Test
    void otherStreamPrefixIsAccepted() {
        try (RawXmppClient c = RawXmppClient.connect(server, "prefix")) {
            c.send("<?xml version='1.0'?><s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams'"
                    + " to='localhost' version='1.0'>");
            c.awaitContains("<stream:features>", WAIT);
            c.send("</s:stream>");
            c.awaitContains("</stream:stream>", WAIT);
            c.awaitClosed(WAIT);
            assertThat(c.transcript()).doesNotContain("<stream:error>");
        }
    }

    /** RFC 6120 §4.7.2 / §4.9.1.3 / §4.9.3.6 host-unknown: a 'to' this server does not serve. */
    @Test
    void unknownHostIsHostUnknown() {
        try (RawXmppClient c = RawXmppClient.connect(server, "host-unknown")) {
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>");
            c.expectStreamErrorAndClose("host-unknown");
            assertThat(c.transcript()).as("the server must not claim to be the unknown host")
                    .doesNotContain("from='example.org'").doesNotContain("from=\"example.org\"")
                    .doesNotContain("<stream:features");
        }
    }

    /**
     * RFC 6120 §4.9.1.2: garbage before any stream header (here an HTTP request) — the server must first send its
     * own stream header, then the error, then close.
     */
    @Test
    void garbageBeforeHeaderGetsServerHeaderThenError() {
        try (RawXmppClient c = RawXmppClient.connect(server, "garbage")) {
            c.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            c.expectStreamErrorAndClose("not-well-formed");
            String t = c.transcript();
            assertThat(t).as("starts with the server's stream header")
                    .matches("(?s)^(<\\?xml[^>]*\\?>)?<stream:stream .*");
            assertThat(t.indexOf("<stream:stream")).isLessThan(t.indexOf("<stream:error>"));
        }
    }

    /** RFC 6120 §4.4: the client closes the stream; the server answers with its own close tag and closes TCP. */
    @Test
    void clientCloseIsAnsweredWithCloseBeforeAuth() {
        try (RawXmppClient c = opened("close-pre-auth")) {
            c.send("</stream:stream>");
            c.awaitContains("</stream:stream>", WAIT);
            c.awaitClosed(WAIT);
            assertThat(c.transcript()).doesNotContain("<stream:error>");
        }
    }

    /** RFC 6120 §4.4, on an authenticated, bound, TLS-protected stream. */
    @Test
    void clientCloseIsAnsweredWithCloseWhenBound() {
        String user = "close" + UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient c = RawXmppClient.loggedIn(server, user, "p4ss", "r")) {
            c.send("</stream:stream>");
            c.awaitContains("</stream:stream>", WAIT);
            c.awaitClosed(WAIT);
            assertThat(c.transcript()).doesNotContain("<stream:error>");
        }
    }

    /** RFC 6120 §11.6 / §4.9.3.22: only UTF-8; a UTF-16 byte order mark is unsupported-encoding. */
    @Test
    void utf16IsUnsupportedEncoding() {
        try (RawXmppClient c = RawXmppClient.connect(server, "utf16")) {
            byte[] bom = {(byte) 0xFE, (byte) 0xFF};
            byte[] rest = HEADER.getBytes(StandardCharsets.UTF_16BE);
            byte[] all = new byte[bom.length + rest.length];
            System.arraycopy(bom, 0, all, 0, bom.length);
            System.arraycopy(rest, 0, all, bom.length, rest.length);
            c.sendBytes(all);
            c.expectStreamErrorAndClose("unsupported-encoding");
        }
    }

    /** RFC 6120 §4.7.5 / §4.9.3.25: a pre-XMPP-1.0 stream version is unsupported-version. */
    @Test
    void oldVersionIsUnsupportedVersion() {
        try (RawXmppClient c = RawXmppClient.connect(server, "version-0.9")) {
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='0.9'>");
            c.expectStreamErrorAndClose("unsupported-version");
        }
    }

    /** RFC 6120 §4.7.5: a higher minor version is answered with version 1.0 and the stream goes on. */
    @Test
    void higherMinorVersionIsAnsweredWithOnePointZero() {
        try (RawXmppClient c = RawXmppClient.connect(server, "version-1.5")) {
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.5'>");
            String header = c.awaitMatch(java.util.regex.Pattern.compile("<stream:stream\\b[^>]*>"), WAIT);
            assertThat(header).containsPattern("version=['\"]1\\.0['\"]");
            c.awaitContains("<stream:features>", WAIT);
        }
    }

    /**
     * RFC 6120 §4.7.1 / §4.7.3: the response header carries from (the server's domain), a fresh id and version 1.0,
     * and (§4.7.4) echoes the client's xml:lang.
     */
    @Test
    void responseHeaderHasFromIdVersionAndLang() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            try (RawXmppClient c = RawXmppClient.connect(server, "header-" + i)) {
                c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                        + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'"
                        + " xml:lang='de'>");
                String header = c.awaitMatch(java.util.regex.Pattern.compile("<stream:stream\\b[^>]*>"), WAIT);
                assertThat(header).contains("from='localhost'").contains("version='1.0'").contains("xml:lang='de'")
                        .contains("xmlns='jabber:client'").contains("xmlns:stream='http://etherx.jabber.org/streams'");
                java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\bid='([^']+)'").matcher(header);
                assertThat(id.find()).as("stream id in " + header).isTrue();
                ids.add(id.group(1));
            }
        }
        assertThat(ids).as("stream ids are unique").hasSize(2);
    }

    /**
     * RFC 7622 §3.2 (domainparts are case-insensitive; a trailing dot MUST be stripped before comparison), so these
     * 'to' values all name this server and must not be host-unknown.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"LOCALHOST", "LocalHost", "localhost."})
    void equivalentDomainIsNotHostUnknown(String to) {
        try (RawXmppClient c = RawXmppClient.connect(server, "to-" + to)) {
            c.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='" + to + "' version='1.0'>");
            c.awaitContains("<stream:features>", WAIT);
            assertThat(c.transcript()).doesNotContain("<stream:error>");
        }
    }

    /** RFC 6120 §11.6 / §4.9.3.22: an XML declaration naming another encoding is unsupported-encoding. */
    @Test
    void latin1DeclarationIsUnsupportedEncoding() {
        try (RawXmppClient c = RawXmppClient.connect(server, "latin1")) {
            c.send("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream xmlns='jabber:client'"
                    + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>");
            c.expectStreamErrorAndClose("unsupported-encoding");
        }
    }

    /**
     * RFC 6120 §4.9.1.1 (stream errors are unrecoverable): whatever the client pipelined after the offending bytes
     * is not processed.
     */
    @Test
    void nothingIsProcessedAfterAStreamError() {
        try (RawXmppClient c = opened("after-error")) {
            c.send("<message><body></message><iq type='get' id='late'><query xmlns='jabber:iq:register'/></iq>");
            c.expectStreamErrorAndClose("not-well-formed");
            assertThat(c.transcript()).doesNotContain("id='late'");
        }
    }
}
