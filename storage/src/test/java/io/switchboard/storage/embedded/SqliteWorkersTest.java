package io.switchboard.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.storage.StorageException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Retry, rollback and error mapping of the worker layer, forced with synthetic failures. */
class SqliteWorkersTest {

    @TempDir
    Path dir;

    @Test
    void recognisesBusyAndLockedIncludingExtendedCodes() {
        assertThat(SqliteWorkers.isBusy(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY))).isTrue();
        assertThat(SqliteWorkers.isBusy(new SQLiteException("snapshot", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT))).isTrue();
        assertThat(SqliteWorkers.isBusy(new SQLiteException("locked", SQLiteErrorCode.SQLITE_LOCKED))).isTrue();
        assertThat(SqliteWorkers.isBusy(new SQLiteException("constraint", SQLiteErrorCode.SQLITE_CONSTRAINT))).isFalse();
        assertThat(SqliteWorkers.isBusy(new SQLException("plain"))).isFalse();
    }

    @Test
    void busyWriteIsRetriedAndEarlierAttemptsRolledBack() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            AtomicInteger attempts = new AtomicInteger();

            CompletableFuture<Integer> result = storage.workers().write("flaky", c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO accounts (bare_jid, created_at) VALUES ('a@localhost', 0)");
                }
                if (attempts.incrementAndGet() < 3) {
                    throw new SQLiteException("simulated", SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT);
                }
                return attempts.get();
            }).toCompletableFuture();

            // Had the failed attempts not rolled back, the third insert would hit the primary key.
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(3);
            assertThat(storage.accounts().count().toCompletableFuture().get()).isEqualTo(1L);
        }
    }

    @Test
    void persistentBusyGivesUpWithStorageException() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            AtomicInteger attempts = new AtomicInteger();

            CompletableFuture<Object> result = storage.workers().write("always busy", c -> {
                attempts.incrementAndGet();
                throw new SQLiteException("simulated", SQLiteErrorCode.SQLITE_BUSY);
            }).toCompletableFuture();

            assertThat(result).failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(StorageException.class)
                    .withMessageContaining("always busy")
                    .withMessageContaining(storage.databaseFile().toString());
            assertThat(attempts.get()).isBetween(2, 10);
        }
    }

    @Test
    void otherErrorsAreNotRetriedAndBecomeStorageExceptions() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            AtomicInteger attempts = new AtomicInteger();

            CompletableFuture<Object> sqlFailure = storage.workers().read("bad sql", c -> {
                attempts.incrementAndGet();
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM no_such_table");
                }
                return null;
            }).toCompletableFuture();
            CompletableFuture<Object> bug = storage.workers().read("bug", c -> {
                throw new IllegalStateException("boom");
            }).toCompletableFuture();

            assertThat(sqlFailure).failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(StorageException.class).withMessageContaining("no_such_table");
            assertThat(attempts.get()).isEqualTo(1);
            assertThat(bug).failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(StorageException.class).withMessageContaining("boom");
        }
    }

    @Test
    void writesQueuedTogetherShareOneCommitAndAFailingOneRollsBackOnlyItself() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir)) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            // Hold the writer so the next writes queue up and are drained as one group.
            CompletableFuture<Object> blocker = storage.workers().write("blocker", c -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }).toCompletableFuture();
            java.util.List<CompletableFuture<Integer>> writes = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                writes.add(storage.workers().write("insert " + n, c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO accounts (bare_jid, created_at) VALUES ('u" + n + "@localhost', 0)");
                    }
                    if (n == 25) {
                        throw new IllegalStateException("write 25 fails after its insert");
                    }
                    return n;
                }).toCompletableFuture());
            }
            release.countDown();
            blocker.get(10, TimeUnit.SECONDS);

            for (int i = 0; i < 50; i++) {
                if (i == 25) {
                    assertThat(writes.get(i)).failsWithin(10, TimeUnit.SECONDS)
                            .withThrowableOfType(ExecutionException.class)
                            .havingCause().isInstanceOf(StorageException.class).withMessageContaining("write 25 fails");
                } else {
                    assertThat(writes.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
                }
            }
            assertThat(storage.accounts().count().toCompletableFuture().get()).isEqualTo(49L);
            assertThat(storage.accounts().exists("u25@localhost").toCompletableFuture().get()).isFalse();
        }
    }
}
