package io.switchboard.launcher.it.sm;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.smack.ScramSha256Mechanism;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0198 with a real client library: Smack 4.4 enables stream management with resumption, its
 * socket is killed (no {@code </stream:stream>}), it reconnects and resumes (§5); every message
 * sent to it before, during and after the outage arrives exactly once, in order.
 */
class SmackStreamManagementIT {
    static final long TIMEOUT_MS = 10_000;
    static TestServer server;

    static {
        ScramSha256Mechanism.register();
        ReconnectionManager.setEnabledPerDefault(false);
        Roster.setRosterLoadedAtLoginDefault(false);
        SmackConfiguration.setDefaultReplyTimeout((int) TIMEOUT_MS);
    }

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

    static XMPPTCPConnectionConfiguration config() throws Exception {
        return XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(TestServer.DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(ServerTrust.trustManager(server.dataDir()))
                .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                .setConnectTimeout((int) TIMEOUT_MS)
                .build();
    }

    static XMPPTCPConnection login(String user, String resource, boolean sm) throws Exception {
        XMPPTCPConnection registration = new XMPPTCPConnection(config());
        registration.connect();
        AccountManager accounts = AccountManager.getInstance(registration);
        accounts.sensitiveOperationOverInsecureConnection(false);
        accounts.createAccount(Localpart.from(user), "pw-" + user);
        registration.disconnect();
        XMPPTCPConnection conn = new XMPPTCPConnection(config());
        conn.setUseStreamManagement(sm);
        conn.setUseStreamManagementResumption(sm);
        conn.setReplyTimeout(TIMEOUT_MS);
        conn.connect().login(user, "pw-" + user, Resourcepart.from(resource));
        return conn;
    }

    @Test
    void killedSocketResumesWithNothingLostOrDuplicated() throws Exception {
        String alice = "smack-sm-a-" + UUID.randomUUID().toString().substring(0, 6);
        String bob = "smack-sm-b-" + UUID.randomUUID().toString().substring(0, 6);
        XMPPTCPConnection a = login(alice, "phone", true);
        XMPPTCPConnection b = login(bob, "desk", false);
        try {
            assertThat(a.isSmEnabled()).as("XEP-0198 §3 enabled").isTrue();
            assertThat(a.isSmResumptionPossible()).isTrue();
            Jid aliceFull = a.getUser();
            List<String> received = new CopyOnWriteArrayList<>();
            a.addSyncStanzaListener(s -> received.add(((Message) s).getBody()),
                    s -> s instanceof Message m && m.getBody() != null);
            List<String> sent = new ArrayList<>();
            for (int i = 1; i <= 7; i++) {
                send(b, aliceFull, "before-" + i, sent);
            }
            await("alice got the first messages", () -> received.size() == 7);

            a.instantShutdown(); // the socket dies: no </stream:stream>, the session stays resumable
            await("server noticed the outage", () -> server.counter("xmpp_sm_sessions_detached") >= 1);
            for (int i = 1; i <= 6; i++) {
                send(b, aliceFull, "during-" + i, sent);
            }

            double resumedBefore = server.counter("xmpp_sm_resumed_total");
            a.connect().login(); // Smack resumes (XEP-0198 §5) instead of binding
            assertThat(a.streamWasResumed()).as("the stream was resumed").isTrue();
            await("xmpp_sm_resumed_total counted", () -> server.counter("xmpp_sm_resumed_total") == resumedBefore + 1);
            assertThat((Object) a.getUser()).isEqualTo(aliceFull);
            for (int i = 1; i <= 4; i++) {
                send(b, aliceFull, "after-" + i, sent);
            }
            await("every message arrived", () -> received.size() >= sent.size());
            Thread.sleep(300); // a duplicate would arrive right behind
            assertThat(received).as("exactly once, in order").containsExactlyElementsOf(sent);

            // Alice's side of the resumed session routes too.
            List<String> atBob = new CopyOnWriteArrayList<>();
            b.addSyncStanzaListener(s -> atBob.add(((Message) s).getBody()),
                    s -> s instanceof Message m && m.getBody() != null);
            a.sendStanza(a.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat).to(b.getUser())
                    .setBody("back").build());
            await("bob got alice's reply", () -> atBob.contains("back"));
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    private static void send(XMPPTCPConnection from, Jid to, String body, List<String> sent) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat).to(to).setBody(body)
                .build());
        sent.add(body);
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
