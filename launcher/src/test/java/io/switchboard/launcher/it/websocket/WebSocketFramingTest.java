package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import io.switchboard.launcher.it.stream.ScramClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.switchboard.launcher.it.websocket.WsClient.CLOSE;
import static io.switchboard.launcher.it.websocket.WsClient.FRAMING;
import static io.switchboard.launcher.it.websocket.WsClient.OPEN;
import static io.switchboard.launcher.it.websocket.WsClient.STREAMS;
import static io.switchboard.launcher.it.websocket.WsClient.parseStandalone;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 7395 on the wire against a real server: the handshake, {@code <open/>}/{@code <close/>}
 * framing, one standalone element per message in both directions, SASL, stream restart and bind
 * over WebSocket, and the stream errors for bad messages, which follow the TCP rules.
 */
class WebSocketFramingTest {
    static final int MAX_STANZA = 16_384;
    static final String ALLOWED_ORIGIN = "https://chat.example";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "SWITCHBOARD_LIMITS_MAX_STANZA_BYTES", Integer.toString(MAX_STANZA),
                "SWITCHBOARD_LISTENERS_WEBSOCKET_ALLOWED_ORIGINS", ALLOWED_ORIGIN));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String account(String prefix) {
        String user = prefix + UUID.randomUUID().toString().substring(0, 8);
        RawXmppClient.registerAccount(server, user, "pw-" + user);
        return user;
    }

    // ---- handshake ----------------------------------------------------------------------------

    @Test
    @DisplayName("RFC 7395 §3.1: the server confirms the 'xmpp' subprotocol")
    void rfc7395_3_1_subprotocolConfirmed() {
        try (WsClient c = WsClient.connect(server, "subprotocol")) {
            assertThat(c.subprotocol()).isEqualTo("xmpp");
        }
        try (WsClient c = WsClient.connect(server, "among-others", true, List.of("chat", "xmpp"), null)) {
            assertThat(c.subprotocol()).isEqualTo("xmpp");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.1: an upgrade without the 'xmpp' subprotocol, or elsewhere than /xmpp-websocket,"
            + " is refused before any XMPP")
    void rfc7395_3_1_upgradeWithoutXmppSubprotocolRefused() {
        double before = server.counter("xmpp_websocket_handshakes_total", "outcome=\"bad-subprotocol\"");
        assertThat(WsClient.refusedStatus(server, "/xmpp-websocket", List.of(), null)).isEqualTo(400);
        assertThat(WsClient.refusedStatus(server, "/xmpp-websocket", List.of("chat", "XMPP"), null))
                .as("subprotocol names compare exactly").isEqualTo(400);
        assertThat(WsClient.refusedStatus(server, "/other", List.of("xmpp"), null)).isEqualTo(404);
        assertThat(server.counter("xmpp_websocket_handshakes_total", "outcome=\"bad-subprotocol\""))
                .isEqualTo(before + 2);
    }

    @Test
    @DisplayName("Origin check (RFC 6455 §10.2): listed origins and non-browser clients pass, other pages get 403")
    void originCheck() {
        try (WsClient c = WsClient.connect(server, "allowed", true, List.of("xmpp"), ALLOWED_ORIGIN)) {
            c.open();
        }
        try (WsClient c = WsClient.connect(server, "same-origin-other-spelling", true, List.of("xmpp"),
                "https://CHAT.example:443")) {
            c.open();
        }
        assertThat(WsClient.refusedStatus(server, "/xmpp-websocket", List.of("xmpp"), "https://evil.example"))
                .isEqualTo(403);
        assertThat(WsClient.refusedStatus(server, "/xmpp-websocket", List.of("xmpp"), "http://chat.example"))
                .as("another scheme is another origin").isEqualTo(403);
        assertThat(WsClient.refusedStatus(server, "/xmpp-websocket", List.of("xmpp"), "null"))
                .as("an opaque origin (sandboxed page, file:) matches nothing").isEqualTo(403);
        assertThat(server.counter("xmpp_websocket_handshakes_total", "outcome=\"forbidden-origin\"")).isGreaterThan(0);
    }

    // ---- stream open, features, SASL, restart, bind ---------------------------------------------

    @Test
    @DisplayName("RFC 7395 §3.4, §3.3.3, §3.9: <open/> is answered with <open/> and features, each a standalone"
            + " document; no STARTTLS; PLAIN only over wss")
    void rfc7395_3_4_openAnsweredWithOpenAndFeatures() {
        try (WsClient c = WsClient.connect(server, "open")) {
            c.send(OPEN);
            Element open = parseStandalone(c.next()).getDocumentElement();
            assertThat(open.getLocalName()).isEqualTo("open");
            assertThat(open.getNamespaceURI()).isEqualTo(FRAMING);
            assertThat(open.getAttribute("from")).isEqualTo("localhost");
            assertThat(open.getAttribute("version")).isEqualTo("1.0");
            assertThat(open.getAttribute("id")).hasSizeGreaterThanOrEqualTo(16);
            assertThat(open.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang")).isEqualTo("en");
            assertThat(open.hasChildNodes()).isFalse();

            String featuresXml = c.next();
            Element features = parseStandalone(featuresXml).getDocumentElement();
            assertThat(features.getLocalName()).isEqualTo("features");
            assertThat(features.getNamespaceURI()).isEqualTo(STREAMS);
            assertThat(featuresXml).as("§3.9: TLS is the wss layer's").doesNotContain("starttls")
                    .contains("<mechanism>PLAIN</mechanism>").contains("<mechanism>SCRAM-SHA-256</mechanism>");
        }
        try (WsClient c = WsClient.connectPlain(server, "plain-ws")) {
            assertThat(c.open()).as("PLAIN would send the password in clear over ws://")
                    .doesNotContain("PLAIN").contains("SCRAM-SHA-256").doesNotContain("starttls");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.7, §3.3.3: SASL PLAIN over wss, a new <open/> after <success/>, bind, and stanzas one"
            + " per message with xmlns='jabber:client' in both directions")
    void rfc7395_3_7_saslRestartBindAndStanzas() {
        String alice = account("wsalice");
        double wsAuth = server.counter("xmpp_auth_total", "transport=\"websocket\"", "result=\"success\"");
        double wsMessagesIn = server.counter("xmpp_stanzas_in_total", "transport=\"websocket\"", "kind=\"message\"");
        try (WsClient c = WsClient.connect(server, alice)) {
            c.open();
            c.authPlain(alice, "pw-" + alice);
            String restarted = c.open();
            assertThat(restarted).contains("urn:ietf:params:xml:ns:xmpp-bind").contains("urn:xmpp:sm:3");
            String full = c.bind("web");
            assertThat(full).isEqualTo(alice + "@localhost/web");

            c.send("<message xmlns='jabber:client' to='" + full + "' type='chat' id='m1'><body>to myself</body>"
                    + "</message>");
            String echoed = c.nextContaining("to myself");
            Element message = parseStandalone(echoed).getDocumentElement();
            assertThat(message.getNamespaceURI()).isEqualTo("jabber:client");
            assertThat(message.getAttribute("from")).isEqualTo(full);

            c.send("<iq xmlns='jabber:client' type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            assertThat(parseStandalone(c.nextContaining("id='p1'")).getDocumentElement().getAttribute("type"))
                    .isEqualTo("result");

            // Every message the server sent is one element that parses on its own (§3.3.3).
            for (String m : c.received()) {
                Element root = parseStandalone(m).getDocumentElement();
                assertThat(root.getNamespaceURI()).as(m).isNotEmpty();
            }
        }
        assertThat(server.counter("xmpp_auth_total", "transport=\"websocket\"", "result=\"success\""))
                .isEqualTo(wsAuth + 1);
        assertThat(server.counter("xmpp_stanzas_in_total", "transport=\"websocket\"", "kind=\"message\""))
                .isEqualTo(wsMessagesIn + 1);
    }

    @Test
    @DisplayName("RFC 6120 §6 over ws:// (no TLS): SCRAM-SHA-256 works and the stream restarts with <open/>")
    void scramOverPlainWebSocket() {
        String bob = account("wsbob");
        try (WsClient c = WsClient.connectPlain(server, bob)) {
            c.open();
            ScramClient scram = new ScramClient("SCRAM-SHA-256", bob, "pw-" + bob);
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>" + scram.clientFirst()
                    + "</auth>");
            String challenge = text(c.nextContaining("<challenge"));
            c.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + scram.clientFinal(challenge) + "</response>");
            String success = c.nextContaining("<success");
            assertThat(scram.verifyServerFinal(text(success))).as("server signature").isTrue();
            c.open();
            assertThat(c.bind("plain")).isEqualTo(bob + "@localhost/plain");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.6: the client's <close/> is answered with <close/>, and the client closes the"
            + " WebSocket")
    void rfc7395_3_6_clientInitiatedClose() {
        String carol = account("wscarol");
        try (WsClient c = WsClient.loggedIn(server, carol, "pw-" + carol, "web")) {
            c.send(CLOSE);
            Element close = parseStandalone(c.next()).getDocumentElement();
            assertThat(close.getLocalName()).isEqualTo("close");
            assertThat(close.getNamespaceURI()).isEqualTo(FRAMING);
            // The party that closed the stream (the client) starts the WebSocket closing handshake.
            c.assertNothingFor(Duration.ofMillis(300));
            assertThat(c.isClosed()).as("the server leaves the WebSocket close to the client").isFalse();
            c.closeWebSocket();
            assertThat(c.awaitClose()).isEqualTo(1000);
        }
    }

    // ---- bad messages: the same stream errors as on TCP ----------------------------------------

    @Test
    @DisplayName("RFC 7395 §3.2: a binary message is a <bad-format/> stream error, then <close/> and WebSocket"
            + " close 1000 (§3.5, §3.6)")
    void rfc7395_3_2_binaryMessage() {
        double before = server.counter("xmpp_stream_errors_total", "condition=\"bad-format\"",
                "transport=\"websocket\"");
        try (WsClient c = WsClient.connect(server, "binary")) {
            c.open();
            c.sendBinary("<presence xmlns='jabber:client'/>".getBytes());
            c.expectStreamErrorAndClose("bad-format");
        }
        assertThat(server.counter("xmpp_stream_errors_total", "condition=\"bad-format\"", "transport=\"websocket\""))
                .isEqualTo(before + 1);
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3 + §3.5: two elements in one message are <not-well-formed/>; the error comes after"
            + " the server's <open/>")
    void rfc7395_3_3_3_twoElementsInOneMessage() {
        try (WsClient c = WsClient.connect(server, "two")) {
            c.send(OPEN + OPEN);
            c.expectStreamErrorAndClose("not-well-formed");
            assertThat(c.received().get(0)).as("§3.5: <open/> first, then the error").startsWith("<open");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3: an element split over two messages is <not-well-formed/>")
    void rfc7395_3_3_3_elementSplitOverMessages() {
        try (WsClient c = WsClient.connect(server, "split")) {
            c.open();
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>");
            c.expectStreamErrorAndClose("not-well-formed");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3, §3.8: a message must start with '<' (no whitespace keepalives): <bad-format/>")
    void rfc7395_3_8_whitespaceMessage() {
        try (WsClient c = WsClient.connect(server, "whitespace")) {
            c.open();
            c.send(" ");
            c.expectStreamErrorAndClose("bad-format");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.3.2: an <open/> outside the framing namespace is <invalid-namespace/>, as a TCP"
            + " header outside the streams namespace")
    void rfc7395_3_3_2_openInWrongNamespace() {
        try (WsClient c = WsClient.connect(server, "wrong-ns")) {
            c.send("<open xmlns='jabber:client' to='localhost' version='1.0'/>");
            c.expectStreamErrorAndClose("invalid-namespace");
        }
        try (WsClient c = WsClient.connect(server, "tcp-header")) {
            // A TCP stream header is an unclosed element: not a document on its own.
            c.send("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost'"
                    + " version='1.0'>");
            c.expectStreamErrorAndClose("not-well-formed");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.4 + RFC 6120 §4.9.3.6: <open to='elsewhere'/> is <host-unknown/>; an XML declaration"
            + " is allowed (§3.3.3)")
    void rfc7395_3_4_openChecksAsOnTcp() {
        try (WsClient c = WsClient.connect(server, "host-unknown")) {
            c.send("<open xmlns='" + FRAMING + "' to='example.net' version='1.0'/>");
            c.expectStreamErrorAndClose("host-unknown");
        }
        try (WsClient c = WsClient.connect(server, "no-version")) {
            c.send("<open xmlns='" + FRAMING + "' to='localhost'/>");
            c.expectStreamErrorAndClose("unsupported-version");
        }
        try (WsClient c = WsClient.connect(server, "declaration")) {
            c.send("<?xml version='1.0'?>" + OPEN);
            assertThat(c.next()).startsWith("<open");
            assertThat(c.next()).contains("features");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.3.3: a stanza must declare xmlns='jabber:client' itself; without it it is in no"
            + " namespace: <unsupported-stanza-type/>")
    void rfc7395_3_3_3_stanzaWithoutNamespace() {
        String dave = account("wsdave");
        try (WsClient c = WsClient.loggedIn(server, dave, "pw-" + dave, "web")) {
            c.send("<message to='" + dave + "@localhost' type='chat'><body>hi</body></message>");
            c.expectStreamErrorAndClose("unsupported-stanza-type");
        }
    }

    @Test
    @DisplayName("RFC 7395 §3.9: <starttls/> over WebSocket is a <policy-violation/>")
    void rfc7395_3_9_noStartTls() {
        try (WsClient c = WsClient.connectPlain(server, "starttls")) {
            c.open();
            c.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            c.expectStreamErrorAndClose("policy-violation");
        }
    }

    @Test
    @DisplayName("RFC 6120 §13.12 limits over WebSocket: an oversized message (whole or in fragments) and deep"
            + " nesting are <policy-violation/>; DTDs and comments <restricted-xml/>")
    void limitsAsOnTcp() {
        String big = "<message xmlns='jabber:client' to='x@localhost'><body>" + "a".repeat(MAX_STANZA)
                + "</body></message>";
        try (WsClient c = WsClient.connect(server, "oversize")) {
            c.open();
            c.send(big);
            assertThat(c.expectStreamErrorAndClose("policy-violation")).contains(MAX_STANZA + " bytes");
        }
        try (WsClient c = WsClient.connect(server, "oversize-fragments")) {
            c.open();
            int third = big.length() / 3;
            c.sendFragmented(big.substring(0, third), big.substring(third, 2 * third), big.substring(2 * third));
            c.expectStreamErrorAndClose("policy-violation");
        }
        try (WsClient c = WsClient.connect(server, "deep")) {
            c.open();
            c.send("<iq xmlns='jabber:client' type='get' id='d'>" + "<a>".repeat(40) + "</a>".repeat(40) + "</iq>");
            c.expectStreamErrorAndClose("policy-violation");
        }
        try (WsClient c = WsClient.connect(server, "dtd")) {
            c.send("<!DOCTYPE open [<!ENTITY x 'y'>]>" + OPEN);
            c.expectStreamErrorAndClose("restricted-xml");
        }
        try (WsClient c = WsClient.connect(server, "comment")) {
            c.open();
            c.send("<presence xmlns='jabber:client'><!-- hi --></presence>");
            c.expectStreamErrorAndClose("restricted-xml");
        }
    }

    @Test
    @DisplayName("RFC 6455 §7.4.1: a single frame beyond twice the stanza limit is refused by the WebSocket layer"
            + " before it is buffered: <policy-violation/>, <close/>, close status 1009")
    void hugeFrameClosedByTheWebSocketLayer() throws Exception {
        // The JDK client splits big messages into frames (caught by the stanza limit above); Vert.x's sends one.
        Vertx vertx = server.server().cluster().vertx();
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.httpPort())
                    .setURI("/xmpp-websocket").addSubProtocol("xmpp").setAllowOriginHeader(false)).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<Short> status = new CompletableFuture<>();
            List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
            ws.textMessageHandler(messages::add);
            ws.closeHandler(v -> status.complete(ws.closeStatusCode()));
            ws.writeFrame(WebSocketFrame.textFrame("<message xmlns='jabber:client'><body>" + "a".repeat(3 * MAX_STANZA)
                    + "</body></message>", true));
            assertThat(status.get(10, TimeUnit.SECONDS)).as("close status; messages %s", messages)
                    .isEqualTo((short) 1009);
            assertThat(messages).hasSize(3); // <open/>, the error, <close/>
            assertThat(messages.get(1)).contains("<policy-violation").contains(MAX_STANZA + " bytes");
            assertThat(messages.get(2)).startsWith("<close");
        } finally {
            client.close();
        }
    }

    @Test
    @DisplayName("Metrics: WebSocket connections are labelled transport=\"websocket\"")
    void metricsByTransport() {
        double accepted = server.counter("xmpp_connections_accepted_total", "transport=\"websocket\"");
        double handshakes = server.counter("xmpp_websocket_handshakes_total", "outcome=\"accepted\"");
        try (WsClient c = WsClient.connect(server, "metrics")) {
            c.open();
            assertThat(server.counter("xmpp_connections_open", "transport=\"websocket\"")).isGreaterThanOrEqualTo(1);
        }
        assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"websocket\""))
                .isEqualTo(accepted + 1);
        assertThat(server.counter("xmpp_websocket_handshakes_total", "outcome=\"accepted\"")).isEqualTo(handshakes + 1);
    }

    private static String text(String element) {
        Matcher m = Pattern.compile(">([^<]*)<").matcher(element);
        if (!m.find()) {
            throw new AssertionError("no text in " + element);
        }
        return m.group(1);
    }
}
