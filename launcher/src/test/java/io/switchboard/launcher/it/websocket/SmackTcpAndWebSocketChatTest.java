package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two independent client stacks on two transports: Smack 4.4.8 over TCP (STARTTLS) and Smack
 * 4.5's WebSocket client (RFC 7395, wss://) subscribe to each other, see each other's presence
 * come and go, and chat both ways. Nothing in the cluster can tell which transport a user is on.
 */
class SmackTcpAndWebSocketChatTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    static TestServer server;

    @BeforeAll
    static void start() {
        ReconnectionManager.setEnabledPerDefault(false);
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("RFC 7395 + RFC 6121 §3, §4, §5: Smack over TCP and Smack over WebSocket subscribe, see each"
            + " other's presence, chat both ways, and the WebSocket user's departure is seen over TCP")
    void tcpAndWebSocketClientsChatAndSeeEachOthersPresence() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String alice = "tcpalice" + suffix;
        String bob = "wsbob" + suffix;
        RawXmppClient.registerAccount(server, alice, "pw-" + alice);
        RawXmppClient.registerAccount(server, bob, "pw-" + bob);
        String bobFull = bob + "@localhost/browser";
        double wsStreams = server.counter("xmpp_connections_accepted_total", "transport=\"websocket\"");

        XMPPTCPConnection tcp = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(TestServer.DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(ServerTrust.trustManager(server.dataDir()))
                .setConnectTimeout((int) WAIT.toMillis())
                .build());
        tcp.setReplyTimeout(WAIT.toMillis());
        Roster roster = Roster.getInstanceFor(tcp);
        roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        StanzaCollector bobsPresence = tcp.createStanzaCollector(s -> s instanceof Presence
                && bobFull.equals(String.valueOf(s.getFrom())));
        StanzaCollector bobsMessages = tcp.createStanzaCollector(s -> s instanceof Message m && m.getBody() != null);
        try (SmackWebSocketPeerProcess ws = SmackWebSocketPeerProcess.login(server, bob, "pw-" + bob, "browser")) {
            tcp.connect();
            tcp.login(alice, "pw-" + alice, Resourcepart.from("desk"));
            String aliceFull = tcp.getUser().toString();
            assertThat(ws.describe()).contains("READY " + bobFull + " secure=true");
            assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"websocket\""))
                    .as("bob's stream is a WebSocket one").isEqualTo(wsStreams + 1);

            // RFC 6121 §3.1: each asks the other; each client approves automatically.
            roster.createItemAndRequestSubscription(JidCreate.bareFrom(bob + "@localhost"), bob, null);
            ws.command("SUBSCRIBE " + alice + "@localhost");
            ws.await(line -> line.startsWith("SUBSCRIBED "), WAIT);

            // RFC 6121 §4.2 / §3.1.5: with the subscription in place, each side gets the other's presence.
            Presence seenOverTcp = bobsPresence.nextResult(WAIT.toMillis());
            assertThat(seenOverTcp).as("alice (TCP) sees bob (WebSocket) available").isNotNull();
            assertThat(seenOverTcp.getType()).isEqualTo(Presence.Type.available);
            ws.await(line -> line.equals("PRESENCE " + aliceFull + " available"), WAIT);

            // RFC 6121 §5: chat both ways, 'from' stamped with the sender's full JID.
            tcp.sendStanza(tcp.getStanzaFactory().buildMessageStanza().to(JidCreate.from(bobFull))
                    .ofType(Message.Type.chat).setBody("hello from tcp").build());
            ws.await(line -> line.equals("MESSAGE " + aliceFull + " hello from tcp"), WAIT);
            ws.command("SEND " + aliceFull + " hello from a browser");
            Message fromWs = bobsMessages.nextResult(WAIT.toMillis());
            assertThat(fromWs).as("alice receives bob's WebSocket message").isNotNull();
            assertThat(fromWs.getBody()).isEqualTo("hello from a browser");
            assertThat(String.valueOf(fromWs.getFrom())).isEqualTo(bobFull);
            assertThat(server.counter("xmpp_stanzas_in_total", "transport=\"websocket\"", "kind=\"message\""))
                    .isGreaterThanOrEqualTo(1);

            // RFC 6121 §4.5.2 / RFC 7395 §3.6: bob closes his stream; alice sees him go.
            ws.command("QUIT");
            ws.await(line -> line.equals("BYE"), WAIT);
            Presence gone = bobsPresence.nextResult(WAIT.toMillis());
            while (gone != null && gone.getType() == Presence.Type.available) {
                gone = bobsPresence.nextResult(WAIT.toMillis());
            }
            assertThat(gone).as("alice sees bob unavailable").isNotNull();
            assertThat(gone.getType()).isEqualTo(Presence.Type.unavailable);
        } finally {
            bobsPresence.cancel();
            bobsMessages.cancel();
            tcp.disconnect();
        }
    }
}
