package io.switchboard.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.Account;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.PendingSubscription;
import io.switchboard.storage.Roster;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQLite-specific behaviour not covered by the backend-neutral contract. */
class EmbeddedStorageTest {

    @TempDir
    Path dir;

    @Test
    void openCreatesDirectoryAndDatabaseFile() {
        Path nested = dir.resolve("a/b/data");

        try (EmbeddedStorage storage = EmbeddedStorage.open(nested)) {
            Path file = nested.resolve(EmbeddedStorage.DATABASE_FILE_NAME).toAbsolutePath();
            assertThat(file).isRegularFile();
            assertThat(storage.databaseFile()).isEqualTo(file);
            assertThat(storage.description()).isEqualTo("embedded SQLite at " + file);
        }
    }

    @Test
    void schemaVersionIsRecorded() throws Exception {
        EmbeddedStorage.open(dir).close();

        try (Connection c = raw(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, applied_at FROM schema_version ORDER BY version")) {
            List<Integer> versions = new ArrayList<>();
            while (rs.next()) {
                versions.add(rs.getInt(1));
                assertThat(rs.getString(2)).isNotBlank();
                assertThat(rs.getLong(3)).isPositive();
            }
            assertThat(versions).hasSize(EmbeddedStorage.latestSchemaVersion());
            assertThat(versions.get(versions.size() - 1)).isEqualTo(EmbeddedStorage.latestSchemaVersion());
        }
        assertThat(tables()).contains("accounts", "scram_credentials", "offline_messages", "schema_version",
                "roster_versions", "roster_items", "roster_groups", "pending_subscriptions",
                "archive_messages", "archive_prefs", "archive_prefs_jids", "vcards", "private_xml", "blocked_jids");
        assertThat(Migrations.LATEST_VERSION).isEqualTo(3);
    }

    @Test
    void reopeningDoesNotRerunMigrations() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            await(storage.accounts().create("alice@localhost", List.of()));
        }
        List<String> before = schemaVersionRows();

        // A clock far in the future: any re-applied migration would record a different applied_at
        // (or collide on the version primary key).
        Clock later = Clock.fixed(Instant.parse("2999-01-01T00:00:00Z"), ZoneOffset.UTC);
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir, later)) {
            assertThat(await(storage.accounts().exists("alice@localhost"))).isTrue();
        }

        assertThat(schemaVersionRows()).isEqualTo(before);
    }

    @Test
    void migratorAppliesOnlyNewMigrations() throws Exception {
        EmbeddedStorage.open(dir).close();
        List<Migration> withNext = new ArrayList<>(Migrations.ALL);
        int next = Migrations.LATEST_VERSION + 1;
        withNext.add(new Migration(next, "test table", """
                CREATE TABLE test_extra (id INTEGER PRIMARY KEY);
                INSERT INTO test_extra (id) VALUES (1);"""));

        try (Connection c = raw()) {
            assertThat(SchemaMigrator.migrate(c, withNext, Clock.systemUTC(), "test")).isEqualTo(1);
            assertThat(SchemaMigrator.migrate(c, withNext, Clock.systemUTC(), "test")).isZero();
            assertThat(SchemaMigrator.currentVersion(c)).isEqualTo(next);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM test_extra")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1); // the script ran once, both statements
            }
        }
    }

    @Test
    void failedMigrationLeavesNothingBehind() throws Exception {
        EmbeddedStorage.open(dir).close();
        List<Migration> withBroken = new ArrayList<>(Migrations.ALL);
        withBroken.add(new Migration(Migrations.LATEST_VERSION + 1, "broken", """
                CREATE TABLE half_done (id INTEGER);
                THIS IS NOT SQL;"""));

        try (Connection c = raw()) {
            assertThatThrownBy(() -> SchemaMigrator.migrate(c, withBroken, Clock.systemUTC(), "test"))
                    .isInstanceOf(SQLException.class);
            assertThat(SchemaMigrator.currentVersion(c)).isEqualTo(Migrations.LATEST_VERSION);
        }
        assertThat(tables()).doesNotContain("half_done");
    }

    @Test
    void refusesDatabaseWithNewerSchema() throws Exception {
        EmbeddedStorage.open(dir).close();
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)");
        }

        assertThatThrownBy(() -> EmbeddedStorage.open(dir))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file().toString())
                .hasMessageContaining("999");
    }

    @Test
    void sqliteSettings() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            try (Connection c = new SqliteWorkers(file(), 1).openConnection()) {
                assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
                assertThat(pragma(c, "foreign_keys")).isEqualTo("1");
                assertThat(pragma(c, "synchronous")).isEqualTo("1"); // NORMAL
                assertThat(pragma(c, "busy_timeout")).isEqualTo("5000");
                assertThat(pragma(c, "encoding")).isEqualTo("UTF-8");
            }
        }
        // WAL is persistent: even a plain connection (another tool) sees it.
        try (Connection c = raw()) {
            assertThat(pragma(c, "journal_mode")).isEqualTo("wal");
        }
    }

    @Test
    void twoInstancesOnOneDirectorySeeEachOthersWrites() throws Exception {
        try (EmbeddedStorage server = EmbeddedStorage.open(dir); EmbeddedStorage cli = EmbeddedStorage.open(dir)) {
            assertThat(await(cli.accounts().create("alice@localhost", List.of(credential("pw"))))).isTrue();
            assertThat(await(server.accounts().find("alice@localhost"))).isPresent();
            assertThat(await(server.accounts().create("alice@localhost", List.of()))).isFalse();

            OfflineMessage m = new OfflineMessage("m1", "alice@localhost",
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), "<message/>".getBytes(StandardCharsets.UTF_8));
            await(server.offline().store(m));
            assertThat(await(cli.offline().fetch("alice@localhost", 10))).containsExactly(m);

            assertThat(await(cli.accounts().delete("alice@localhost"))).isTrue();
            assertThat(await(server.accounts().exists("alice@localhost"))).isFalse();
            assertThat(await(server.offline().count("alice@localhost"))).isZero();
        }
    }

    @Test
    void concurrentCreatesAcrossInstancesHaveExactlyOneWinner() throws Exception {
        try (EmbeddedStorage a = EmbeddedStorage.open(dir); EmbeddedStorage b = EmbeddedStorage.open(dir)) {
            int contenders = 20;
            ExecutorService pool = Executors.newFixedThreadPool(contenders);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    EmbeddedStorage target = i % 2 == 0 ? a : b;
                    results.add(pool.submit(() -> {
                        start.await();
                        return await(target.accounts().create("alice@localhost", List.of()));
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> result : results) {
                    winners += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(winners).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void writeWaitsForLockHeldByAnotherConnection() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir); Connection other = raw()) {
            // Another process (e.g. the admin CLI) in the middle of a write transaction.
            try (Statement s = other.createStatement()) {
                s.executeUpdate("PRAGMA busy_timeout = 5000");
                s.executeUpdate("BEGIN IMMEDIATE");
                s.executeUpdate("INSERT INTO accounts (bare_jid, created_at) VALUES ('held@localhost', 0)");
            }

            CompletableFuture<Boolean> create = storage.accounts().create("bob@localhost", List.of()).toCompletableFuture();
            Thread.sleep(300);
            assertThat(create).isNotDone();

            try (Statement s = other.createStatement()) {
                s.executeUpdate("COMMIT");
            }
            assertThat(create.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(await(storage.accounts().list(null, 10))).containsExactly("bob@localhost", "held@localhost");
        }
    }

    @Test
    void corruptFileFailsNamingThePath() throws Exception {
        byte[] garbage = "this is definitely not an SQLite database\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
        Files.write(file(), garbage);

        assertThatThrownBy(() -> EmbeddedStorage.open(dir))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file().toString());
    }

    @Test
    void dataDirectoryThatIsAFileFailsNamingThePath() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");

        assertThatThrownBy(() -> EmbeddedStorage.open(notADirectory))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(notADirectory.toString());
    }

    @Test
    void databasePathThatIsADirectoryFailsNamingThePath() throws Exception {
        Files.createDirectory(file());

        assertThatThrownBy(() -> EmbeddedStorage.open(dir))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file().toString());
    }

    @Test
    void closeDrainsQueuedWork() {
        EmbeddedStorage storage = EmbeddedStorage.open(dir);
        List<CompletableFuture<Boolean>> creates = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            creates.add(storage.accounts().create("user" + i + "@localhost", List.of()).toCompletableFuture());
        }

        storage.close();

        assertThat(creates).allSatisfy(f -> assertThat(f).isCompletedWithValue(true));
        try (EmbeddedStorage reopened = EmbeddedStorage.open(dir)) {
            assertThat(await(reopened.accounts().count())).isEqualTo(200L);
        }
    }

    @Test
    void runsOnNamedDaemonThreads() {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            await(storage.accounts().create("alice@localhost", List.of()));
            await(storage.accounts().count());

            List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().matches("storage-embedded-\\d+"))
                    .toList();
            assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
        }
    }

    @Test
    void closeFromAStorageThreadIsRefused() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            CountDownLatch release = new CountDownLatch(1);
            // Block the writer so the continuation is attached before completion and therefore
            // runs on the storage thread that completes the stage.
            storage.workers().write("block", c -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new SQLException(e);
                }
                return null;
            });
            CompletionStage<Object> attempt = storage.accounts().create("alice@localhost", List.of())
                    .thenApply(created -> {
                        try {
                            storage.close();
                            return "closed";
                        } catch (IllegalStateException e) {
                            return e;
                        }
                    });
            release.countDown();
            assertThat(attempt.toCompletableFuture().get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void noPlaintextPasswordOnDisk() throws Exception {
        String password = "correct horse battery staple";
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            await(storage.accounts().create("alice@localhost", List.of(
                    ScramCredential.generate(ScramAlgorithm.SHA_1, password, 4096),
                    ScramCredential.generate(ScramAlgorithm.SHA_256, password, 4096))));
        }

        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain(password).doesNotContain("correct horse");
            }
        }
    }

    @Test
    void credentialsWithUnknownMechanismAreIgnored() throws Exception {
        ScramCredential sha256 = credential("pw");
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            await(storage.accounts().create("alice@localhost", List.of(sha256)));
            // As a future version supporting another mechanism might have written it.
            try (Connection c = raw(); PreparedStatement s = c.prepareStatement("""
                    INSERT INTO scram_credentials (bare_jid, algorithm, salt, iterations, stored_key, server_key)
                    VALUES ('alice@localhost', 'SCRAM-SHA-512', x'01', 4096, x'02', x'03')""")) {
                s.executeUpdate();
            }

            Account account = await(storage.accounts().find("alice@localhost")).orElseThrow();
            assertThat(account.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_256);
        }
    }

    // ---------------------------------------------------------------- rosters

    @Test
    void rosterMigrationAppliesToADatabaseFromTheReleaseBefore() throws Exception {
        // What the release before rosters left on disk: schema version 1, with data in it.
        ScramCredential credential = credential("pw");
        OfflineMessage m = new OfflineMessage("m1", "alice@localhost",
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "<message/>".getBytes(StandardCharsets.UTF_8));
        try (EmbeddedStorage old = EmbeddedStorage.open(dir, Clock.systemUTC(), Migrations.ALL.subList(0, 1))) {
            await(old.accounts().create("alice@localhost", List.of(credential)));
            await(old.accounts().create("bob@localhost", List.of()));
            await(old.offline().store(m));
        }
        try (Connection c = raw()) {
            assertThat(SchemaMigrator.currentVersion(c)).isEqualTo(1);
        }
        assertThat(tables()).doesNotContain("roster_items", "pending_subscriptions");
        List<String> version1Row = schemaVersionRows();

        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            // Old data intact...
            Account alice = await(storage.accounts().find("alice@localhost")).orElseThrow();
            assertThat(alice.credential(ScramAlgorithm.SHA_256).orElseThrow().verifyPassword("pw")).isTrue();
            assertThat(await(storage.offline().fetch("alice@localhost", 10))).containsExactly(m);
            // ...and the new tables work, starting empty.
            assertThat(await(storage.rosters().roster("alice@localhost"))).isEqualTo(Roster.EMPTY);
            RosterItem bob = new RosterItem("bob@localhost", "Bob", Set.of("Friends"), Subscription.BOTH, false, false);
            assertThat(await(storage.rosters().put("alice@localhost", bob))).isEqualTo(1L);
            await(storage.rosters().addPending("bob@localhost", new PendingSubscription("carol@localhost",
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), new byte[] {1})));
            assertThat(await(storage.rosters().owners("bob@localhost"))).containsExactly("alice@localhost");
            // Account deletion, whose SQL now touches the new tables, works on the upgraded file.
            assertThat(await(storage.accounts().delete("alice@localhost"))).isTrue();
            assertThat(await(storage.rosters().owners("bob@localhost"))).isEmpty();
        }

        List<String> rows = schemaVersionRows();
        assertThat(rows).hasSize(Migrations.LATEST_VERSION);
        assertThat(rows.get(0)).isEqualTo(version1Row.get(0)); // migration 1 not re-run
        assertThat(rows.get(1)).startsWith("2|");
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            assertThat(await(storage.rosters().pending("bob@localhost"))).hasSize(1);
        }
    }

    @Test
    void ownersIsAnsweredFromTheContactIndex() throws Exception {
        EmbeddedStorage.open(dir).close();

        try (Connection c = raw(); PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + EmbeddedRosterStore.OWNERS_SQL)) {
            s.setString(1, "bob@localhost");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
            // e.g. "SEARCH roster_items USING COVERING INDEX roster_items_by_contact (contact=?)"
            assertThat(plan.toString()).contains("roster_items_by_contact").doesNotContain("SCAN")
                    .doesNotContain("TEMP B-TREE");
        }
    }

    @Test
    void itemChangeAndVersionBumpCommitTogether() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            await(storage.accounts().create("alice@localhost", List.of()));
            RosterItem bob = RosterItem.of("bob@localhost").withGroups(List.of("Friends"));
            await(storage.rosters().put("alice@localhost", bob));
            // Failures injected after the item row is written: once while writing the groups, once
            // while bumping the version (the last step).
            try (Connection c = raw(); Statement s = c.createStatement()) {
                s.executeUpdate("""
                        CREATE TRIGGER fail_group BEFORE INSERT ON roster_groups WHEN NEW.name = 'boom'
                        BEGIN SELECT RAISE(ABORT, 'injected group failure'); END""");
                s.executeUpdate("""
                        CREATE TRIGGER fail_bump BEFORE UPDATE ON roster_versions WHEN NEW.version = 3
                        BEGIN SELECT RAISE(ABORT, 'injected version failure'); END""");
            }

            assertThat(failure(storage.rosters().put("alice@localhost",
                    bob.withName("Bob").withGroups(List.of("Friends", "boom")))))
                    .isInstanceOf(StorageException.class).hasMessageContaining("injected group failure");
            assertThat(await(storage.rosters().roster("alice@localhost"))).isEqualTo(new Roster(1, List.of(bob)));

            RosterItem carol = RosterItem.of("carol@localhost");
            assertThat(await(storage.rosters().put("alice@localhost", carol))).isEqualTo(2L);
            assertThat(failure(storage.rosters().put("alice@localhost", RosterItem.of("dave@localhost"))))
                    .isInstanceOf(StorageException.class).hasMessageContaining("injected version failure");
            assertThat(failure(storage.rosters().remove("alice@localhost", "bob@localhost")))
                    .isInstanceOf(StorageException.class).hasMessageContaining("injected version failure");
            assertThat(await(storage.rosters().roster("alice@localhost"))).isEqualTo(new Roster(2, List.of(bob, carol)));
            assertThat(await(storage.rosters().owners("dave@localhost"))).isEmpty();
        }
    }

    @Test
    void concurrentRosterWritesAcrossInstancesGetDistinctVersions() throws Exception {
        try (EmbeddedStorage a = EmbeddedStorage.open(dir); EmbeddedStorage b = EmbeddedStorage.open(dir)) {
            await(a.accounts().create("alice@localhost", List.of()));
            int writers = 20;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Long>> results = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    EmbeddedStorage target = i % 2 == 0 ? a : b;
                    RosterItem item = RosterItem.of("c" + i + "@localhost");
                    results.add(pool.submit(() -> {
                        start.await();
                        return await(target.rosters().put("alice@localhost", item));
                    }));
                }
                start.countDown();
                List<Long> versions = new ArrayList<>();
                for (Future<Long> result : results) {
                    versions.add(result.get(30, TimeUnit.SECONDS));
                }
                assertThat(versions).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(1L, (long) writers));
                assertThat(await(b.rosters().roster("alice@localhost")).items()).hasSize(writers);
                assertThat(await(a.rosters().version("alice@localhost"))).isEqualTo(writers);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---------------------------------------------------------------- archive, vCards, private XML, block lists

    @Test
    void archiveMigrationAppliesToADatabaseFromTheReleaseBefore() throws Exception {
        // What the release before archives left on disk: schema version 2, with data in every table.
        ScramCredential credential = credential("pw");
        OfflineMessage m = new OfflineMessage("m1", "alice@localhost",
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "<message/>".getBytes(StandardCharsets.UTF_8));
        RosterItem bob = new RosterItem("bob@localhost", "Bob", Set.of("Friends"), Subscription.BOTH, false, false);
        PendingSubscription request = new PendingSubscription("carol@localhost",
                Instant.now().truncatedTo(ChronoUnit.MILLIS), new byte[] {1, 2});
        try (EmbeddedStorage old = EmbeddedStorage.open(dir, Clock.systemUTC(), Migrations.ALL.subList(0, 2))) {
            await(old.accounts().create("alice@localhost", List.of(credential)));
            await(old.accounts().create("bob@localhost", List.of()));
            await(old.offline().store(m));
            await(old.rosters().put("alice@localhost", bob));
            await(old.rosters().addPending("alice@localhost", request));
        }
        try (Connection c = raw()) {
            assertThat(SchemaMigrator.currentVersion(c)).isEqualTo(2);
        }
        assertThat(tables()).doesNotContain("archive_messages", "vcards", "private_xml", "blocked_jids");
        List<String> oldRows = schemaVersionRows();

        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            // Old data intact...
            Account alice = await(storage.accounts().find("alice@localhost")).orElseThrow();
            assertThat(alice.credential(ScramAlgorithm.SHA_256).orElseThrow().verifyPassword("pw")).isTrue();
            assertThat(await(storage.offline().fetch("alice@localhost", 10))).containsExactly(m);
            assertThat(await(storage.rosters().roster("alice@localhost"))).isEqualTo(new Roster(1, List.of(bob)));
            assertThat(await(storage.rosters().pending("alice@localhost"))).containsExactly(request);
            // ...and the new tables work, starting empty.
            assertThat(await(storage.archive().query("alice@localhost", ArchiveQuery.first(10))))
                    .isEqualTo(new ArchivePage(List.of(), true));
            ArchivedMessage archived = new ArchivedMessage("alice@localhost", ArchiveId.generator().next(),
                    "bob@localhost/phone", new byte[] {7});
            await(storage.archive().append(archived));
            await(storage.vcards().put("bob@localhost", new byte[] {8}));
            await(storage.privateXml().put("bob@localhost", "{storage:bookmarks}storage", new byte[] {9}));
            await(storage.blocking().block("bob@localhost", List.of("spam@example.com")));
            assertThat(await(storage.archive().query("alice@localhost", ArchiveQuery.latest(10).withContact("bob@localhost")))
                    .messages()).containsExactly(archived);
            // Account deletion, whose SQL now touches the new tables, works on the upgraded file.
            assertThat(await(storage.accounts().delete("bob@localhost"))).isTrue();
            assertThat(await(storage.vcards().get("bob@localhost"))).isEmpty();
            assertThat(await(storage.blocking().blocked("bob@localhost"))).isEmpty();
        }

        List<String> rows = schemaVersionRows();
        assertThat(rows).hasSize(3);
        assertThat(rows.subList(0, 2)).isEqualTo(oldRows); // migrations 1 and 2 not re-run
        assertThat(rows.get(2)).startsWith("3|");
    }

    @Test
    void archiveQueriesAreAnsweredFromAnIndexInIndexOrder() throws Exception {
        EmbeddedStorage.open(dir).close();

        for (int with = 0; with <= 2; with++) {
            for (boolean newest : new boolean[] {false, true}) {
                String sql = EmbeddedArchiveStore.querySql(with, newest);
                List<Object> parameters = new ArrayList<>(List.of("alice@localhost", "bob@localhost", "bob@localhost/phone"));
                parameters.subList(1 + with, 3).clear();
                parameters.addAll(List.of(0L, Long.MAX_VALUE, 11L));
                String plan = plan(sql, parameters.toArray());
                // e.g. "SEARCH archive_messages USING INDEX archive_messages_by_contact (owner=? AND with_bare=? AND id>? AND id<?)"
                assertThat(plan).as(sql)
                        .contains(with == 0 ? "archive_messages_by_owner (owner=? AND id>? AND id<?)"
                                : "archive_messages_by_contact (owner=? AND with_bare=? AND id>? AND id<?)")
                        .doesNotContain("SCAN").doesNotContain("TEMP B-TREE");
            }
        }
    }

    @Test
    void purgesSeekPerOwnerAndByAgeInsteadOfScanning() throws Exception {
        EmbeddedStorage.open(dir).close();

        String archivePlan = plan(EmbeddedStorage.PURGE_ARCHIVE_SQL, 1000L, 10L);
        assertThat(archivePlan).contains("archive_messages_by_owner (owner=? AND id<?)").doesNotContain("SCAN archive_messages");
        String offlinePlan = plan(EmbeddedStorage.PURGE_OFFLINE_SQL, 1000L, 10L);
        assertThat(offlinePlan).contains("offline_messages_by_age (stored_at<?)").doesNotContain("SCAN offline_messages");
    }

    @Test
    void accountDeletionCascadesInOneTransaction() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            String alice = "alice@localhost";
            await(storage.accounts().create(alice, List.of()));
            ArchivedMessage archived = new ArchivedMessage(alice, ArchiveId.generator().next(), "bob@localhost", new byte[] {1});
            await(storage.archive().append(archived));
            ArchivePrefs prefs = new ArchivePrefs(ArchivePrefs.Mode.NEVER, Set.of("bob@localhost"), Set.of());
            await(storage.archive().setPrefs(alice, prefs));
            await(storage.vcards().put(alice, new byte[] {2}));
            await(storage.privateXml().put(alice, "{a}b", new byte[] {3}));
            await(storage.blocking().block(alice, List.of("spam@example.com")));
            // Fail the very last statement of the cascade: everything before it must roll back.
            try (Connection c = raw(); Statement s = c.createStatement()) {
                s.executeUpdate("""
                        CREATE TRIGGER fail_account_delete BEFORE DELETE ON accounts
                        BEGIN SELECT RAISE(ABORT, 'injected delete failure'); END""");
            }

            assertThat(failure(storage.accounts().delete(alice)))
                    .isInstanceOf(StorageException.class).hasMessageContaining("injected delete failure");

            assertThat(await(storage.archive().query(alice, ArchiveQuery.first(10))).messages()).containsExactly(archived);
            assertThat(await(storage.archive().prefs(alice))).isEqualTo(prefs);
            assertThat(await(storage.vcards().get(alice))).hasValueSatisfying(v -> assertThat(v).containsExactly(2));
            assertThat(await(storage.privateXml().get(alice, "{a}b"))).hasValueSatisfying(v -> assertThat(v).containsExactly(3));
            assertThat(await(storage.blocking().blocked(alice))).containsExactly("spam@example.com");

            try (Connection c = raw(); Statement s = c.createStatement()) {
                s.executeUpdate("DROP TRIGGER fail_account_delete");
            }
            assertThat(await(storage.accounts().delete(alice))).isTrue();
            for (String table : List.of("archive_messages", "archive_prefs", "archive_prefs_jids", "vcards", "private_xml",
                    "blocked_jids")) {
                assertThat(count(table)).as(table).isZero();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** EXPLAIN QUERY PLAN of {@code sql} with the given parameters, one detail line per step. */
    private String plan(String sql, Object... parameters) throws SQLException {
        try (Connection c = raw(); PreparedStatement s = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString("detail")).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private long count(String table) throws SQLException {
        try (Connection c = raw(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Path file() {
        return dir.resolve(EmbeddedStorage.DATABASE_FILE_NAME).toAbsolutePath();
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file());
    }

    private List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = raw(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private List<String> schemaVersionRows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = raw(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, applied_at FROM schema_version ORDER BY version")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getLong(3));
            }
        }
        return rows;
    }

    private static String pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static ScramCredential credential(String password) {
        return ScramCredential.generate(ScramAlgorithm.SHA_256, password, 4096);
    }

    private static Throwable failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the stage to fail");
    }

    private static <T> T await(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }
}
