package io.switchboard.launcher.it.smack;

import io.switchboard.cassandra.LocalCassandra;
import io.switchboard.launcher.it.TestServer;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.parts.Resourcepart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.switchboard.launcher.it.smack.SmackClients.bare;
import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real Cassandra (its own JVM) is killed with SIGKILL in the middle of traffic and later
 * restarted, while a real server keeps running against it: the server must stay up, keep routing
 * between online users, let already-seen users log in, answer every message it cannot store with a
 * {@code wait} error (RFC 6120 §8.3.2: "retry after waiting"), and recover by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmackCassandraOutageIT {

    @TempDir
    static Path cassandraDir;

    private LocalCassandra cassandra;
    private TestServer server;

    @BeforeAll
    void start() {
        cassandra = LocalCassandra.builder(cassandraDir).build().start();
        server = TestServer.start(Map.of(
                "SWITCHBOARD_STORAGE_TYPE", "cassandra",
                "SWITCHBOARD_STORAGE_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + cassandra.nativePort(),
                "SWITCHBOARD_STORAGE_CASSANDRA_KEYSPACE", "outage_" + UUID.randomUUID().toString().substring(0, 8),
                "SWITCHBOARD_STORAGE_CASSANDRA_REPLICATION", "SimpleStrategy:1",
                "SWITCHBOARD_STORAGE_CASSANDRA_REQUEST_TIMEOUT", "1s",
                "SWITCHBOARD_STORAGE_TIMEOUT", "2s",
                "SWITCHBOARD_STORAGE_CIRCUIT_BREAKER_WAIT_IN_OPEN_STATE", "2s"));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (cassandra != null) {
            cassandra.stop();
        }
    }

    @Test
    @DisplayName("Cassandra killed mid-traffic: online chat continues, cached users log in, messages that must be "
            + "stored get wait errors, and everything recovers when Cassandra returns")
    void survivesAndRecoversFromACassandraOutage() throws Exception {
        try (SmackClients clients = new SmackClients(server)) {
            clients.register("out-alice", "alice-secret");
            clients.register("out-bob", "bob-secret");
            clients.register("out-carol", "carol-secret");
            clients.register("out-dave", "dave-secret");
            XMPPTCPConnection alice = clients.login("out-alice", "alice-secret", "desk");
            XMPPTCPConnection bob = clients.login("out-bob", "bob-secret", "phone");
            StanzaCollector atBob = bodies(bob);
            StanzaCollector errorsAtAlice = alice.createStanzaCollector(
                    s -> s instanceof Message m && m.getType() == Message.Type.error);

            // Traffic before the outage, which also archives and reads through Cassandra.
            for (int i = 0; i < 10; i++) {
                alice.sendStanza(chat(alice, bare("out-bob"), "before-" + i));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(next(atBob)).as("message before-%d", i).isNotNull();
            }

            cassandra.kill();

            // 1. Routing between online users does not need storage: every message arrives, in order.
            List<String> during = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                alice.sendStanza(chat(alice, bare("out-bob"), "during-" + i));
            }
            for (int i = 0; i < 50; i++) {
                Message m = next(atBob);
                assertThat(m).as("online message during-%d of 50 delivered while Cassandra is down (got %s)", i, during)
                        .isNotNull();
                during.add(m.getBody());
            }
            assertThat(during).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, 50).mapToObj(i -> "during-" + i).toList());

            // 2. A message that must be stored (carol is offline) is refused with a wait-type error, never dropped.
            int refused = 0;
            for (int i = 0; i < 5; i++) {
                Message m = chat(alice, bare("out-carol"), "offline-during-" + i);
                alice.sendStanza(m);
                Message error = (Message) errorsAtAlice.nextResult(SmackClients.TIMEOUT_MS);
                assertThat(error).as("error for offline message %d", i).isNotNull();
                assertThat(error.getStanzaId()).isEqualTo(m.getStanzaId());
                assertThat(error.getError().getType()).isEqualTo(StanzaError.Type.WAIT);
                refused++;
            }
            assertThat(refused).isEqualTo(5);

            // 3. A user the server has seen logs in again from its cached credentials.
            XMPPTCPConnection aliceAgain = clients.login("out-alice", "alice-secret", "laptop");
            assertThat(aliceAgain.isAuthenticated()).isTrue();
            // A user it has never seen cannot be checked: a temporary failure, not "wrong password".
            assertThatThrownBy(() -> clients.login("out-dave", "dave-secret", "pc"))
                    .isInstanceOf(SASLErrorException.class)
                    .hasMessageContaining("temporary-auth-failure");

            // The breaker opened and the node reports it.
            assertThat(server.scrape()).contains("resilience4j_circuitbreaker_state{name=\"storage\",state=\"open\"} 1.0");

            cassandra.start(); // same data directory and ports

            // 4. Recovery by itself: once the breaker probes a live Cassandra, offline storage works again.
            long deadline = System.nanoTime() + 90_000_000_000L;
            String stored = null;
            int attempt = 0;
            while (stored == null && System.nanoTime() < deadline) {
                String body = "after-" + attempt++;
                alice.sendStanza(chat(alice, bare("out-carol"), body));
                Message error = (Message) errorsAtAlice.nextResult(1_500);
                if (error == null) {
                    stored = body;
                } else {
                    assertThat(error.getError().getType()).isEqualTo(StanzaError.Type.WAIT);
                }
            }
            assertThat(stored).as("offline storage works again after Cassandra restarted").isNotNull();
            assertThat(server.scrape()).contains("resilience4j_circuitbreaker_state{name=\"storage\",state=\"closed\"} 1.0");

            // Carol gets exactly the message that was accepted: nothing refused shows up later.
            XMPPTCPConnection carol = clients.connect();
            StanzaCollector atCarol = bodies(carol);
            carol.login("out-carol", "carol-secret", Resourcepart.from("tablet"));
            Message first = next(atCarol);
            assertThat(first).isNotNull();
            assertThat(first.getBody()).isEqualTo(stored);
            Message late = atCarol.nextResult(1_000);
            assertThat(late).as("no refused message delivered later").isNull();

            // And dave, never cached, can log in now.
            XMPPTCPConnection dave = clients.login("out-dave", "dave-secret", "pc");
            assertThat(dave.isAuthenticated()).isTrue();
            errorsAtAlice.cancel();
            atBob.cancel();
            atCarol.cancel();
        }
    }
}
