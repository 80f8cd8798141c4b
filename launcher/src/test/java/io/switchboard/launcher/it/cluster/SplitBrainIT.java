package io.switchboard.launcher.it.cluster;

import io.switchboard.launcher.cluster.NodeProcess;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.launcher.it.cluster.ClusterClients.TIMEOUT_MS;
import static io.switchboard.launcher.it.cluster.ClusterClients.await;
import static io.switchboard.launcher.it.cluster.ClusterClients.bodies;
import static io.switchboard.launcher.it.cluster.ClusterClients.chat;
import static io.switchboard.launcher.it.cluster.ClusterClients.chatBothWays;
import static io.switchboard.launcher.it.cluster.ClusterClients.presence;
import static io.switchboard.launcher.it.cluster.ClusterClients.receive;
import static io.switchboard.launcher.it.cluster.ClusterClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network split that heals, on a cluster of separate processes ({@link ProcessCluster}: 2
 * connectors, 1 router, 1 presence service). The split is a connector frozen with SIGSTOP for
 * longer than the failure-detection timeout: the others stop getting its heartbeats and drop it
 * (Hazelcast {@code hazelcast.max.no.heartbeat.seconds}), and when it runs again (SIGCONT) it is
 * a cluster of its own, which Hazelcast's split-brain handler finds within the merge delay
 * ({@code hazelcast.merge.next.run.delay.seconds}) and merges into the larger one: the smaller
 * side by member count merges, its data goes through each structure's merge policy, and it fires
 * {@code LifecycleEvent MERGED} (https://docs.hazelcast.com/hazelcast/5.5/network-partitioning/split-brain-recovery).
 * A frozen process is also the harsher case: unlike a cut cable, its event-bus connections to the
 * others still work when it thaws.
 *
 * <p>The larger side's view of sessions must win: alice, who logged in again on the other
 * connector while hers was cut off, keeps exactly that one session; the old one is closed with a
 * stream error and nobody is told she went offline again; carol, who did not come back, does not
 * reappear in the directory.
 */
class SplitBrainIT {
    /**
     * Short, so the split happens fast (heartbeats go out every second), but not shorter than in
     * ConnectorFailureIT: with 3 s a busy 2-core CI machine dropped healthy members too.
     */
    static final Duration FAILURE_DETECTION = Duration.ofSeconds(6);
    static final Duration MERGE_DELAY = Duration.ofSeconds(2);
    private static final int C1 = 0;
    private static final int C2 = 1;
    private static final String CONNECTOR_1 = "connector-1";

    private static ProcessCluster cluster;
    private ClusterClients clients;

    @BeforeAll
    static void startCluster() {
        cluster = ProcessCluster.start(2, 1, 1, Map.of(
                "SWITCHBOARD_CLUSTER_FAILURE_DETECTION_TIMEOUT", FAILURE_DETECTION.toSeconds() + "s",
                "SWITCHBOARD_CLUSTER_MERGE_DELAY", MERGE_DELAY.toSeconds() + "s"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close(); // thaws connector-1 first if the test left it frozen
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void clients() {
        clients = new ClusterClients(cluster);
    }

    @AfterEach
    void disconnectClients() {
        clients.close();
    }

    @Test
    @DisplayName("A connector cut off and merged back: the larger side's sessions win, the merged connector's"
            + " clients get <reset/>, no ghost or duplicate session, nobody is told twice, chat goes on")
    void splitHeals() throws Exception {
        clients.register(C1, "sb-alice", "alice-pw");
        clients.register(C2, "sb-bob", "bob-pw");
        clients.register(C1, "sb-carol", "carol-pw");
        XMPPTCPConnection alice = clients.login(C1, "sb-alice", "alice-pw", "desk");
        XMPPTCPConnection carol = clients.login(C1, "sb-carol", "carol-pw", "laptop");
        XMPPTCPConnection bob = clients.login(C2, "sb-bob", "bob-pw", "phone");
        subscribe(bob, alice);
        subscribe(alice, bob);
        CompletableFuture<Exception> aliceClosed = closed(alice);
        CompletableFuture<Exception> carolClosed = closed(carol);
        double mergesBefore = merges();

        // ---- the split ----
        StanzaCollector aliceGone = bob.createStanzaCollector(presence(alice.getUser(), Presence.Type.unavailable));
        long frozenAt = System.nanoTime();
        cluster.freeze(CONNECTOR_1);
        Presence unavailable = aliceGone.nextResult(FAILURE_DETECTION.plusSeconds(20).toMillis());
        aliceGone.cancel();
        assertThat(unavailable).as("bob learnt that alice (on the cut-off connector) is offline").isNotNull();
        double splitSeconds = (System.nanoTime() - frozenAt) / 1e9;
        cluster.awaitMembers(3, Duration.ofSeconds(20));

        // alice's client logs in again on the other connector, with the same resource.
        XMPPTCPConnection aliceAgain = clients.login(C2, "sb-alice", "alice-pw", "desk");
        assertThat((Object) aliceAgain.getUser()).isEqualTo(alice.getUser());
        chatBothWays(aliceAgain, bob, "during-split", 3);

        // ---- the merge ----
        StanzaCollector aliceGoneAgain = bob.createStanzaCollector(
                presence(alice.getUser(), Presence.Type.unavailable));
        StanzaCollector bobGone = aliceAgain.createStanzaCollector(presence(bob.getUser(), Presence.Type.unavailable));
        double ignoredBefore = routerIgnoredPresence();
        long thawedAt = System.nanoTime();
        cluster.thaw(CONNECTOR_1);
        await("connector-1 merged into the larger cluster", 90_000, () -> merges() > mergesBefore);
        double mergeSeconds = (System.nanoTime() - thawedAt) / 1e9;
        cluster.awaitMembers(4, Duration.ofSeconds(30));

        // The merged connector's clients: their sessions are gone from the cluster, so they are told.
        assertResetError(aliceClosed, "alice's old connection");
        assertResetError(carolClosed, "carol's connection");
        // The old session's final unavailable reaches the router, which drops it because
        // alice/desk is bound to the new session: wait until it did, then nothing may have
        // reached bob (or alice about bob, from the thawed connector's stale view).
        await("the router dropped the old session's unavailable", TIMEOUT_MS,
                () -> routerIgnoredPresence() > ignoredBefore);
        assertThat((Presence) aliceGoneAgain.pollResult()).as("bob is not told alice went offline again").isNull();
        assertThat((Presence) bobGone.pollResult()).as("alice is not told bob went offline").isNull();
        aliceGoneAgain.cancel();
        bobGone.cancel();
        // alice (new session) and bob: carol's entry did not come back with the merge.
        assertThat(cluster.node("router-1").metric("xmpp_session_directory_size").orElse(-1))
                .as("users in the directory after the merge").isEqualTo(2.0);

        // alice/desk resolves to exactly one session, the new one: every message arrives there
        // once, in order, none before the last one (a second session would get copies elsewhere;
        // the old connection is closed).
        StanzaCollector atAlice = bodies(aliceAgain);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            bob.sendStanza(chat(bob, aliceAgain.getUser(), "full-" + i));
            sent.add("full-" + i);
            bob.sendStanza(chat(bob, aliceAgain.getUser().asEntityBareJid(), "bare-" + i));
            sent.add("bare-" + i);
        }
        bob.sendStanza(chat(bob, aliceAgain.getUser(), "last"));
        sent.add("last");
        assertThat(receive(atAlice, sent.size())).containsExactlyElementsOf(sent);
        atAlice.cancel();

        // Chat goes on between the connectors, on the merged one too (its event-bus consumers
        // and routing are back); carol takes her old resource again there.
        XMPPTCPConnection carolAgain = clients.login(C1, "sb-carol", "carol-pw", "laptop");
        chatBothWays(carolAgain, bob, "after-merge", 5);
        chatBothWays(carolAgain, aliceAgain, "after-merge", 5);
        for (NodeProcess n : cluster.nodes()) {
            assertThat(n.healthy()).as("%s healthy", n).isTrue();
        }
        System.out.printf("[split-brain] split noticed by bob %.1f s after SIGSTOP; merged %.1f s after SIGCONT;"
                        + " stale departure notices dropped: %.0f%n", splitSeconds, mergeSeconds,
                cluster.sum("xmpp_presence_stale_departures_total"));
    }

    private static CompletableFuture<Exception> closed(XMPPTCPConnection connection) {
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        connection.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closed.complete(e);
            }

            @Override
            public void connectionClosed() {
                closed.complete(null);
            }
        });
        return closed;
    }

    private static void assertResetError(CompletableFuture<Exception> closed, String what) throws Exception {
        Exception error = closed.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(error).as("%s ended with a stream error", what).isInstanceOf(XMPPException.StreamErrorException.class);
        assertThat(((XMPPException.StreamErrorException) error).getStreamError().getCondition()).as(what)
                .isEqualTo(StreamError.Condition.reset);
    }

    /** Merges of connector-1 into a larger cluster, as it counts them (0 while it does not answer). */
    private static double merges() {
        return cluster.node(CONNECTOR_1).metric("xmpp_cluster_merges_total", "outcome=\"merged\"").orElse(0);
    }

    private static double routerIgnoredPresence() {
        return cluster.node("router-1").metric("xmpp_router_stanzas_total", "kind=\"presence\"",
                "outcome=\"ignored\"").orElse(0);
    }
}
