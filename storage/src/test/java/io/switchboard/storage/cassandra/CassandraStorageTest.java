package io.switchboard.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.Roster;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.Subscription;
import io.switchboard.storage.cassandra.CassandraSettings.SchemaMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Behaviour specific to the Cassandra backend: schema management, TTLs, contention across
 * processes (two sessions stand for two server nodes), time buckets, threads and errors. Each
 * test uses its own keyspace where the schema or settings matter.
 */
class CassandraStorageTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static CqlSession session;
    private static final List<String> keyspaces = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void connect() {
        session = CassandraTestSupport.session();
    }

    @AfterAll
    static void dropKeyspaces() {
        CompletableFuture.allOf(keyspaces.stream()
                .map(keyspace -> CompletableFuture.runAsync(() -> CassandraTestSupport.dropKeyspace(session, keyspace)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private static String keyspace(String prefix) {
        String keyspace = CassandraTestSupport.freshKeyspace(prefix);
        keyspaces.add(keyspace);
        return keyspace;
    }

    // ---------------------------------------------------------------- schema

    @Test
    void concurrentOpensOnAFreshKeyspaceBothSucceedAndMigrateOnce() throws Exception {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_race"));
        // Two sessions stand for two server nodes starting at the same time.
        List<CqlSession> sessions = race(2, i -> CassandraStorage.connect(settings));
        CqlSession first = sessions.get(0);
        CqlSession second = sessions.get(1);
        try {
            List<Integer> applied = race(2, i -> CassandraSchema.migrate(sessions.get(i), settings));
            List<CassandraStorage> storages = race(2, i -> CassandraStorage.open(sessions.get(i), settings));

            // Exactly one of them applied the migrations, the other waited and found them done.
            assertThat(applied).containsExactlyInAnyOrder(CassandraSchema.latestVersion(), 0);
            List<Row> versions = session.execute(SimpleStatement.newInstance("SELECT version, applied_by FROM "
                    + settings.keyspace() + ".schema_version WHERE scope = ?", CassandraSchema.SCOPE)).all();
            assertThat(versions).extracting(r -> r.getInt(0))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, CassandraSchema.latestVersion()).boxed().toList());
            assertThat(versions.stream().map(r -> r.getString(1)).distinct()).hasSize(1);
            assertThat(CassandraSchema.currentVersion(session, settings.keyspace())).isEqualTo(CassandraSchema.latestVersion());
            // The lease was released, not left to expire.
            assertThat(session.execute("SELECT * FROM " + settings.keyspace() + ".schema_lease").all()).isEmpty();
            // Both work, on the same data.
            assertThat(await(storages.get(0).accounts().create("alice@localhost", List.of()))).isTrue();
            assertThat(await(storages.get(1).accounts().exists("alice@localhost"))).isTrue();
            storages.forEach(CassandraStorage::close);
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void schemaModeNoneRefusesAMissingOrOldSchemaAndSaysWhatToRun() {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_none")).withSchemaMode(SchemaMode.NONE);
        assertThat(CassandraSchema.currentVersion(session, settings.keyspace())).isZero();

        assertThatThrownBy(() -> CassandraStorage.open(session, settings))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("keyspace " + settings.keyspace() + " has no Switchboard schema")
                .hasMessageContaining("Schema mode is NONE")
                .hasMessageContaining("storage migrate");
        // NONE changed nothing.
        assertThat(session.execute(SimpleStatement.newInstance(
                "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", settings.keyspace())).one()).isNull();

        // An operator migrates (as the admin CLI would), then NONE opens fine.
        assertThat(CassandraSchema.migrate(session, settings)).isEqualTo(CassandraSchema.latestVersion());
        assertThat(CassandraSchema.migrate(session, settings)).isZero();
        try (CassandraStorage storage = CassandraStorage.open(session, settings)) {
            assertThat(await(storage.accounts().create("alice@localhost", List.of()))).isTrue();
        }

        // An older schema (simulated by forgetting the last migration) is refused, naming the version needed.
        session.execute(SimpleStatement.newInstance("DELETE FROM " + settings.keyspace()
                + ".schema_version WHERE scope = ? AND version = ?", CassandraSchema.SCOPE, CassandraSchema.latestVersion()));
        int older = CassandraSchema.latestVersion() - 1;
        assertThatThrownBy(() -> CassandraStorage.open(session, settings))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(older == 0 ? "has no Switchboard schema" : "has schema version " + older)
                .hasMessageContaining("needs schema version " + CassandraSchema.latestVersion())
                .hasMessageContaining("Schema mode is NONE");
    }

    @Test
    void openWithOwnSessionConnectsMigratesAndReopensOnTheSameData() {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_open"));
        ScramCredential credential = ScramCredential.generate(ScramAlgorithm.SHA_256, "pw", 4096);
        long started = System.nanoTime();
        try (CassandraStorage storage = CassandraStorage.open(settings)) {
            System.out.printf("open with connect + migration: %d ms%n", (System.nanoTime() - started) / 1_000_000);
            assertThat(storage.description()).contains(settings.keyspace());
            assertThat(await(storage.accounts().create("alice@localhost", List.of(credential)))).isTrue();
            await(storage.rosters().put("alice@localhost", RosterItem.of("bob@localhost")));
        }
        started = System.nanoTime();
        try (CassandraStorage storage = CassandraStorage.open(settings)) {
            System.out.printf("open with connect, schema current: %d ms%n", (System.nanoTime() - started) / 1_000_000);
            assertThat(await(storage.accounts().find("alice@localhost")).orElseThrow().credential(ScramAlgorithm.SHA_256))
                    .contains(credential);
            assertThat(await(storage.rosters().roster("alice@localhost"))).isEqualTo(new Roster(1, List.of(RosterItem.of("bob@localhost"))));
            storage.close();
            assertThatThrownBy(() -> storage.session().execute("SELECT now() FROM system.local"))
                    .as("the storage closed the session it opened").isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void archiveBucketWidthIsFixedWhenTheKeyspaceIsCreated() {
        String keyspace = keyspace("sb_width");
        CassandraSettings hourly = CassandraTestSupport.settings(keyspace).withArchiveBucketWidth(Duration.ofHours(1));
        try (CassandraStorage storage = CassandraStorage.open(session, hourly)) {
            assertThat(storage.archiveBucketWidth()).isEqualTo(Duration.ofHours(1));
        }
        // Reconfigured later: ignored (with a warning), or the existing buckets would be lost.
        try (CassandraStorage storage = CassandraStorage.open(session, hourly.withArchiveBucketWidth(Duration.ofDays(30)))) {
            assertThat(storage.archiveBucketWidth()).isEqualTo(Duration.ofHours(1));
        }
    }

    // ---------------------------------------------------------------- TTLs

    @Test
    void offlineTtlAndArchiveRetentionAreAppliedAsTtls() throws Exception {
        // TTLs of a few seconds: long enough to read them back on a busy machine, short enough to wait out.
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_ttl"))
                .withOfflineTtl(Duration.ofSeconds(3))
                .withArchiveRetention(Duration.ofSeconds(4));
        try (CassandraStorage storage = CassandraStorage.open(session, settings)) {
            String ks = settings.keyspace();
            await(storage.accounts().create("alice@localhost", List.of()));
            await(storage.offline().store(new OfflineMessage("m1", "alice@localhost", Instant.now(), utf8("hi"))));
            int offlineTtl = session.execute(SimpleStatement.newInstance(
                    "SELECT TTL(stanza) FROM " + ks + ".offline_messages WHERE owner = ?", "alice@localhost")).one().getInt(0);
            ArchivedMessage archived = new ArchivedMessage("alice@localhost", ArchiveId.generator().next(), "bob@localhost/x", utf8("hi"));
            await(storage.archive().append(archived));
            long written = System.nanoTime();
            Instant bucket = weekBucket(archived);
            int archiveTtl = session.execute(SimpleStatement.newInstance("SELECT TTL(stanza) FROM " + ks
                    + ".archive WHERE owner = ? AND bucket = ?", "alice@localhost", bucket)).one().getInt(0);
            int byWithTtl = session.execute(SimpleStatement.newInstance("SELECT TTL(stanza) FROM " + ks
                    + ".archive_by_with WHERE owner = ? AND with_bare = ? AND bucket = ?", "alice@localhost", "bob@localhost",
                    bucket)).one().getInt(0);
            assertThat(offlineTtl).isBetween(1, 3);
            assertThat(archiveTtl).isBetween(1, 4);
            assertThat(byWithTtl).isBetween(1, 4);

            Thread.sleep(Math.max(0, 4_500 - (System.nanoTime() - written) / 1_000_000));

            assertThat(await(storage.offline().fetch("alice@localhost", 10))).isEmpty();
            assertThat(await(storage.offline().count("alice@localhost"))).isZero();
            assertThat(await(storage.archive().query("alice@localhost", ArchiveQuery.first(10))).messages()).isEmpty();
            assertThat(await(storage.archive().query("alice@localhost", ArchiveQuery.first(10).withContact("bob@localhost")))
                    .messages()).isEmpty();
            // The bucket index expired with the data (its rows carry the same TTL).
            assertThat(session.execute(SimpleStatement.newInstance(
                    "SELECT * FROM " + ks + ".archive_buckets WHERE owner = ?", "alice@localhost")).all()).isEmpty();
            // The account itself has no TTL.
            assertThat(await(storage.accounts().exists("alice@localhost"))).isTrue();
        }
    }

    @Test
    void zeroRetentionKeepsArchivedMessagesWithoutTtl() {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_nottl")).withOfflineTtl(Duration.ZERO);
        try (CassandraStorage storage = CassandraStorage.open(session, settings)) {
            await(storage.accounts().create("alice@localhost", List.of()));
            ArchivedMessage archived = new ArchivedMessage("alice@localhost", ArchiveId.generator().next(), "bob@localhost", utf8("x"));
            await(storage.archive().append(archived));
            await(storage.offline().store(new OfflineMessage("m1", "alice@localhost", Instant.now(), utf8("hi"))));
            Row archive = session.execute(SimpleStatement.newInstance("SELECT TTL(stanza) FROM " + settings.keyspace()
                    + ".archive WHERE owner = ? AND bucket = ?", "alice@localhost", weekBucket(archived))).one();
            Row offline = session.execute(SimpleStatement.newInstance("SELECT TTL(stanza) FROM " + settings.keyspace()
                    + ".offline_messages WHERE owner = ?", "alice@localhost")).one();
            assertThat(archive.isNull(0)).isTrue();
            assertThat(offline.isNull(0)).isTrue();
        }
    }

    // ---------------------------------------------------------------- contention across nodes

    @Test
    void rosterVersionsStayExactUnderConcurrentWritersOnTwoNodes() throws Exception {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_roster"));
        CassandraSchema.migrate(session, settings);
        // Separate sessions: the per-process queue cannot help, so the conditional writes must.
        List<CassandraStorage> nodes = race(2, i -> CassandraStorage.open(settings));
        try (CassandraStorage nodeA = nodes.get(0); CassandraStorage nodeB = nodes.get(1)) {
            String owner = "alice@localhost";
            await(nodeA.accounts().create(owner, List.of()));
            int writers = 8;
            int itemsEach = 6;
            RosterItem shared = new RosterItem("shared@example.com", "Shared", Set.of("All"), Subscription.BOTH, false, false);

            long started = System.nanoTime();
            List<List<Long>> results = race(writers, w -> {
                Storage node = nodes.get(w % 2);
                List<Long> versions = new ArrayList<>();
                for (int k = 0; k < itemsEach; k++) {
                    RosterItem own = new RosterItem("c" + w + "-" + k + "@example.com", "w" + w, Set.of("g" + k),
                            Subscription.values()[k % 4], k % 2 == 0, false);
                    versions.add(await(node.rosters().put(owner, own)));
                }
                // Everyone writes the same item: a change only for the first.
                versions.add(await(node.rosters().put(owner, shared)));
                // And removes an item of its own: always a change.
                versions.add(await(node.rosters().remove(owner, "c" + w + "-0@example.com")));
                return versions;
            });
            long millis = (System.nanoTime() - started) / 1_000_000;

            long changes = (long) writers * itemsEach + 1 + writers;
            System.out.printf("roster: %d conditional changes from 2 nodes x %d writers in %d ms%n",
                    changes, writers / 2, millis);
            assertThat(await(nodeA.rosters().version(owner))).isEqualTo(changes);
            assertThat(await(nodeB.rosters().version(owner))).isEqualTo(changes);
            // Every change got its own version: own puts and removes are changes, all distinct.
            List<Long> changeVersions = new ArrayList<>();
            for (List<Long> r : results) {
                changeVersions.addAll(r.subList(0, itemsEach));
                changeVersions.add(r.get(itemsEach + 1));
            }
            assertThat(changeVersions).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(1L, changes));
            Set<Long> missing = new TreeSet<>(LongRange.closed(1, changes));
            missing.removeAll(changeVersions);
            assertThat(missing).as("the one version left is the shared item's").hasSize(1);
            assertThat(results.stream().map(r -> r.get(itemsEach))).contains(missing.iterator().next());
            Roster roster = await(nodeB.rosters().roster(owner));
            assertThat(roster.version()).isEqualTo(changes);
            assertThat(roster.items()).hasSize(writers * (itemsEach - 1) + 1).contains(shared);
            assertThat(await(nodeA.rosters().owners("shared@example.com"))).containsExactly(owner);
            assertThat(await(nodeA.rosters().owners("c0-0@example.com"))).isEmpty();
        }
    }

    // ---------------------------------------------------------------- archive buckets

    @Test
    void archiveQueriesWalkManySmallBuckets() {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_buckets"))
                .withArchiveBucketWidth(Duration.ofHours(1));
        try (CassandraStorage storage = CassandraStorage.open(session, settings)) {
            String owner = "alice@localhost";
            await(storage.accounts().create(owner, List.of()));
            // 1200 messages over 60 hours, leaving every fifth hour empty, with three contacts.
            Random random = new Random(99);
            ArchiveId ids = ArchiveId.generator();
            Instant base = Instant.parse("2025-05-01T00:00:00Z");
            List<String> contacts = List.of("bob@localhost/phone", "bob@localhost/desk", "carol@localhost");
            List<Long> times = new ArrayList<>();
            Set<Long> hours = new HashSet<>();
            while (times.size() < 1200) {
                long hour = random.nextInt(60);
                if (hour % 5 == 4) {
                    continue;
                }
                hours.add(hour);
                times.add(base.toEpochMilli() + hour * 3_600_000L + random.nextInt(3_600_000));
            }
            Collections.sort(times); // ids from one generator only increase: take them in time order
            List<ArchivedMessage> all = new ArrayList<>();
            for (long millis : times) {
                all.add(new ArchivedMessage(owner, ids.next(millis), contacts.get(random.nextInt(contacts.size())),
                        utf8("m" + all.size())));
            }
            List<ArchivedMessage> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, random);
            long started = System.nanoTime();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (ArchivedMessage m : shuffled) {
                writes.add(storage.archive().append(m).toCompletableFuture());
            }
            await(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
            System.out.printf("archive: %d appends (%d buckets) in %d ms%n", all.size(), hours.size(),
                    (System.nanoTime() - started) / 1_000_000);

            // The index names exactly the buckets that have data.
            long indexed = session.execute(SimpleStatement.newInstance("SELECT count(*) FROM " + settings.keyspace()
                    + ".archive_buckets WHERE owner = ? AND with_bare = ''", owner)).one().getLong(0);
            assertThat(indexed).isEqualTo(hours.size());

            started = System.nanoTime();
            assertThat(walk(storage, owner, ArchiveQuery.first(100), false)).containsExactlyElementsOf(all);
            assertThat(walk(storage, owner, ArchiveQuery.latest(77), true)).containsExactlyElementsOf(all);
            List<ArchivedMessage> bobs = all.stream().filter(m -> m.withBare().equals("bob@localhost")).toList();
            assertThat(walk(storage, owner, ArchiveQuery.first(50).withContact("bob@localhost"), false)).containsExactlyElementsOf(bobs);
            List<ArchivedMessage> desk = all.stream().filter(m -> m.with().equals("bob@localhost/desk")).toList();
            assertThat(walk(storage, owner, ArchiveQuery.latest(40).withContact("bob@localhost/desk"), true))
                    .containsExactlyElementsOf(desk);
            System.out.printf("archive: 4 full walks (%d pages) in %d ms%n",
                    all.size() / 100 + all.size() / 77 + bobs.size() / 50 + desk.size() / 40 + 4,
                    (System.nanoTime() - started) / 1_000_000);

            // A window from the middle of one bucket to the middle of another, crossing an empty one.
            Instant from = base.plus(Duration.ofMinutes(2 * 60 + 30));
            Instant to = base.plus(Duration.ofMinutes(6 * 60 + 30));
            List<ArchivedMessage> window = all.stream()
                    .filter(m -> !m.timestamp().isBefore(from) && !m.timestamp().isAfter(to)).toList();
            ArchivePage page = await(storage.archive().query(owner, ArchiveQuery.first(1000).between(from, to)));
            assertThat(page.messages()).containsExactlyElementsOf(window);
            assertThat(page.complete()).isTrue();
            ArchivePage last = await(storage.archive().query(owner, ArchiveQuery.latest(5).between(from, to)));
            assertThat(last.messages()).containsExactlyElementsOf(window.subList(window.size() - 5, window.size()));
            assertThat(last.complete()).isFalse();
            // Exactly full at a bucket boundary: the extra row comes from the next bucket.
            ArchivePage exact = await(storage.archive().query(owner, ArchiveQuery.first(window.size()).between(from, to)));
            assertThat(exact.messages()).hasSize(window.size());
            assertThat(exact.complete()).isTrue();
        }
    }

    private List<ArchivedMessage> walk(Storage storage, String owner, ArchiveQuery first, boolean backward) {
        List<List<ArchivedMessage>> pages = new ArrayList<>();
        ArchiveQuery q = first;
        while (true) {
            ArchivePage page = await(storage.archive().query(owner, q));
            pages.add(page.messages());
            if (page.complete()) {
                break;
            }
            assertThat(page.messages()).hasSize(q.limit());
            q = backward ? q.before(page.messages().get(0).id()) : q.after(page.messages().get(page.messages().size() - 1).id());
        }
        if (backward) {
            Collections.reverse(pages);
        }
        return pages.stream().flatMap(List::stream).collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- threads and errors

    @Test
    void stagesCompleteOnTheStoragePoolNotOnDriverThreads() {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_threads"));
        try (CassandraStorage storage = CassandraStorage.open(session, settings)) {
            String thread = await(storage.accounts().exists("alice@localhost").thenApply(v -> Thread.currentThread().getName()));
            assertThat(thread).startsWith("cassandra-storage-");
            String failing = await(storage.offline().store(new OfflineMessage("m", "nobody@localhost", Instant.now(), utf8("x")))
                    .handle((v, e) -> Thread.currentThread().getName()));
            assertThat(failing).startsWith("cassandra-storage-");
            // Closing from a storage thread would wait for itself: refused.
            Throwable refused = await(storage.accounts().exists("x").handle((v, e) -> {
                try {
                    storage.close();
                    return null;
                } catch (IllegalStateException expected) {
                    return expected;
                }
            }));
            assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessageContaining("storage thread");
        }
    }

    @Test
    void unreachableClusterFailsOpenWithAClearMessage() {
        CassandraSettings settings = CassandraSettings.defaults(List.of("127.0.0.1:1"), "datacenter1")
                .withKeyspace("sb_unreachable");
        assertThatThrownBy(() -> CassandraStorage.open(settings))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("cannot connect to Cassandra at [127.0.0.1:1]");
    }

    @Test
    void driverErrorsBecomeStorageExceptionsThatSayWhatHappened() throws Exception {
        CassandraSettings settings = CassandraTestSupport.settings(keyspace("sb_errors"));
        CassandraSchema.migrate(session, settings);
        // A datacenter that does not exist: the driver has no node to send anything to.
        CassandraSettings wrongDc = new CassandraSettings(settings.contactPoints(), "no-such-dc", settings.keyspace(),
                settings.replication(), settings.consistency(), settings.serialConsistency(), Duration.ofSeconds(2),
                SchemaMode.NONE, settings.offlineTtl(), settings.archiveRetention(), settings.archiveBucketWidth(), null, null);
        assertThatThrownBy(() -> CassandraStorage.open(wrongDc))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(settings.keyspace());

        // An operation whose session went away under it.
        CqlSession own = CassandraStorage.connect(settings);
        CassandraStorage storage = CassandraStorage.open(own, settings);
        own.close();
        Throwable failure = awaitFailure(storage.accounts().find("alice@localhost"));
        assertThat(failure).isInstanceOf(StorageException.class)
                .hasMessageContaining("keyspace " + settings.keyspace())
                .hasMessageContaining("find account alice@localhost failed");
        storage.close();
    }

    // ---------------------------------------------------------------- helpers

    /** The bucket of a message under the default 7-day width (buckets are aligned to the Unix epoch). */
    private static Instant weekBucket(ArchivedMessage m) {
        long width = Duration.ofDays(7).toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(m.timestamp().toEpochMilli(), width) * width);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Throwable awaitFailure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @FunctionalInterface
    private interface Task<T> {
        T run(int index) throws Exception;
    }

    private static <T> List<T> race(int n, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final class LongRange {
        static List<Long> closed(long from, long to) {
            List<Long> values = new ArrayList<>();
            for (long v = from; v <= to; v++) {
                values.add(v);
            }
            return values;
        }
    }
}
