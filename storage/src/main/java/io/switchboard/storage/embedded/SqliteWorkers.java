package io.switchboard.storage.embedded;

import io.switchboard.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Runs blocking JDBC work off the caller's thread and turns it into {@link CompletionStage}s.
 *
 * <p>Threads: one writer and a few readers, each with its own {@link Connection} (JDBC
 * connections are not meant to be shared between threads, and SQLite in WAL mode lets readers
 * proceed while a write is in progress). All writes of this process go through the single writer
 * thread: SQLite allows one writer per file anyway, and funnelling them in-process means our own
 * writes never fight each other for the lock (which SQLite resolves by sleeping in the busy
 * handler), and that writes queued together can share one commit. Contention with another process (the admin CLI) is left to busy_timeout plus a short
 * retry.
 */
final class SqliteWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteWorkers.class);

    /** How long SQLite itself waits for a lock held by another connection before reporting SQLITE_BUSY. */
    static final int BUSY_TIMEOUT_MILLIS = 5000;

    /**
     * Extra attempts after SQLITE_BUSY/SQLITE_LOCKED. busy_timeout already covers ordinary lock
     * waits; these catch the cases where SQLite returns BUSY without waiting (e.g. a WAL snapshot
     * went stale, or recovery after another process crashed).
     */
    private static final int BUSY_ATTEMPTS = 4;
    private static final long BUSY_BACKOFF_MILLIS = 25;

    /** How long close() waits for queued work; far above any sane query, it only guards against hangs. */
    private static final long DRAIN_TIMEOUT_SECONDS = 30;

    /** Most writes committed together; bounds how long one group holds the write lock. */
    static final int MAX_GROUP = 256;

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final Path databaseFile;
    private final String url;
    private final ExecutorService writer;
    private final ExecutorService readers;
    private final ThreadLocal<Connection> threadConnection = new ThreadLocal<>();
    /** Writes waiting for the writer thread, which takes them in groups (see {@link #drainWrites}). */
    private final Queue<WriteTask<?>> pendingWrites = new ConcurrentLinkedQueue<>();
    // Every connection ever opened, so close() can close them after the threads have stopped.
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A unit of blocking JDBC work, run on a storage thread with that thread's connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    SqliteWorkers(Path databaseFile, int readerThreads) {
        this.databaseFile = databaseFile;
        this.url = "jdbc:sqlite:" + databaseFile;
        this.writer = newPool(1);
        this.readers = newPool(readerThreads);
    }

    Path databaseFile() {
        return databaseFile;
    }

    /**
     * Opens a configured connection. Used by the workers and, once, by the opening thread to
     * migrate the schema.
     */
    Connection openConnection() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        // Also set by the pragma below; set here too so the driver's own default (3 s) never applies.
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        // Only matters when the file is created; UTF-8 makes BINARY collation sort by code point.
        config.setEncoding(SQLiteConfig.Encoding.UTF8);
        Connection connection = DriverManager.getConnection(url, config.toProperties());
        try (Statement statement = connection.createStatement()) {
            // Per-connection settings, busy_timeout first so the others already wait for locks.
            statement.executeUpdate("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
            // Off by default in SQLite; needed for ON DELETE CASCADE and the offline→account check.
            statement.executeUpdate("PRAGMA foreign_keys = ON");
            // In WAL mode NORMAL is still crash-safe for the database; only the last commits before
            // a power loss may roll back. FULL would fsync on every commit.
            statement.executeUpdate("PRAGMA synchronous = NORMAL");
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
        return connection;
    }

    /** Runs read-only work on a reader thread. Each statement is its own consistent snapshot. */
    <T> CompletionStage<T> read(String operation, SqlWork<T> work) {
        return submit(readers, operation, work);
    }

    /**
     * Runs work in a {@code BEGIN IMMEDIATE} transaction on the writer thread. IMMEDIATE takes the
     * write lock up front: a deferred transaction that reads first and writes later can get
     * SQLITE_BUSY without the busy handler ever waiting, when another process wrote in between.
     * Whatever the work throws rolls the transaction back.
     */
    <T> CompletionStage<T> write(String operation, SqlWork<T> work) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException(operation));
        }
        WriteTask<T> task = new WriteTask<>(operation, work);
        pendingWrites.add(task);
        try {
            writer.execute(this::drainWrites);
        } catch (RejectedExecutionException e) {
            // close() raced with this call; an earlier drain may still have taken the task
            if (pendingWrites.remove(task)) {
                task.result.completeExceptionally(closedException(operation));
            }
        }
        return task.result;
    }

    /**
     * Group commit: runs every write queued so far (up to {@link #MAX_GROUP}) in one transaction,
     * each inside its own savepoint, so one failing write rolls back only itself. A commit is the
     * expensive part of a small write (WAL append, lock hand-over), and under load many writes wait
     * behind each other anyway (e.g. two archive appends per chat message): sharing one commit
     * multiplies throughput without changing what any single write sees or does. Results are
     * handed out only after the commit, so nobody learns of a write that could still roll back.
     */
    private void drainWrites() {
        List<WriteTask<?>> group = new ArrayList<>();
        for (WriteTask<?> t; group.size() < MAX_GROUP && (t = pendingWrites.poll()) != null; ) {
            group.add(t);
        }
        if (group.isEmpty()) {
            return; // an earlier drain took this call's task
        }
        if (group.size() == 1) {
            group.get(0).runAlone();
            return;
        }
        Connection connection;
        try {
            connection = connection();
            runWithRetry("begin group commit", c -> {
                try (Statement statement = c.createStatement()) {
                    statement.executeUpdate("BEGIN IMMEDIATE");
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            group.forEach(WriteTask::runAlone); // each on its own, with its own retries and errors
            return;
        }
        try {
            for (WriteTask<?> task : group) {
                task.runInSavepoint(connection);
            }
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("COMMIT");
            }
        } catch (SQLException | RuntimeException e) {
            // The transaction itself is gone (SQLite rolls back on some errors, or the commit
            // failed): none of the group's writes happened. Run each on its own instead.
            rollbackQuietly(connection);
            LOG.debug("Group commit of {} writes on {} failed ({}); running them one by one",
                    group.size(), databaseFile, e.toString());
            group.forEach(WriteTask::reset);
            group.forEach(WriteTask::runAlone);
            return;
        }
        group.forEach(WriteTask::complete);
    }

    /** One queued write: its work, and its outcome until the transaction it ran in commits. */
    private final class WriteTask<T> {
        final String operation;
        final SqlWork<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();
        private T value;
        private StorageException failure;

        WriteTask(String operation, SqlWork<T> work) {
            this.operation = operation;
            this.work = work;
        }

        void runAlone() {
            try {
                result.complete(runWithRetry(operation, connection -> inTransaction(connection, work)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        /**
         * Runs the work inside a savepoint of the open group transaction: on failure only its own
         * changes roll back, and a busy error is retried as {@link #runWithRetry} would. Throws
         * only when the savepoint itself cannot be handled, i.e. the whole transaction is lost.
         */
        void runInSavepoint(Connection connection) throws SQLException {
            for (int attempt = 1; ; attempt++) {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("SAVEPOINT write");
                }
                try {
                    value = work.run(connection);
                    release(connection);
                    return;
                } catch (SQLException e) {
                    rollbackToSavepoint(connection);
                    if (isBusy(e) && attempt < BUSY_ATTEMPTS) {
                        sleep(BUSY_BACKOFF_MILLIS * attempt);
                        continue;
                    }
                    failure = new StorageException(operation + " failed on " + databaseFile + ": " + e.getMessage(), e);
                    return;
                } catch (StorageException e) {
                    rollbackToSavepoint(connection);
                    failure = e;
                    return;
                } catch (RuntimeException e) {
                    rollbackToSavepoint(connection);
                    failure = new StorageException(operation + " failed on " + databaseFile + ": " + e, e);
                    return;
                }
            }
        }

        void reset() {
            value = null;
            failure = null;
        }

        void complete() {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }

        private void rollbackToSavepoint(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("ROLLBACK TO write");
            }
            release(connection);
        }

        private void release(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("RELEASE write");
            }
        }
    }

    private <T> CompletionStage<T> submit(ExecutorService pool, String operation, SqlWork<T> work) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedException(operation));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    result.complete(runWithRetry(operation, work));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            // close() raced with this call
            result.completeExceptionally(closedException(operation));
        }
        return result;
    }

    private <T> T runWithRetry(String operation, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run(connection());
            } catch (SQLException e) {
                if (isBusy(e) && attempt < BUSY_ATTEMPTS) {
                    LOG.debug("{} on {}: database busy (attempt {}), retrying", operation, databaseFile, attempt);
                    sleep(BUSY_BACKOFF_MILLIS * attempt);
                    continue;
                }
                throw new StorageException(operation + " failed on " + databaseFile + ": " + e.getMessage(), e);
            } catch (StorageException e) {
                throw e;
            } catch (RuntimeException e) {
                // A bug or driver surprise; still honour "stages fail with StorageException".
                throw new StorageException(operation + " failed on " + databaseFile + ": " + e, e);
            }
        }
    }

    private static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        // Explicit statements rather than setAutoCommit(false): this driver's commit() immediately
        // begins the next transaction, which in IMMEDIATE mode would grab the write lock again.
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("BEGIN IMMEDIATE");
        }
        try {
            T result = work.run(connection);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("COMMIT");
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        }
    }

    /** Rolls back if a transaction is open; SQLite may already have rolled back on some errors. */
    static void rollbackQuietly(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("ROLLBACK");
        } catch (SQLException ignored) {
            // "cannot rollback - no transaction is active": nothing left to undo.
        }
    }

    private Connection connection() throws SQLException {
        Connection connection = threadConnection.get();
        if (connection == null) {
            connection = openConnection();
            connections.add(connection);
            threadConnection.set(connection);
        }
        return connection;
    }

    /** SQLITE_BUSY (5) or SQLITE_LOCKED (6), including extended codes such as SQLITE_BUSY_SNAPSHOT. */
    static boolean isBusy(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == 5 || primary == 6;
    }

    /** Whether the calling thread belongs to this instance (close() from there would wait on itself). */
    boolean isWorkerThread() {
        return threads.contains(Thread.currentThread());
    }

    /**
     * Lets queued work finish, then closes every connection. Runs once; later calls return at once.
     */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writer.shutdown();
        readers.shutdown();
        try {
            boolean drained = writer.awaitTermination(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    & readers.awaitTermination(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!drained) {
                LOG.warn("Storage work on {} did not finish within {} s; interrupting it", databaseFile, DRAIN_TIMEOUT_SECONDS);
                writer.shutdownNow();
                readers.shutdownNow();
                writer.awaitTermination(5, TimeUnit.SECONDS);
                readers.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            readers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // Threads are gone (or stuck past all timeouts), so closing from here does not race their use.
        // Closing the last connection also checkpoints the WAL into the main file.
        for (Connection connection : connections) {
            closeQuietly(connection);
        }
        connections.clear();
    }

    private ExecutorService newPool(int size) {
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(() -> {
                try {
                    runnable.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, "storage-embedded-" + THREAD_NUMBER.incrementAndGet());
            // Daemon: a forgotten close() must not keep the JVM alive.
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        };
        // Core threads never time out, so each keeps its connection for the storage's lifetime.
        return new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    }

    private StorageException closedException(String operation) {
        return new StorageException(operation + " failed: storage at " + databaseFile + " is closed");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for a busy database", e);
        }
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("Closing SQLite connection failed", e);
        }
    }
}
