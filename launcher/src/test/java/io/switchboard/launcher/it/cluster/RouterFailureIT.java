package io.switchboard.launcher.it.cluster;

import io.switchboard.launcher.cluster.NodeProcess;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.StanzaListener;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static io.switchboard.launcher.it.cluster.ClusterClients.TIMEOUT_MS;
import static io.switchboard.launcher.it.cluster.ClusterClients.await;
import static io.switchboard.launcher.it.cluster.ClusterClients.chat;
import static io.switchboard.launcher.it.cluster.ClusterClients.chatBothWays;
import static io.switchboard.launcher.it.cluster.ClusterClients.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Router and presence-service failures on a cluster of separate processes ({@link ProcessCluster}:
 * 2 connectors, 2 routers, 2 presence services) with a short {@code cluster.failure-detection-timeout}:
 * a router killed while hundreds of messages flow through it, the same router started again, and a
 * presence instance killed. The tests run in order on one cluster; each uses its own users.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterFailureIT {
    static final Duration FAILURE_DETECTION = ConnectorFailureIT.FAILURE_DETECTION;
    private static final int A = 0;
    private static final int B = 1;

    private static ProcessCluster cluster;
    private ClusterClients clients;

    @BeforeAll
    static void startCluster() {
        cluster = ProcessCluster.start(2, 2, 2, Map.of("SWITCHBOARD_CLUSTER_FAILURE_DETECTION_TIMEOUT",
                FAILURE_DETECTION.toSeconds() + "s"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void clients() {
        clients = new ClusterClients(cluster);
    }

    @AfterEach
    void disconnectClients() {
        clients.close();
    }

    @Test
    @Order(1)
    @DisplayName("A router killed while 400 messages flow through it: each is delivered or its sender gets an error")
    void routerKilledMidTrafficLosesNothingSilently() throws Exception {
        clients.register(A, "rf-alice", "alice-pw");
        clients.register(B, "rf-bob", "bob-pw");
        XMPPTCPConnection alice = clients.login(A, "rf-alice", "alice-pw", "desk");
        XMPPTCPConnection bob = clients.login(B, "rf-bob", "bob-pw", "phone");
        String router = routerOf(alice, bob);

        Set<String> delivered = ConcurrentHashMap.newKeySet();
        Set<String> errors = ConcurrentHashMap.newKeySet();
        StanzaListener atBob = s -> {
            if (s instanceof Message m && m.getBody() != null && m.getBody().startsWith("inflight-")) {
                delivered.add(m.getBody());
            }
        };
        StanzaListener atAlice = s -> {
            if (s instanceof Message m && m.getType() == Message.Type.error && m.getStanzaId() != null) {
                errors.add(m.getStanzaId());
            }
        };
        bob.addAsyncStanzaListener(atBob, s -> true);
        alice.addAsyncStanzaListener(atAlice, s -> true);

        int total = 400;
        int killAfter = 100;
        List<String> sent = new ArrayList<>();
        long began = System.nanoTime();
        for (int i = 0; i < total; i++) {
            String id = "inflight-" + i;
            Message m = alice.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat)
                    .to(bob.getUser()).setBody(id).build();
            m.setStanzaId(id);
            alice.sendStanza(m);
            sent.add(id);
            if (i == killAfter) {
                cluster.kill(router);
            }
            Thread.sleep(10);
        }
        // Wait until every message is accounted for, or nothing has changed for a while.
        long quietSince = System.nanoTime();
        int last = -1;
        while (delivered.size() + errors.size() < total
                && System.nanoTime() - quietSince < FAILURE_DETECTION.plusSeconds(10).toNanos()) {
            int now = delivered.size() + errors.size();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(200);
        }
        Set<String> lost = new TreeSet<>(sent);
        lost.removeAll(delivered);
        lost.removeAll(errors);
        System.out.printf("[router-failure] %d sent in %.1f s, %d delivered, %d errors, %d lost silently%n", total,
                (System.nanoTime() - began) / 1e9, delivered.size(), errors.size(), lost.size());
        assertThat(lost).as("messages neither delivered nor answered with an error").isEmpty();
    }

    @Test
    @Order(2)
    @DisplayName("A router killed: traffic carries on through the other router, and nothing else stops")
    void trafficCarriesOnAfterRouterKill() throws Exception {
        for (NodeProcess r : cluster.withRole("router")) {
            if (!r.isAlive()) {
                cluster.restart(r.spec().nodeId()); // both routers up before one is killed
            }
        }
        clients.register(A, "rk-carol", "carol-pw");
        clients.register(B, "rk-dave", "dave-pw");
        XMPPTCPConnection carol = clients.login(A, "rk-carol", "carol-pw", "desk");
        XMPPTCPConnection dave = clients.login(B, "rk-dave", "dave-pw", "phone");
        subscribe(carol, dave);
        String router = routerOf(carol, dave);
        if (cluster.node(router).isAlive()) {
            cluster.kill(router); // the router carrying carol's stanzas
        }
        cluster.awaitMembers(5, FAILURE_DETECTION.plusSeconds(10));
        for (NodeProcess n : cluster.nodes()) {
            if (!n.spec().nodeId().equals(router)) {
                assertThat(n.healthy()).as("%s still healthy", n).isTrue();
            }
        }
        // Existing connections (re-routed to the surviving router) and new ones work.
        chatBothWays(carol, dave, "after-router-kill", 20);
        XMPPTCPConnection daveDesk = clients.login(A, "rk-dave", "dave-pw", "desk");
        chatBothWays(carol, daveDesk, "new-connection", 10);
        StanzaCollector away = carol.createStanzaCollector(s -> s instanceof Presence p
                && dave.getUser().equals(p.getFrom()) && "away".equals(p.getStatus()));
        dave.sendStanza(dave.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available)
                .setStatus("away").build());
        assertThat((Presence) away.nextResult(TIMEOUT_MS)).as("carol saw dave's status change").isNotNull();
    }

    @Test
    @Order(3)
    @DisplayName("The killed router started again with the same settings rejoins and carries traffic again")
    void restartedRouterRejoins() throws Exception {
        String dead = cluster.withRole("router").stream().filter(n -> !n.isAlive()).map(n -> n.spec().nodeId())
                .findFirst().orElse(null);
        if (dead == null) {
            dead = "router-2";
            cluster.kill(dead);
        }
        cluster.restart(dead);
        String restarted = dead;
        // New connections hash over both routers again: some of them must go through the restarted one.
        clients.register(A, "rr-erin", "erin-pw");
        clients.register(B, "rr-frank", "frank-pw");
        XMPPTCPConnection frank = clients.login(B, "rr-frank", "frank-pw", "phone");
        List<XMPPTCPConnection> erins = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            erins.add(clients.login(A, "rr-erin", "erin-pw", "r" + i));
        }
        // Connectors learn of the restarted router's instance a moment after the cluster re-formed,
        // and 7 sessions can all hash to the other router (1 in 128): chat in rounds until the
        // restarted router has carried messages, or fail after the deadline.
        long deadline = System.nanoTime() + 3 * TIMEOUT_MS * 1_000_000L;
        int round = 0;
        do {
            for (XMPPTCPConnection erin : erins) {
                chatBothWays(erin, frank, "after-restart-" + round + "-" + erin.getUser().getResourceOrEmpty(), 3);
            }
            if (routedBy(restarted) > 0) {
                break;
            }
            erins.add(clients.login(A, "rr-erin", "erin-pw", "extra" + round++));
        } while (System.nanoTime() < deadline);
        assertThat(routedBy(restarted)).as("messages routed by the restarted router").isGreaterThan(0);
    }

    private static double routedBy(String router) {
        return cluster.node(router).metric("xmpp_router_stanzas_total", "kind=\"message\"").orElse(0);
    }

    @Test
    @Order(4)
    @DisplayName("A presence instance killed: presence and chat carry on through the other instance")
    void presenceInstanceKilled() throws Exception {
        List<XMPPTCPConnection> watchers = new ArrayList<>();
        List<XMPPTCPConnection> watched = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.register(A, "pk-w" + i, "watch-pw");
            clients.register(B, "pk-u" + i, "user-pw");
            XMPPTCPConnection w = clients.login(A, "pk-w" + i, "watch-pw", "desk");
            XMPPTCPConnection u = clients.login(B, "pk-u" + i, "user-pw", "phone");
            subscribe(w, u);
            watchers.add(w);
            watched.add(u);
        }
        cluster.kill("presence-2");
        cluster.awaitMembers(5, FAILURE_DETECTION.plusSeconds(10));
        // Users keyed to either instance (4 bare JIDs over 2 instances) keep their presence working.
        for (int i = 0; i < 4; i++) {
            XMPPTCPConnection w = watchers.get(i);
            XMPPTCPConnection u = watched.get(i);
            String status = "after-presence-kill-" + i;
            StanzaCollector seen = w.createStanzaCollector(s -> s instanceof Presence p
                    && u.getUser().equals(p.getFrom()) && status.equals(p.getStatus()));
            u.sendStanza(u.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available)
                    .setStatus(status).build());
            assertThat((Presence) seen.nextResult(TIMEOUT_MS)).as("%s saw %s's new status", w.getUser(), u.getUser())
                    .isNotNull();
            seen.cancel();
            chatBothWays(w, u, "pk-" + i, 3);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** The router whose message counter moves when {@code from} chats to {@code to}: the one carrying its stanzas. */
    private static String routerOf(XMPPTCPConnection from, XMPPTCPConnection to) throws Exception {
        StanzaCollector atTo = ClusterClients.bodies(to);
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                Map<String, Double> before = routerMessages();
                from.sendStanza(chat(from, to.getUser(), "probe-" + attempt));
                assertThat((Message) atTo.nextResult(TIMEOUT_MS)).as("probe delivered").isNotNull();
                Map<String, Double> after = routerMessages();
                List<String> moved = after.keySet().stream()
                        .filter(r -> after.get(r) > before.getOrDefault(r, 0.0)).toList();
                if (moved.size() == 1) {
                    return moved.get(0);
                }
            }
            throw new AssertionError("could not tell which router carries " + from.getUser());
        } finally {
            atTo.cancel();
        }
    }

    private static Map<String, Double> routerMessages() {
        Map<String, Double> counts = new ConcurrentHashMap<>();
        for (NodeProcess r : cluster.withRole("router")) {
            if (r.isAlive()) {
                counts.put(r.spec().nodeId(), r.metric("xmpp_router_stanzas_total", "kind=\"message\"").orElse(0));
            }
        }
        return counts;
    }
}
