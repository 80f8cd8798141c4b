package io.switchboard.launcher.it.bosh;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import io.switchboard.launcher.it.bosh.BoshClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.launcher.it.bosh.BoshClient.HTTPBIND;
import static io.switchboard.launcher.it.bosh.BoshClient.STREAMS;
import static io.switchboard.launcher.it.bosh.BoshClient.XBOSH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * BOSH (XEP-0124) carrying XMPP (XEP-0206) against a real server, on the wire: session creation,
 * SASL, restart and bind; chat with a TCP client both ways; request ids (order, repeats, the
 * window); holding and waiting; polling limits; pause; acknowledgements; terminate; inactivity;
 * and the errors for bad input, which follow the TCP rules inside a terminal body.
 */
class BoshProtocolTest {
    static final int MAX_STANZA = 16_384;
    static final String ALLOWED_ORIGIN = "https://chat.example";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(
                "SWITCHBOARD_LIMITS_MAX_STANZA_BYTES", Integer.toString(MAX_STANZA),
                "SWITCHBOARD_LISTENERS_BOSH_ALLOWED_ORIGINS", ALLOWED_ORIGIN,
                "SWITCHBOARD_LISTENERS_BOSH_INACTIVITY", "3s",
                "SWITCHBOARD_LISTENERS_BOSH_MAX_PAUSE", "10s"));
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

    /** Registered over TCP, logged in over BOSH; requests are held for up to {@code wait} seconds. */
    static BoshClient loggedIn(String user, String resource, int wait) {
        BoshClient c = BoshClient.plain(server);
        c.create(wait, 1, "");
        c.login(user, "pw-" + user, resource);
        return c;
    }

    // ---- session creation and XMPP over BOSH -------------------------------------------------------

    @Test
    @DisplayName("XEP-0124 §7.1, XEP-0206 §3: the creation response carries the session's parameters and the features")
    void xep0124_7_1_sessionCreationResponse() {
        BoshClient c = BoshClient.plain(server);
        Response r = c.create(30, 1, "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().getNamespaceURI()).isEqualTo(HTTPBIND);
        assertThat(r.attribute("sid")).isNotBlank();
        assertThat(r.attribute("wait")).isEqualTo("30");
        assertThat(r.attribute("hold")).isEqualTo("1");
        assertThat(r.attribute("requests")).isEqualTo("2");
        assertThat(r.attribute("inactivity")).isEqualTo("3");
        assertThat(r.attribute("polling")).isNotNull();
        assertThat(r.attribute("maxpause")).isEqualTo("10");
        assertThat(r.attribute("ver")).isEqualTo("1.11");
        assertThat(r.attribute("from")).isEqualTo(TestServer.DOMAIN);
        assertThat(r.attribute("authid")).isNotBlank();
        assertThat(r.body().getAttributeNS(XBOSH, "version")).isEqualTo("1.0");
        assertThat(r.body().getAttributeNS(XBOSH, "restartlogic")).isEqualTo("true");
        Element features = r.children().get(0);
        assertThat(features.getNamespaceURI()).isEqualTo(STREAMS);
        assertThat(features.getLocalName()).isEqualTo("features");
        assertThat(features.getTextContent()).contains("SCRAM-SHA-1").doesNotContain("PLAIN")
                .as("no PLAIN and no STARTTLS over plain HTTP").doesNotContain("starttls");
        assertThat(server.counter("xmpp_connections_open", "transport=\"bosh\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @DisplayName("XEP-0206 §3: over HTTPS the session is secure, so PLAIN is offered")
    void xep0206_httpsSessionOffersPlain() {
        BoshClient c = BoshClient.secure(server);
        Response r = c.create(1, 1, "");
        assertThat(r.children().get(0).getTextContent()).contains("PLAIN");
        // the session's requests must stay on HTTPS: a plain-HTTP request naming it is refused, the session lives on
        BoshClient sneaky = BoshClient.plain(server);
        sneaky.sid = c.sid;
        sneaky.rid = c.rid;
        assertThat(sneaky.post(sneaky.next("", "")).status()).isEqualTo(403);
        Response next = c.send(""); // the same rid, now over HTTPS
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.isTerminate()).isFalse();
    }

    @Test
    @DisplayName("XEP-0206 §5, §6: SASL, restart and bind over BOSH; chat with a TCP client both ways, held requests"
            + " carry incoming messages")
    void xep0206_loginAndChatWithTcpClient() throws Exception {
        String alice = account("bosh-alice-");
        String bob = account("tcp-bob-");
        BoshClient a = loggedIn(alice, "web", 3);
        assertThat(a.sid).isNotNull();
        try (RawXmppClient b = RawXmppClient.connect(server, bob)) {
            b.openStream();
            b.startTls();
            b.authPlain(bob, "pw-" + bob);
            b.awaitContains("<success", RawXmppClient.WAIT);
            b.openStream();
            b.bind("tcp");
            b.send("<presence/>");
            a.send("<presence xmlns='jabber:client'/>");
            a.send("<presence xmlns='jabber:client' to='" + bob + "@localhost/tcp'/>"); // directed (RFC 6121 §4.6)
            b.awaitContains("from='" + alice + "@localhost/web'", RawXmppClient.WAIT);
            // BOSH -> TCP
            a.send("<message xmlns='jabber:client' to='" + bob + "@localhost/tcp' type='chat'><body>hi from bosh</body>"
                    + "</message>");
            b.awaitContains("hi from bosh", RawXmppClient.WAIT);
            // TCP -> BOSH: the message arrives on a request the server was holding
            CompletableFuture<Response> held = a.sendAsync("");
            Thread.sleep(300);
            assertThat(held).isNotDone();
            b.send("<message to='" + alice + "@localhost/web' type='chat'><body>hi from tcp</body></message>");
            Response r = held.get(10, TimeUnit.SECONDS);
            assertThat(r.raw()).contains("hi from tcp");
            assertThat(r.children()).anySatisfy(m -> {
                assertThat(m.getLocalName()).isEqualTo("message");
                assertThat(m.getNamespaceURI()).as("XEP-0206 §6: stanzas in jabber:client").isEqualTo("jabber:client");
            });
            assertThat(server.counter("xmpp_stanzas_in_total", "transport=\"bosh\"", "kind=\"message\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(server.counter("xmpp_stanzas_out_total", "transport=\"bosh\"", "kind=\"message\""))
                    .isGreaterThanOrEqualTo(1);
            // XEP-0124 §13: terminate ends the session; the contact sees the user go offline
            Response end = a.collect(a.post(a.next("type='terminate'",
                    "<presence xmlns='jabber:client' type='unavailable'/>")));
            assertThat(end.isTerminate()).isTrue();
            assertThat(end.attribute("condition")).isNull();
            b.awaitContains("type='unavailable'", RawXmppClient.WAIT);
            Response after = a.post(a.next("", ""));
            assertThat(after.isTerminate()).isTrue();
            assertThat(after.attribute("condition")).isEqualTo("item-not-found");
        }
    }

    // ---- request ids --------------------------------------------------------------------------------

    @Test
    @DisplayName("XEP-0124 §14.2: a rid outside the window ends the session with item-not-found")
    void xep0124_14_2_ridOutsideWindowIsItemNotFound() {
        BoshClient c = BoshClient.plain(server);
        c.create(5, 1, "");
        c.rid += 5; // skips four: beyond the 'requests' window of 2
        Response r = c.send("");
        assertThat(r.isTerminate()).isTrue();
        assertThat(r.attribute("condition")).isEqualTo("item-not-found");
        c.rid -= 5;
        assertThat(c.send("").attribute("condition")).as("the session is gone").isEqualTo("item-not-found");
    }

    @Test
    @DisplayName("XEP-0124 §14.3: a repeated rid gets the same response again; an old forgotten one is item-not-found")
    void xep0124_14_3_repeatedRidGetsTheSameResponse() {
        String user = account("bosh-rid-");
        BoshClient c = loggedIn(user, "r", 1);
        String iq = "<iq xmlns='jabber:client' type='get' id='ping1'><ping xmlns='urn:xmpp:ping'/></iq>";
        String request = c.next("", iq);
        Response first = c.post(request);
        Response again = c.post(request);
        if (first.children().isEmpty()) {
            // the pong went out on the next response: the repeat of an answered request still matches its first answer
            assertThat(again.raw()).isEqualTo(first.raw());
        } else {
            assertThat(again.raw()).isEqualTo(first.raw()).contains("ping1");
        }
        // move the window on: only the last 'requests' responses are kept
        c.send("");
        c.send("");
        Response stale = c.post(request);
        assertThat(stale.isTerminate()).isTrue();
        assertThat(stale.attribute("condition")).isEqualTo("item-not-found");
    }

    @Test
    @DisplayName("XEP-0124 §14: a request that arrives ahead of its predecessor waits for it; stanzas keep rid order")
    void xep0124_14_requestsProcessedInRidOrder() throws Exception {
        String user = account("bosh-order-");
        String peer = "tcp-order-" + UUID.randomUUID().toString().substring(0, 8); // registered by loggedIn
        BoshClient c = loggedIn(user, "o", 2);
        try (RawXmppClient p = RawXmppClient.loggedIn(server, peer, "pw-" + peer, "tcp")) {
            String first = c.next("", "<message xmlns='jabber:client' to='" + peer + "@localhost/tcp'><body>one</body>"
                    + "</message>");
            String second = c.next("", "<message xmlns='jabber:client' to='" + peer + "@localhost/tcp'><body>two</body>"
                    + "</message>");
            CompletableFuture<Response> later = c.postAsync(second);
            Thread.sleep(300);
            p.assertStaysOpen(Duration.ofMillis(200));
            assertThat(p.transcript()).doesNotContain("two");
            CompletableFuture<Response> earlier = c.postAsync(first);
            p.awaitContains("two", RawXmppClient.WAIT);
            String transcript = p.transcript();
            assertThat(transcript.indexOf("one")).isPositive().isLessThan(transcript.indexOf("two"));
            assertThat(earlier.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(later.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    // ---- holding, waiting, polling, pause -----------------------------------------------------------------

    @Test
    @DisplayName("XEP-0124 §11: a held request is answered empty after 'wait'; a second request releases the first")
    void xep0124_11_holdAndWait() throws Exception {
        BoshClient c = BoshClient.plain(server);
        c.create(1, 1, "");
        long started = System.nanoTime();
        Response empty = c.send("");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(empty.children()).isEmpty();
        assertThat(empty.isTerminate()).isFalse();
        assertThat(tookMs).as("held for about wait=1 s").isBetween(700L, 5_000L);

        BoshClient d = loggedIn(account("bosh-hold-"), "h", 20);
        CompletableFuture<Response> first = d.sendAsync("");
        Thread.sleep(300);
        assertThat(first).isNotDone();
        CompletableFuture<Response> second = d.sendAsync("<presence xmlns='jabber:client' type='away'/>");
        assertThat(first.get(5, TimeUnit.SECONDS).isTerminate()).as("hold=1: the older request goes back").isFalse();
        assertThat(second).isNotDone();
        d.post(d.next("type='terminate'", ""));
        assertThat(second.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("XEP-0124 §12: empty requests faster than 'polling' on a polling session (hold=0) are a policy-violation")
    void xep0124_12_overactivePollingIsPolicyViolation() {
        BoshClient c = BoshClient.plain(server);
        Response created = c.create(10, 0, "");
        assertThat(created.attribute("hold")).isEqualTo("0");
        assertThat(created.attribute("requests")).isEqualTo("1");
        Response first = c.send("");
        assertThat(first.isTerminate()).as("hold=0: answered at once").isFalse();
        Response second = c.send("");
        assertThat(second.isTerminate()).isTrue();
        assertThat(second.attribute("condition")).isEqualTo("policy-violation");
    }

    @Test
    @DisplayName("XEP-0124 §10: pause answers every held request at once; a pause longer than maxpause is refused")
    void xep0124_10_pause() throws Exception {
        BoshClient c = BoshClient.plain(server);
        c.create(3, 1, "");
        CompletableFuture<Response> held = c.sendAsync("");
        Thread.sleep(200);
        Response paused = c.post(c.next("pause='8'", ""));
        assertThat(paused.isTerminate()).isFalse();
        assertThat(held.get(1, TimeUnit.SECONDS).isTerminate()).as("answered at once, not after wait").isFalse();
        Thread.sleep(5_000); // longer than the 3 s inactivity: the pause keeps the session
        Response resumed = c.send("");
        assertThat(resumed.isTerminate()).as(resumed.raw()).isFalse();

        BoshClient d = BoshClient.plain(server);
        d.create(20, 1, "");
        Response tooLong = d.post(d.next("pause='60'", ""));
        assertThat(tooLong.isTerminate()).isTrue();
        assertThat(tooLong.attribute("condition")).isEqualTo("policy-violation");
    }

    @Test
    @DisplayName("XEP-0124 §9: with ack='1' the creation response acknowledges its rid; an earlier request's"
            + " response names the latest rid")
    void xep0124_9_acknowledgements() throws Exception {
        BoshClient c = BoshClient.plain(server);
        long creationRid = c.rid;
        Response created = c.create(20, 1, "ack='1'");
        assertThat(created.attribute("ack")).isEqualTo(Long.toString(creationRid));
        CompletableFuture<Response> first = c.postAsync(c.next("ack='" + creationRid + "'", ""));
        Thread.sleep(2_100); // an empty request while one is held must respect 'polling' (§12)
        CompletableFuture<Response> second = c.postAsync(c.next("ack='" + creationRid + "'", ""));
        Response released = first.get(5, TimeUnit.SECONDS);
        assertThat(released.attribute("ack")).as("answering rid-1 while rid is in").isEqualTo(Long.toString(c.rid));
        c.post(c.next("type='terminate'", ""));
        assertThat(second.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    @DisplayName("Inactivity: a session with no request for 'inactivity' seconds ends; its user goes offline")
    void inactiveSessionEnds() {
        String user = account("bosh-idle-");
        String peer = "tcp-idle-" + UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient p = RawXmppClient.loggedIn(server, peer, "pw-" + peer, "tcp")) {
            p.send("<presence/>"); // available, so that it is told when the user goes (RFC 6121 §4.6.3)
            BoshClient c = loggedIn(user, "idle", 1);
            c.send("<presence xmlns='jabber:client'/>");
            c.send("<presence xmlns='jabber:client' to='" + peer + "@localhost/tcp'/>"); // directed (RFC 6121 §4.6)
            p.awaitContains("from='" + user + "@localhost/idle'", RawXmppClient.WAIT);
            // no more requests: after 3 s of inactivity the session ends like a dropped TCP connection
            p.awaitContains("type='unavailable'", Duration.ofSeconds(10));
            Response r = c.send("");
            assertThat(r.isTerminate()).isTrue();
            assertThat(r.attribute("condition")).isIn("item-not-found", "remote-connection-failed");
            assertThat(server.counter("xmpp_bosh_sessions_ended_total", "reason=\"inactivity\"")).isGreaterThan(0);
        }
    }

    // ---- bad input: the TCP rules, inside a terminal body ------------------------------------------------

    @Test
    @DisplayName("XEP-0124 §17.1: a request that is not a BOSH body gets HTTP 400 and bad-request")
    void notABodyIsBadRequest() {
        BoshClient c = BoshClient.plain(server);
        for (String junk : List.of("hello", "<stream xmlns='x'/>", "<body xmlns='" + HTTPBIND + "' rid='1'>",
                "{\"json\": true}")) {
            Response r = c.post(junk);
            assertThat(r.status()).as(junk).isEqualTo(400);
            assertThat(r.isTerminate()).isTrue();
            assertThat(r.attribute("condition")).isEqualTo("bad-request");
        }
        Response noRid = c.post("<body xmlns='" + HTTPBIND + "' to='localhost' wait='5' hold='1'/>");
        assertThat(noRid.attribute("condition")).isEqualTo("bad-request");
        Response unknown = c.post("<body xmlns='" + HTTPBIND + "' rid='5' sid='nope'/>");
        assertThat(unknown.attribute("condition")).as("XEP-0124 §17.2: unknown sid").isEqualTo("item-not-found");
    }

    @Test
    @DisplayName("RFC 6120 §4.9.3 via XEP-0206 §7: an oversize stanza, a DTD, bad XML end the session with"
            + " remote-stream-error and the stream error TCP would get")
    void streamRulesInsideBodies() {
        assertStreamError("<message xmlns='jabber:client'><body>" + "x".repeat(MAX_STANZA + 10) + "</body></message>",
                "policy-violation");
        assertStreamError("<message xmlns='jabber:client'><body>a</body><bad></message>", "not-well-formed");
        BoshClient c = BoshClient.plain(server);
        c.create(5, 1, "");
        Response dtd = c.post("<!DOCTYPE body [<!ENTITY x 'y'>]>" + c.next("", ""));
        assertThat(dtd.status()).as("a DTD before the body: not a BOSH body").isEqualTo(400);
        BoshClient e = BoshClient.plain(server);
        e.create(5, 1, "");
        Response tooBig = e.post(e.next("", "<message xmlns='jabber:client'><body>" + "y".repeat(5 * MAX_STANZA)
                + "</body></message>"));
        assertThat(tooBig.isTerminate()).isTrue();
        assertThat(tooBig.raw()).contains("policy-violation");
    }

    private static void assertStreamError(String children, String condition) {
        BoshClient c = BoshClient.plain(server);
        c.create(5, 1, "");
        Response r = c.send(children);
        assertThat(r.isTerminate()).as(r.raw()).isTrue();
        assertThat(r.attribute("condition")).isEqualTo("remote-stream-error");
        Element error = r.children().get(r.children().size() - 1);
        assertThat(error.getNamespaceURI()).isEqualTo(STREAMS);
        assertThat(error.getLocalName()).isEqualTo("error");
        assertThat(error.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-streams", condition).getLength())
                .as(r.raw()).isEqualTo(1);
    }

    @Test
    @DisplayName("XEP-0206 §5: a restart before SASL success, or stanzas after it without the restart, are bad-request")
    void restartRules() {
        BoshClient early = BoshClient.plain(server);
        early.create(5, 1, "");
        Response restart = early.post(early.next("xmpp:restart='true'", ""));
        assertThat(restart.isTerminate()).as("a restart before SASL success").isTrue();
        assertThat(restart.attribute("condition")).isEqualTo("bad-request");

        String user = account("bosh-norestart-");
        BoshClient late = BoshClient.plain(server);
        late.create(5, 1, "");
        late.authenticate(user, "pw-" + user);
        Response r = late.send("<iq xmlns='jabber:client' type='get' id='x'><ping xmlns='urn:xmpp:ping'/></iq>");
        assertThat(r.isTerminate()).isTrue();
        assertThat(r.attribute("condition")).isEqualTo("bad-request");
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------

    @Test
    @DisplayName("HTTP: only POST (and CORS preflight); pages from other origins get 403")
    void httpMethodsAndOrigins() {
        BoshClient c = BoshClient.plain(server);
        HttpResponse<String> get = c.request(HttpRequest.newBuilder().GET());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        HttpResponse<String> preflight = c.request(HttpRequest.newBuilder()
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ALLOWED_ORIGIN)
                .header("Access-Control-Request-Method", "POST"));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        HttpResponse<String> evil = c.request(HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString("<body xmlns='" + HTTPBIND + "'/>"))
                .header("Origin", "https://evil.example"));
        assertThat(evil.statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = c.request(HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString("<body xmlns='" + HTTPBIND + "' rid='7' to='localhost'"
                        + " wait='5' hold='1' xmlns:xmpp='" + XBOSH + "' xmpp:version='1.0'/>"))
                .header("Origin", ALLOWED_ORIGIN));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(allowed.headers().firstValue("Content-Type").orElse("")).startsWith("text/xml");
        assertThat(server.counter("xmpp_http_requests_total", "endpoint=\"bosh\"", "status=\"405\"")).isGreaterThan(0);
    }
}
