package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0198 over WebSocket (RFC 7395 §3.10 leaves it to the XEP): the same session object as on
 * TCP, so acks, resumption with replay, and even resuming a WebSocket session over TCP (or the
 * reverse) work, since the queued stanzas are framed by whichever transport carries them.
 */
class WebSocketStreamManagementTest {
    static final String SM = "urn:xmpp:sm:3";
    static final Duration WAIT = WsClient.WAIT;
    static TestServer server;

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

    static String account(String prefix) {
        String user = prefix + UUID.randomUUID().toString().substring(0, 8);
        RawXmppClient.registerAccount(server, user, "pw-" + user);
        return user;
    }

    static String enable(WsClient c) {
        c.send("<enable xmlns='" + SM + "' resume='true'/>");
        return c.nextContaining("<enabled");
    }

    static String attr(String xml, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=['\"]([^'\"]*)['\"]").matcher(xml);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + xml);
        }
        return m.group(1);
    }

    static String chat(String to, String body) {
        return "<message xmlns='jabber:client' type='chat' to='" + to + "' id='" + body + "'><body>" + body
                + "</body></message>";
    }

    static List<String> bodies(List<String> messages) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<body>([^<]*)</body>").matcher(String.join("", messages));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    void awaitDetached(double count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.counter("xmpp_sm_sessions_detached") < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no detached XEP-0198 session");
            }
            Thread.sleep(20);
        }
    }

    @Test
    @DisplayName("XEP-0198 §3, §4 over WebSocket: <enable/> and <enabled/>, <r/> and <a h/> are messages of"
            + " their own with their namespace")
    void xep0198_enableAndAcks() {
        String alice = account("smack");
        try (WsClient c = WsClient.loggedIn(server, alice, "pw-" + alice, "web")) {
            String enabled = enable(c);
            assertThat(WsClient.parseStandalone(enabled).getDocumentElement().getNamespaceURI()).isEqualTo(SM);
            assertThat(attr(enabled, "resume")).isEqualTo("true");
            c.send("<iq xmlns='jabber:client' type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
            c.nextContaining("id='p1'");
            c.send("<r xmlns='" + SM + "'/>");
            assertThat(attr(c.nextContaining("<a "), "h")).isEqualTo("1");
        }
    }

    @Test
    @DisplayName("XEP-0198 §5 over WebSocket: a lost WebSocket is resumed on a new one, with the unacknowledged"
            + " and the queued stanzas replayed in order")
    void xep0198_resumeWebSocketOnWebSocket() throws Exception {
        String alice = account("wsres");
        String bob = account("wsbob");
        String aliceFull = alice + "@localhost/web";
        double detached = server.counter("xmpp_sm_sessions_detached");
        try (WsClient b = WsClient.loggedIn(server, bob, "pw-" + bob, "desk")) {
            WsClient a = WsClient.loggedIn(server, alice, "pw-" + alice, "web");
            String id = attr(enable(a), "id");
            b.send(chat(aliceFull, "m1"));
            b.send(chat(aliceFull, "m2"));
            a.nextContaining("<body>m2</body>");
            a.send("<a xmlns='" + SM + "' h='1'/>"); // m1 acknowledged, m2 not
            a.abort(); // the network goes: no <close/>
            awaitDetached(detached + 1);
            b.send(chat(aliceFull, "m3"));

            try (WsClient again = WsClient.connect(server, alice + "-again")) {
                again.open();
                again.authPlain(alice, "pw-" + alice);
                again.open();
                again.send("<resume xmlns='" + SM + "' previd='" + id + "' h='1'/>");
                String resumed = again.nextContaining("<resumed");
                assertThat(attr(resumed, "previd")).isEqualTo(id);
                again.nextContaining("<body>m3</body>");
                assertThat(bodies(again.received())).containsExactly("m2", "m3");
                again.send(chat(bob + "@localhost/desk", "after"));
                assertThat(b.nextContaining("<body>after</body>")).contains("from='" + aliceFull + "'");
            } finally {
                a.close();
            }
        }
    }

    @Test
    @DisplayName("XEP-0198 §5 across transports: a WebSocket session resumed over TCP, then that session resumed"
            + " over WebSocket again")
    void xep0198_resumeAcrossTransports() throws Exception {
        String alice = account("cross");
        String bob = account("crossbob");
        String aliceFull = alice + "@localhost/web";
        try (WsClient b = WsClient.loggedIn(server, bob, "pw-" + bob, "desk")) {
            WsClient a = WsClient.loggedIn(server, alice, "pw-" + alice, "web");
            String id = attr(enable(a), "id");
            double detached = server.counter("xmpp_sm_sessions_detached");
            a.abort();
            awaitDetached(detached + 1);
            b.send(chat(aliceFull, "queued-while-away"));

            RawXmppClient tcp = RawXmppClient.connect(server, alice + "-tcp");
            try {
                tcp.openStream();
                tcp.startTls();
                tcp.authPlain(alice, "pw-" + alice);
                tcp.awaitContains("<success", WAIT);
                tcp.openStream();
                tcp.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>");
                tcp.awaitContains("<resumed", WAIT);
                // Framed for TCP now: the stanza inherits jabber:client from the stream header.
                tcp.awaitContains("<body>queued-while-away</body>", WAIT);
                detached = server.counter("xmpp_sm_sessions_detached");
            } finally {
                tcp.close(); // lost again, from TCP this time
            }
            awaitDetached(detached + 1);
            b.send(chat(aliceFull, "second-outage"));

            try (WsClient back = WsClient.connect(server, alice + "-back")) {
                back.open();
                back.authPlain(alice, "pw-" + alice);
                back.open();
                back.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>");
                back.nextContaining("<resumed");
                String replayed = back.nextContaining("<body>second-outage</body>");
                // Framed for WebSocket again: a standalone document in jabber:client.
                assertThat(WsClient.parseStandalone(replayed).getDocumentElement().getNamespaceURI())
                        .isEqualTo("jabber:client");
                assertThat(bodies(back.received())).containsExactly("queued-while-away", "second-outage");
            } finally {
                a.close();
            }
        }
    }

    @Test
    @DisplayName("XEP-0198 §7 + RFC 7395 §3.6: a clean <close/> ends the session; it cannot be resumed")
    void xep0198_cleanCloseEndsTheSession() {
        String alice = account("clean");
        String id;
        try (WsClient a = WsClient.loggedIn(server, alice, "pw-" + alice, "web")) {
            id = attr(enable(a), "id");
            a.send(WsClient.CLOSE);
            a.nextContaining("<close");
        }
        try (WsClient again = WsClient.connect(server, alice + "-again")) {
            again.open();
            again.authPlain(alice, "pw-" + alice);
            again.open();
            again.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>");
            assertThat(again.nextContaining("<failed")).contains("item-not-found");
        }
    }
}
