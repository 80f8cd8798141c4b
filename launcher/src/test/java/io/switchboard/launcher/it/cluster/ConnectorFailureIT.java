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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.launcher.it.cluster.ClusterClients.TIMEOUT_MS;
import static io.switchboard.launcher.it.cluster.ClusterClients.await;
import static io.switchboard.launcher.it.cluster.ClusterClients.chatBothWays;
import static io.switchboard.launcher.it.cluster.ClusterClients.presence;
import static io.switchboard.launcher.it.cluster.ClusterClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connector failures on a cluster of separate processes ({@link ProcessCluster}: 2 connectors,
 * 2 routers, 1 presence service) with a short {@code cluster.failure-detection-timeout}: a
 * connector crashed with SIGKILL, the same connector started again, and a connector stopped
 * cleanly with SIGTERM. The tests run in order on one cluster; each uses its own users.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorFailureIT {
    /** The configured failure-detection timeout (Hazelcast max-no-heartbeat) of every node. */
    static final Duration FAILURE_DETECTION = Duration.ofSeconds(6);
    /** Cleanup after detection: one directory query, an entry processor per user, the presence fan-out. */
    static final Duration CLEANUP_SLACK = Duration.ofSeconds(8);
    private static final int A = 0;
    private static final int B = 1;
    private static final String CONNECTOR_B = "connector-2";

    private static ProcessCluster cluster;
    private ClusterClients clients;

    @BeforeAll
    static void startCluster() {
        cluster = ProcessCluster.start(2, 2, 1, Map.of("SWITCHBOARD_CLUSTER_FAILURE_DETECTION_TIMEOUT",
                FAILURE_DETECTION.toSeconds() + "s"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
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
    @Order(1)
    @DisplayName("A connector killed with SIGKILL: its sessions leave the directory within the configured time,"
            + " contacts get unavailable, its clients log in again on the other connector at once, nothing else stops")
    void killedConnector() throws Exception {
        clients.register(A, "cf-alice", "alice-pw");
        clients.register(B, "cf-bob", "bob-pw");
        clients.register(B, "cf-gina", "gina-pw");
        XMPPTCPConnection alice = clients.login(A, "cf-alice", "alice-pw", "desk");
        XMPPTCPConnection bob = clients.login(B, "cf-bob", "bob-pw", "phone");
        XMPPTCPConnection gina = clients.login(B, "cf-gina", "gina-pw", "laptop");
        subscribe(alice, bob);
        subscribe(alice, gina);
        double users = directorySize();

        StanzaCollector bobGone = alice.createStanzaCollector(presence(bob.getUser(), Presence.Type.unavailable));
        StanzaCollector ginaGone = alice.createStanzaCollector(presence(gina.getUser(), Presence.Type.unavailable));
        long killedAt = System.nanoTime();
        cluster.kill(CONNECTOR_B);

        // bob's client logs in again on connector A at once, with the same resource, without
        // waiting for the cluster to notice that connector B is gone.
        XMPPTCPConnection bobAgain = clients.login(A, "cf-bob", "bob-pw", "phone");
        double reloginSeconds = (System.nanoTime() - killedAt) / 1e9;
        assertThat(bobAgain.isAuthenticated()).isTrue();

        // gina does not come back: her session must leave the directory and alice must learn she
        // is offline within the configured failure-detection time (plus the cleanup).
        Duration bound = FAILURE_DETECTION.plus(CLEANUP_SLACK);
        Presence ginaUnavailable = ginaGone.nextResult(bound.toMillis());
        double unavailableSeconds = (System.nanoTime() - killedAt) / 1e9;
        assertThat(ginaUnavailable).as("alice learnt within %s that gina (on the killed connector) is offline", bound)
                .isNotNull();
        // bob's full JID is bound again (on A), so it is not reported unavailable: no assertion on bobGone.
        bobGone.cancel();
        await("gina's session left the directory (users " + users + " -> " + (users - 1) + ")",
                bound.toMillis() - (System.nanoTime() - killedAt) / 1_000_000 + 1_000,
                () -> directorySize() == users - 1);
        double directorySeconds = (System.nanoTime() - killedAt) / 1e9;
        cluster.awaitMembers(4, Duration.ofSeconds(5));
        System.out.printf("[connector-failure] relogin %.1f s, unavailable at alice %.1f s, directory clean %.1f s"
                + " after SIGKILL (bound %d s)%n", reloginSeconds, unavailableSeconds, directorySeconds,
                bound.toSeconds());

        for (NodeProcess n : cluster.nodes()) {
            if (!n.spec().nodeId().equals(CONNECTOR_B)) {
                assertThat(n.isAlive()).as("%s still runs", n).isTrue();
                assertThat(n.healthy()).as("%s still healthy", n).isTrue();
            }
        }
        clients.register(A, "cf-hank", "hank-pw");
        chatBothWays(alice, clients.login(A, "cf-hank", "hank-pw", "desk"), "after-kill", 10);
    }

    @Test
    @Order(2)
    @DisplayName("The killed connector started again with the same settings rejoins, and serves clients again")
    void restartedConnectorRejoins() throws Exception {
        if (cluster.node(CONNECTOR_B).isAlive()) {
            cluster.kill(CONNECTOR_B);
        }
        cluster.restart(CONNECTOR_B);
        for (NodeProcess n : cluster.nodes()) {
            assertThat(n.clusterMembers()).as("%s sees the whole cluster again", n).hasValue(5);
        }
        clients.register(A, "cr-carol", "carol-pw");
        clients.register(B, "cr-dave", "dave-pw");
        XMPPTCPConnection carol = clients.login(A, "cr-carol", "carol-pw", "desk");
        XMPPTCPConnection dave = clients.login(B, "cr-dave", "dave-pw", "phone");
        subscribe(carol, dave);
        chatBothWays(carol, dave, "after-restart", 10);
        assertThat(cluster.node(CONNECTOR_B).metric("xmpp_connections_open").orElse(0))
                .as("the restarted connector holds dave's connection").isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(3)
    @DisplayName("SIGTERM drains a connector: its clients get <system-shutdown/> (or <see-other-host/>), contacts"
            + " get unavailable, its sessions leave the directory, it stops accepting; the rest carries on")
    void gracefulShutdownDrains() throws Exception {
        if (!cluster.node(CONNECTOR_B).isAlive()) {
            cluster.restart(CONNECTOR_B);
        }
        clients.register(A, "cg-erin", "erin-pw");
        clients.register(B, "cg-frank", "frank-pw");
        XMPPTCPConnection erin = clients.login(A, "cg-erin", "erin-pw", "desk");
        XMPPTCPConnection frank = clients.login(B, "cg-frank", "frank-pw", "phone");
        subscribe(erin, frank);
        double users = directorySize();

        CompletableFuture<Exception> closedOnError = new CompletableFuture<>();
        frank.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                closedOnError.complete(e);
            }

            @Override
            public void connectionClosed() {
                closedOnError.complete(null);
            }
        });
        StanzaCollector frankGone = erin.createStanzaCollector(presence(frank.getUser(), Presence.Type.unavailable));
        long stoppedAt = System.nanoTime();
        assertThat(cluster.stop(CONNECTOR_B)).as("connector B exits on SIGTERM").isTrue();
        double exitSeconds = (System.nanoTime() - stoppedAt) / 1e9;

        Exception error = closedOnError.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(error).as("frank's stream ended with a stream error").isInstanceOf(XMPPException.StreamErrorException.class);
        StreamError.Condition condition = ((XMPPException.StreamErrorException) error).getStreamError().getCondition();
        assertThat(condition).isIn(StreamError.Condition.system_shutdown, StreamError.Condition.see_other_host);

        assertThat((Presence) frankGone.nextResult(TIMEOUT_MS)).as("erin saw frank go offline").isNotNull();
        await("frank's session left the directory", TIMEOUT_MS, () -> directorySize() == users - 1);
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", cluster.c2sPort(B)), 2_000);
            }
        }).as("the stopped connector accepts no connection").isInstanceOf(IOException.class);
        System.out.printf("[connector-failure] SIGTERM to exit %.1f s%n", exitSeconds);

        cluster.awaitMembers(4, Duration.ofSeconds(15));
        XMPPTCPConnection frankAgain = clients.login(A, "cg-frank", "frank-pw", "phone");
        assertThat(frankAgain.isAuthenticated()).as("frank logs in again on connector A").isTrue();
        clients.register(A, "cg-gus", "gus-pw");
        chatBothWays(erin, clients.login(A, "cg-gus", "gus-pw", "desk"), "after-stop", 10);
    }

    // ---- cluster state ----------------------------------------------------------------------------------

    /** Users with a bound resource, cluster-wide, as a surviving router reports it. */
    private static double directorySize() {
        return cluster.node("router-1").metric("xmpp_session_directory_size").orElse(-1);
    }
}
