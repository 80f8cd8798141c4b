package io.switchboard.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.RosterItem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prints per-operation latencies (one operation at a time, after a warm-up) and the throughput of
 * concurrent writes, as observed against the test Cassandra. A measurement, not a benchmark with
 * thresholds: the only assertions are that everything completed. Kept small so it costs a few
 * seconds of the build; raise {@code sb.cassandra.latency.ops} for steadier numbers.
 */
class CassandraLatencyTest {

    private static final int OPS = Integer.getInteger("sb.cassandra.latency.ops", 200);

    private static CqlSession session;
    private static String keyspace;
    private static CassandraStorage storage;

    @BeforeAll
    static void open() {
        keyspace = CassandraTestSupport.freshKeyspace("sb_latency");
        session = CassandraTestSupport.session();
        storage = CassandraStorage.open(session, CassandraTestSupport.settings(keyspace));
    }

    @AfterAll
    static void close() {
        if (storage != null) {
            storage.close();
            CassandraTestSupport.dropKeyspace(session, keyspace);
        }
    }

    @Test
    void perOperationLatencies() {
        ScramCredential credential = ScramCredential.generate(ScramAlgorithm.SHA_256, "pw", 4096);
        String owner = "owner@localhost";
        await(storage.accounts().create(owner, List.of(credential)));
        ArchiveId ids = ArchiveId.generator();
        byte[] stanza = "<message to='owner@localhost'><body>hello there</body></message>".getBytes(StandardCharsets.UTF_8);
        List<String> report = new ArrayList<>();

        report.add(measure("accounts.create (LWT)", i -> storage.accounts().create("user" + i + "@localhost", List.of(credential))));
        report.add(measure("accounts.find", i -> storage.accounts().find("user" + i + "@localhost")));
        report.add(measure("accounts.exists", i -> storage.accounts().exists("user" + i + "@localhost")));
        report.add(measure("accounts.list(100)", i -> storage.accounts().list(null, 100)));
        report.add(measure("offline.store", i -> storage.offline().store(
                new OfflineMessage("m" + i, owner, Instant.now(), stanza))));
        report.add(measure("offline.fetch(20)", i -> storage.offline().fetch(owner, 20)));
        report.add(measure("offline.count", i -> storage.offline().count(owner)));
        report.add(measure("offline.delete(1)", i -> storage.offline().delete(owner, List.of("m" + i))));
        report.add(measure("rosters.put change (LWT batch)", i -> storage.rosters().put(owner,
                new RosterItem("c" + i + "@example.com", "Contact " + i, Set.of("Friends"), io.switchboard.storage.Subscription.BOTH, false, false))));
        report.add(measure("rosters.put no-op", i -> storage.rosters().put(owner,
                new RosterItem("c" + i + "@example.com", "Contact " + i, Set.of("Friends"), io.switchboard.storage.Subscription.BOTH, false, false))));
        report.add(measure("rosters.version", i -> storage.rosters().version(owner)));
        report.add(measure("rosters.roster (" + OPS + " items)", i -> storage.rosters().roster(owner)));
        report.add(measure("rosters.owners", i -> storage.rosters().owners("c" + i + "@example.com")));
        report.add(measure("archive.append (LWT)", i -> storage.archive().append(
                new ArchivedMessage(owner, ids.next(), "bob@localhost/phone", stanza))));
        report.add(measure("archive.query latest(20)", i -> storage.archive().query(owner, ArchiveQuery.latest(20))));
        report.add(measure("archive.query first(20) with bare", i -> storage.archive().query(owner,
                ArchiveQuery.first(20).withContact("bob@localhost"))));
        report.add(measure("vcards.put", i -> storage.vcards().put(owner, stanza)));
        report.add(measure("vcards.get", i -> storage.vcards().get(owner)));
        report.add(measure("blocking.block(1)", i -> storage.blocking().block(owner, List.of("spam" + i + "@example.com"))));
        report.add(measure("blocking.blocked", i -> storage.blocking().blocked(owner)));
        report.add(measure("accounts.delete (cascade)", i -> storage.accounts().delete("user" + i + "@localhost")));

        System.out.println("Cassandra per-operation latency, " + OPS + " sequential ops each (ms):");
        report.forEach(System.out::println);
    }

    @Test
    void concurrentWriteThroughput() {
        int users = 50;
        for (int u = 0; u < users; u++) {
            await(storage.accounts().create("t" + u + "@localhost", List.of()));
        }
        ArchiveId ids = ArchiveId.generator();
        byte[] stanza = new byte[300];
        int n = OPS * 10;
        double offline = throughput(n, 64, i -> storage.offline().store(
                new OfflineMessage("o" + i, "t" + i % users + "@localhost", Instant.now(), stanza)));
        double archive = throughput(n, 64, i -> storage.archive().append(
                new ArchivedMessage("t" + i % users + "@localhost", ids.next(), "peer@localhost", stanza)));
        double roster = throughput(n, 64, i -> storage.rosters().put("t" + i % users + "@localhost",
                RosterItem.of("r" + i + "@example.com")));
        System.out.printf("Cassandra concurrent writes (64 in flight, %d users): offline.store %.0f/s, "
                + "archive.append %.0f/s, rosters.put %.0f/s%n", users, offline, archive, roster);
        assertThat(await(storage.rosters().version("t0@localhost"))).isEqualTo(n / users);
    }

    private static String measure(String name, IntFunction<CompletionStage<?>> op) {
        for (int i = 0; i < Math.min(20, OPS); i++) { // warm-up on other keys
            await(op.apply(OPS + 1_000 + i));
        }
        long[] nanos = new long[OPS];
        for (int i = 0; i < OPS; i++) {
            long start = System.nanoTime();
            await(op.apply(i));
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return String.format("  %-36s p50 %6.2f  p90 %6.2f  p99 %6.2f  max %6.2f", name,
                ms(nanos[OPS / 2]), ms(nanos[OPS * 9 / 10]), ms(nanos[Math.min(OPS - 1, OPS * 99 / 100)]), ms(nanos[OPS - 1]));
    }

    private static double throughput(int n, int inFlight, IntFunction<CompletionStage<?>> op) {
        Semaphore permits = new Semaphore(inFlight);
        List<CompletableFuture<?>> all = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            permits.acquireUninterruptibly();
            CompletableFuture<?> f = op.apply(i).toCompletableFuture();
            f.whenComplete((v, e) -> permits.release());
            all.add(f);
        }
        await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
