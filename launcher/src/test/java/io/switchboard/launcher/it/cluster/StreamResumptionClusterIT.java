package io.switchboard.launcher.it.cluster;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.parts.Resourcepart;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.switchboard.launcher.it.cluster.ClusterClients.TIMEOUT_MS;
import static io.switchboard.launcher.it.cluster.ClusterClients.await;
import static io.switchboard.launcher.it.cluster.ClusterClients.chat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0198 stream resumption on a cluster of separate processes (2 connectors, a router, a presence
 * service), with Smack clients behind a relay that plays the load balancer: the client's network
 * path dies (no {@code </stream:stream>}), it reconnects — to the same connector, or to the other
 * one — and resumes (§5). Every message sent to it before, during and after the outage arrives
 * exactly once and in order, its contact never sees it go offline, and the resumed session routes
 * and ends like any other.
 */
class StreamResumptionClusterIT {
    private static ProcessCluster cluster;
    private static ClusterClients clients;

    @BeforeAll
    static void startCluster() {
        cluster = ProcessCluster.start(2, 1, 1);
        clients = new ClusterClients(cluster);
    }

    @AfterAll
    static void stopCluster() {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @DisplayName("XEP-0198 §5: a client whose connection died resumes on the same connector node")
    void resumesOnTheSameConnector() throws Exception {
        resumeThroughProxy("same", 0, 0, "same-node");
    }

    @Test
    @DisplayName("XEP-0198 §5: a client whose connection died resumes on the other connector node; the unacknowledged"
            + " and the queued stanzas are handed over, nothing is lost or duplicated")
    void resumesOnAnotherConnector() throws Exception {
        resumeThroughProxy("other", 0, 1, "other-node");
    }

    private void resumeThroughProxy(String tag, int firstConnector, int secondConnector, String where)
            throws Exception {
        String alice = "sm-" + tag + "-a-" + UUID.randomUUID().toString().substring(0, 6);
        String bob = "sm-" + tag + "-b-" + UUID.randomUUID().toString().substring(0, 6);
        clients.register(0, alice, "pw-" + alice);
        clients.register(1, bob, "pw-" + bob);
        try (SwitchingProxy proxy = new SwitchingProxy(cluster.c2sPort(firstConnector))) {
            XMPPTCPConnection a = clients.connect(clients.config(0).setPort(proxy.port()).setSendPresence(true));
            a.setUseStreamManagement(true);
            a.setUseStreamManagementResumption(true);
            a.login(alice, "pw-" + alice, Resourcepart.from("phone"));
            XMPPTCPConnection b = clients.login(1, bob, "pw-" + bob, "desk");
            assertThat(a.isSmEnabled()).as("XEP-0198 §3 enabled").isTrue();
            assertThat(a.isSmResumptionPossible()).isTrue();
            ClusterClients.subscribe(b, a);
            EntityFullJid aliceFull = a.getUser();
            List<Presence.Type> bobSawOfAlice = new CopyOnWriteArrayList<>();
            b.addSyncStanzaListener(s -> bobSawOfAlice.add(((Presence) s).getType()),
                    s -> s instanceof Presence p && aliceFull.equals(p.getFrom()));
            List<String> received = new CopyOnWriteArrayList<>();
            a.addSyncStanzaListener(s -> received.add(((Message) s).getBody()),
                    s -> s instanceof Message m && m.getBody() != null);

            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                send(b, aliceFull, tag + "-before-" + i, sent);
            }
            await("alice got the first messages", TIMEOUT_MS, () -> received.size() == 20);

            double detachedBefore = cluster.sum("xmpp_sm_sessions_detached");
            proxy.cutAll(); // the network path dies: Smack and the server each see a reset
            await("the connector noticed the outage", TIMEOUT_MS,
                    () -> cluster.sum("xmpp_sm_sessions_detached") >= detachedBefore + 1);
            for (int i = 0; i < 30; i++) {
                send(b, aliceFull, tag + "-during-" + i, sent); // queued on the connector holding the session
            }
            proxy.switchTo(cluster.c2sPort(secondConnector));
            double resumedBefore = resumed(where);
            awaitDisconnected(a);
            a.connect().login(); // Smack resumes (§5) instead of binding
            assertThat(a.streamWasResumed()).as("the stream was resumed").isTrue();
            assertThat((Object) a.getUser()).isEqualTo(aliceFull);
            await("xmpp_sm_resumed_total{node=" + where + "}", TIMEOUT_MS, () -> resumed(where) == resumedBefore + 1);
            for (int i = 0; i < 20; i++) {
                send(b, aliceFull, tag + "-after-" + i, sent); // routed to wherever the session is now
            }
            await("every message arrived (" + received.size() + " of " + sent.size() + ")", TIMEOUT_MS,
                    () -> received.size() >= sent.size());
            // A duplicate would arrive right behind the last one: a round trip through the server
            // after it proves the stream is drained.
            a.sendIqRequestAndWaitForResponse(new org.jivesoftware.smackx.ping.packet.Ping(
                    org.jxmpp.jid.impl.JidCreate.domainBareFrom(ClusterClients.DOMAIN)));
            assertThat(received).as("exactly once, in order").containsExactlyElementsOf(sent);

            // The resumed session sends and routes like any other.
            StanzaCollector atBob = ClusterClients.bodies(b);
            try {
                a.sendStanza(chat(a, b.getUser(), tag + "-reply"));
                Message reply = atBob.nextResult(TIMEOUT_MS);
                assertThat(reply).as("bob got alice's reply").isNotNull();
                assertThat(reply.getBody()).isEqualTo(tag + "-reply");
            } finally {
                atBob.cancel();
            }
            assertThat(bobSawOfAlice).as("bob never saw alice go offline while she resumed")
                    .doesNotContain(Presence.Type.unavailable);

            // Ending the resumed session cleanly tells the contacts (RFC 6121 §4.5.2), from whichever node holds it.
            a.disconnect();
            await("bob saw alice go offline", TIMEOUT_MS, () -> bobSawOfAlice.contains(Presence.Type.unavailable));
        }
    }

    private static double resumed(String where) {
        return cluster.sum("xmpp_sm_resumed_total", "node=\"" + where + "\"");
    }

    private static void send(XMPPTCPConnection from, EntityFullJid to, String body, List<String> sent)
            throws Exception {
        from.sendStanza(chat(from, to, body));
        sent.add(body);
    }

    /** Smack notices the reset on its reader thread; resuming needs the old connection to be down. */
    private static void awaitDisconnected(XMPPTCPConnection connection) throws InterruptedException {
        await("the client noticed the outage", TIMEOUT_MS, () -> !connection.isConnected());
    }
}
