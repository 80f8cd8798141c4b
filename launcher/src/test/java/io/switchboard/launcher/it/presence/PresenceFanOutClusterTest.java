package io.switchboard.launcher.it.presence;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.storage.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The presence service's fan-out, read from its metrics, on a real cluster of two connector nodes:
 * server A runs every role, server B only a connector; they share one store. A hub user with 200
 * mutual ('both') contacts, 100 connected to each node, changes presence:
 *
 * <ul>
 *   <li>batched: one event-bus message per connector node (2), 201 deliveries (200 contacts + the
 *       hub's own echo, RFC 6121 §4.4.2: the sender is one of the user's available resources);</li>
 *   <li>the identical stanza again: nothing delivered, one duplicate dropped;</li>
 *   <li>a burst of 20 different updates: coalesced into at most 3 rounds, and every contact ends up
 *       with the last one;</li>
 *   <li>naive mode (benchmark baseline): one event-bus message per recipient (201).</li>
 * </ul>
 */
class PresenceFanOutClusterTest {
    private static final int CONTACTS = 200;
    private static final String HUB = "fo-hub";
    /** Recipients of one hub broadcast: every contact plus the hub's own (sending) resource. */
    private static final int RECIPIENTS = CONTACTS + 1;

    @Test
    @DisplayName("Batched fan-out across two connector nodes: 2 batches / 201 deliveries per update, duplicates"
            + " dropped, bursts coalesced to the latest")
    void batchedFanOutDedupAndCoalescing() throws Exception {
        try (Cluster cluster = Cluster.start(false); Clients clients = Clients.connect(cluster)) {
            TestServer a = cluster.a();
            RawClient hub = clients.hub();
            String hubJid = hub.fullJid();

            // ---- the hub's login: its initial presence (2 batches, 201 recipients) and, in ONE more
            // message, the current presence of its 200 contacts read from cluster state (§4.2.3/§4.3)
            Metrics login = clients.hubLogin()[0];
            System.out.printf("[fan-out] batched, hub login: %s, probes answered %d%n", login,
                    clients.probesAnswered()[0]);
            assertThat(login.batches).as("2 broadcast batches + 1 bulk probe answer").isEqualTo(3);
            assertThat(login.deliveries).isEqualTo(RECIPIENTS + CONTACTS);
            assertThat(login.batchSizeSum).isEqualTo(RECIPIENTS + CONTACTS);
            assertThat(clients.probesAnswered()[0]).isEqualTo(CONTACTS);

            // ---- one presence change ----------------------------------------------------------------
            Metrics before = Metrics.read(a);
            String away = "<presence><show>away</show></presence>";
            hub.send(away);
            clients.awaitAllContacts(RawClient.presenceFrom(hubJid, "<show>away</show>"));
            hub.awaitMatch(RawClient.presenceFrom(hubJid, "<show>away</show>"));
            Kit.await("201 deliveries counted", () -> Metrics.read(a).deliveries - before.deliveries >= RECIPIENTS);
            Metrics one = Metrics.read(a).minus(before);
            System.out.printf("[fan-out] batched, one update: %s%n", one);
            assertThat(one.batches).as("event-bus messages for one update: one per connector node").isEqualTo(2);
            assertThat(one.deliveries).as("200 contacts + the hub's own echo").isEqualTo(RECIPIENTS);
            assertThat(one.batchSizeSum).as("histogram sum = recipients").isEqualTo(RECIPIENTS);
            assertThat(one.batchSizeCount).as("histogram count = batches").isEqualTo(2);
            assertThat(one.updates).as("presence updates received").isGreaterThanOrEqualTo(1);

            // ---- the identical stanza again: deduplicated ------------------------------------------------
            Metrics beforeDup = Metrics.read(a);
            hub.send(away);
            Kit.await("the duplicate dropped", () -> Metrics.read(a).duplicates - beforeDup.duplicates >= 1);
            Metrics dup = Metrics.read(a).minus(beforeDup);
            System.out.printf("[fan-out] batched, identical update again: %s%n", dup);
            assertThat(dup.duplicates).isEqualTo(1);
            assertThat(dup.deliveries).as("nothing delivered for a duplicate").isZero();
            assertThat(dup.batches).isZero();

            // ---- a burst of 20 different updates: coalesced ----------------------------------------------
            Metrics beforeBurst = Metrics.read(a);
            StringBuilder burst = new StringBuilder();
            for (int n = 0; n < 20; n++) {
                burst.append("<presence><status>").append(n).append("</status></presence>");
            }
            hub.send(burst.toString());
            clients.awaitAllContacts(RawClient.presenceFrom(hubJid, "<status>19</status>"));
            hub.awaitMatch(RawClient.presenceFrom(hubJid, "<status>19</status>"));
            Kit.await("deliveries of the burst are whole rounds", () -> {
                Metrics d = Metrics.read(a).minus(beforeBurst);
                return d.batches % 2 == 0 && d.deliveries == RECIPIENTS * (d.batches / 2);
            });
            Metrics b = Metrics.read(a).minus(beforeBurst);
            long rounds = b.batches / 2;
            System.out.printf("[fan-out] batched, burst of 20: %s -> %d round(s) sent%n", b, rounds);
            assertThat(rounds).as("broadcast rounds for 20 updates in a burst").isBetween(1L, 3L);
            assertThat(b.deliveries).isEqualTo(RECIPIENTS * rounds);
            assertThat(b.coalesced).as("each update either went out or was superseded: coalesced + rounds = 20")
                    .isEqualTo(20 - rounds);

            // Every contact's (and the hub's) LAST presence from the hub is the latest update.
            List<String> wrong = new ArrayList<>();
            for (RawClient c : clients.all()) {
                c.drainAvailable();
                List<String> fromHub = c.presencesFrom(hubJid);
                String last = fromHub.isEmpty() ? "(none)" : fromHub.get(fromHub.size() - 1);
                if (!last.contains("<status>19</status>")) {
                    wrong.add(c.name() + " last got " + last);
                }
            }
            assertThat(wrong).as("clients whose last presence from the hub is not status 19").isEmpty();
        }
    }

    @Test
    @DisplayName("Naive fan-out (presence.naive-fan-out=true): one event-bus message per recipient")
    void naiveFanOutSendsOneMessagePerRecipient() throws Exception {
        try (Cluster cluster = Cluster.start(true); Clients clients = Clients.connect(cluster)) {
            TestServer a = cluster.a();
            RawClient hub = clients.hub();
            Metrics before = Metrics.read(a);
            hub.send("<presence><show>away</show></presence>");
            clients.awaitAllContacts(RawClient.presenceFrom(hub.fullJid(), "<show>away</show>"));
            hub.awaitMatch(RawClient.presenceFrom(hub.fullJid(), "<show>away</show>"));
            Kit.await("201 deliveries counted", () -> Metrics.read(a).deliveries - before.deliveries >= RECIPIENTS);
            Metrics one = Metrics.read(a).minus(before);
            System.out.printf("[fan-out] naive, one update: %s%n", one);
            assertThat(one.batches).as("one event-bus message per recipient").isEqualTo(RECIPIENTS);
            assertThat(one.deliveries).isEqualTo(RECIPIENTS);
            assertThat(one.batchSizeCount).isEqualTo(RECIPIENTS);
            assertThat(one.batchSizeSum).isEqualTo(RECIPIENTS);
        }
    }

    // ---- metrics ----------------------------------------------------------------------------------------

    record Metrics(long updates, long deliveries, long batches, long batchSizeSum, long batchSizeCount,
                   long duplicates, long coalesced) {
        static Metrics read(TestServer server) {
            return new Metrics(
                    (long) server.counter("xmpp_presence_updates_total"),
                    (long) server.counter("xmpp_presence_deliveries_total"),
                    (long) server.counter("xmpp_presence_batches_total"),
                    (long) server.counter("xmpp_presence_batch_size_sum"),
                    (long) server.counter("xmpp_presence_batch_size_count"),
                    (long) server.counter("xmpp_presence_duplicates_dropped_total"),
                    (long) server.counter("xmpp_presence_coalesced_total"));
        }

        Metrics minus(Metrics o) {
            return new Metrics(updates - o.updates, deliveries - o.deliveries, batches - o.batches,
                    batchSizeSum - o.batchSizeSum, batchSizeCount - o.batchSizeCount, duplicates - o.duplicates,
                    coalesced - o.coalesced);
        }
    }

    // ---- the two-node cluster -----------------------------------------------------------------------------

    record Cluster(TestServer a, TestServer b) implements AutoCloseable {
        static Cluster start(boolean naive) throws Exception {
            int portA = freePort();
            int portB = freePort();
            String name = "presence-it-" + UUID.randomUUID();
            String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
            Map<String, String> envA = new HashMap<>();
            envA.put("SWITCHBOARD_CLUSTER_CLUSTER_NAME", name);
            envA.put("SWITCHBOARD_CLUSTER_MEMBERS", members);
            envA.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(portA));
            if (naive) {
                envA.put("SWITCHBOARD_PRESENCE_NAIVE_FAN_OUT", "true");
            }
            TestServer a = TestServer.start(envA);
            TestServer b = null;
            try {
                Map<String, String> envB = new HashMap<>();
                envB.put("SWITCHBOARD_SERVER_ROLES", "connector");
                envB.put("SWITCHBOARD_CLUSTER_CLUSTER_NAME", name);
                envB.put("SWITCHBOARD_CLUSTER_MEMBERS", members);
                envB.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(portB));
                envB.put("SWITCHBOARD_SERVER_DATA_DIR", a.dataDir().toString()); // one shared store (and certificate)
                b = TestServer.start(envB);
                TestServer fa = a;
                TestServer fb = b;
                Kit.await("both nodes see 2 cluster members", () -> fa.counter("xmpp_cluster_members") == 2
                        && fb.counter("xmpp_cluster_members") == 2);
                return new Cluster(a, b);
            } catch (Exception | Error e) {
                if (b != null) {
                    b.close();
                }
                a.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                b.close();
            } finally {
                a.close();
            }
        }
    }

    /** The hub and its 200 contacts, logged in (contacts 0-99 on node A, 100-199 on node B). */
    record Clients(RawClient hub, List<RawClient> contacts, Metrics[] hubLogin, long[] probesAnswered)
            implements AutoCloseable {
        static Clients connect(Cluster cluster) throws Exception {
            TestServer a = cluster.a();
            List<String> users = new ArrayList<>();
            users.add(HUB);
            for (int i = 0; i < CONTACTS; i++) {
                users.add(contact(i));
            }
            long t0 = System.nanoTime();
            Kit.createAccounts(a, users);
            List<CompletableFuture<Long>> rosters = new ArrayList<>();
            for (int i = 0; i < CONTACTS; i++) {
                rosters.add(Kit.putItem(a, HUB, contact(i), Subscription.BOTH));
                rosters.add(Kit.putItem(a, contact(i), HUB, Subscription.BOTH));
            }
            Kit.join(rosters);
            long t1 = System.nanoTime();

            SSLContext tls = Kit.sslContext(a.dataDir());
            List<RawClient> contacts = new ArrayList<>();
            RawClient hub = null;
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<RawClient>> logins = new ArrayList<>();
                for (int i = 0; i < CONTACTS; i++) {
                    int port = i < CONTACTS / 2 ? a.c2sPort() : cluster.b().c2sPort();
                    String user = contact(i);
                    logins.add(pool.submit(() -> {
                        RawClient c = RawClient.login(port, tls, user, Kit.PASSWORD, "r");
                        c.available();
                        return c;
                    }));
                }
                Throwable failure = null;
                for (Future<RawClient> f : logins) {
                    try {
                        contacts.add(f.get());
                    } catch (Exception e) {
                        failure = failure == null ? e : failure;
                    }
                }
                if (failure != null) {
                    throw new AssertionError("contact login failed", failure);
                }
                long t2 = System.nanoTime();
                // The hub on node A: its initial presence reaches all 200 contacts, and it gets their
                // presence back in bulk (RFC 6121 §4.2.3 / §4.3, answered from cluster state).
                Metrics beforeHub = Metrics.read(a);
                long probesBefore = (long) a.counter("xmpp_presence_probes_answered_total");
                hub = RawClient.login(a.c2sPort(), tls, HUB, Kit.PASSWORD, "hub");
                hub.available();
                List<Pattern> contactPresences = new ArrayList<>();
                for (int i = 0; i < CONTACTS; i++) {
                    contactPresences.add(RawClient.presenceFrom(Kit.jid(contact(i)) + "/r", null));
                }
                hub.awaitAll(contactPresences);
                Clients clients = new Clients(hub, contacts, new Metrics[1], new long[1]);
                clients.awaitAllContacts(RawClient.presenceFrom(hub.fullJid(), null));
                Kit.await("the hub's login counted", () -> Metrics.read(a).deliveries - beforeHub.deliveries
                        >= RECIPIENTS + CONTACTS);
                clients.hubLogin()[0] = Metrics.read(a).minus(beforeHub);
                clients.probesAnswered()[0] = (long) a.counter("xmpp_presence_probes_answered_total") - probesBefore;
                System.out.printf("[fan-out] provisioned %d users in %d ms, %d contacts online in %d ms,"
                                + " hub online in %d ms%n", users.size(), (t1 - t0) / 1_000_000, CONTACTS,
                        (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
                return clients;
            } catch (Exception | Error e) {
                contacts.forEach(RawClient::close);
                if (hub != null) {
                    hub.close();
                }
                throw e;
            } finally {
                pool.shutdownNow();
            }
        }

        static String contact(int i) {
            return String.format("fo-c%03d", i);
        }

        void awaitAllContacts(Pattern pattern) {
            for (RawClient c : contacts) {
                c.awaitMatch(pattern);
            }
        }

        List<RawClient> all() {
            List<RawClient> all = new ArrayList<>(contacts);
            all.add(hub);
            return all;
        }

        @Override
        public void close() {
            for (RawClient c : all()) {
                c.close();
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
