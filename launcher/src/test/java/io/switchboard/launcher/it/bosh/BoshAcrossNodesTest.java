package io.switchboard.launcher.it.bosh;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.bosh.BoshClient.Response;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two connector nodes behind a load balancer that is not sticky: every BOSH request of one session
 * goes to the other node than the one before. The node that did not create the session passes
 * each request to the one that did (XEP-0124 sessions are bound to a sid, not to a connection),
 * so the client cannot tell; once the session's node has left the cluster, the client is told
 * plainly with {@code item-not-found} (XEP-0124 §17.2) and can start over.
 */
class BoshAcrossNodesTest {

    @Test
    @DisplayName("A BOSH session whose requests alternate between two connector nodes logs in, chats both ways;"
            + " when its node is gone the other answers item-not-found")
    void requestsOnEitherNodeServeTheSameSession() throws Exception {
        int[] ports = TestServer.freePorts(2);
        String name = "bosh-two-" + UUID.randomUUID();
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
        TestServer a = TestServer.start(Map.of("SWITCHBOARD_CLUSTER_CLUSTER_NAME", name,
                "SWITCHBOARD_CLUSTER_MEMBERS", members, "SWITCHBOARD_CLUSTER_PORT", Integer.toString(ports[0])));
        try (TestServer b = TestServer.start(new HashMap<>(Map.of("SWITCHBOARD_SERVER_ROLES", "connector",
                "SWITCHBOARD_CLUSTER_CLUSTER_NAME", name, "SWITCHBOARD_CLUSTER_MEMBERS", members,
                "SWITCHBOARD_CLUSTER_PORT", Integer.toString(ports[1]),
                "SWITCHBOARD_SERVER_DATA_DIR", a.dataDir().toString())))) {
            awaitTrue("both nodes see 2 members", () -> a.counter("xmpp_cluster_members") == 2
                    && b.counter("xmpp_cluster_members") == 2);
            String user = "bosh-lb-" + UUID.randomUUID().toString().substring(0, 8);
            String peer = "tcp-lb-" + UUID.randomUUID().toString().substring(0, 8);
            RawXmppClient.registerAccount(a, user, "pw-" + user);
            try (RawXmppClient p = RawXmppClient.loggedIn(a, peer, "pw-" + peer, "tcp")) {
                p.send("<presence/>");
                BoshClient c = BoshClient.roundRobin(a.httpPort(), b.httpPort());
                Response created = c.create(2, 1, ""); // short waits: this client sends one request at a time
                assertThat(created.attribute("sid")).startsWith(a.server().cluster().nodeId() + ".");
                c.login(user, "pw-" + user, "lb"); // SASL, restart and bind: every other request through b
                StringBuilder batch = new StringBuilder(); // several stanzas in one body, as clients batch them
                for (int i = 0; i < 3; i++) {
                    batch.append("<message xmlns='jabber:client' to='").append(peer)
                            .append("@localhost/tcp' type='chat'><body>up-").append(i).append("</body></message>");
                }
                c.send(batch.toString());
                for (int i = 3; i < 6; i++) {
                    c.send("<message xmlns='jabber:client' to='" + peer + "@localhost/tcp' type='chat'><body>up-" + i
                            + "</body></message>");
                }
                for (int i = 0; i < 6; i++) {
                    p.awaitContains("up-" + i, RawXmppClient.WAIT);
                }
                String received = p.transcript();
                assertThat(received.indexOf("up-0")).isLessThan(received.indexOf("up-5"));
                // a message from the peer reaches the client on a request held on either node
                for (int i = 0; i < 2; i++) {
                    CompletableFuture<Response> held = c.sendAsync("");
                    Thread.sleep(200);
                    p.send("<message to='" + user + "@localhost/lb' type='chat'><body>down-" + i + "</body></message>");
                    assertThat(held.get(10, TimeUnit.SECONDS).raw()).contains("down-" + i);
                }
                assertThat(b.counter("xmpp_bosh_forwarded_requests_total", "outcome=\"served\"")).isGreaterThanOrEqualTo(5);
                assertThat(b.counter("xmpp_connections_open", "transport=\"bosh\"")).as("the session lives on a")
                        .isZero();
                assertThat(a.counter("xmpp_connections_open", "transport=\"bosh\"")).isEqualTo(1);

                a.close();
                BoshClient viaB = BoshClient.plain(b.httpPort());
                viaB.sid = c.sid;
                viaB.rid = c.rid;
                Response gone = viaB.send("");
                assertThat(gone.isTerminate()).isTrue();
                assertThat(gone.attribute("condition")).isEqualTo("item-not-found");
                assertThat(b.counter("xmpp_bosh_forwarded_requests_total", "outcome=\"node-gone\"")).isEqualTo(1);
            }
        } finally {
            a.close();
        }
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
