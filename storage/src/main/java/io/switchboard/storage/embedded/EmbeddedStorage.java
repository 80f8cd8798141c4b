package io.switchboard.storage.embedded;

import io.switchboard.storage.AccountStore;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.BlockingStore;
import io.switchboard.storage.OfflineStore;
import io.switchboard.storage.PrivateXmlStore;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.VCardStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage in a single SQLite file, {@value #DATABASE_FILE_NAME} in the data directory: the
 * default for a single node, needing no external service.
 *
 * <p>The file is in WAL mode, so other processes (the admin CLI) may open the same directory while
 * the server runs: readers never block, and writers wait for each other up to 5 s. It is not for
 * nodes on different machines (SQLite locking over network file systems is unreliable); clusters
 * use a shared backend instead.
 *
 * <p>With {@link EmbeddedOptions} that expire data, a purge runs on the writer thread at open and
 * then hourly, deleting archived messages older than the retention and offline messages older
 * than their TTL, in batches of one transaction each so other writes are not held up for long.
 */
public final class EmbeddedStorage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStorage.class);

    public static final String DATABASE_FILE_NAME = "switchboard.db";

    /**
     * Reader threads. Reads are short indexed lookups, so a couple suffice to keep a slow one
     * (cold page cache) from stalling logins; SQLite gains little from more on one file.
     */
    private static final int READER_THREADS = 2;

    /** How often expired data is purged (after the purge at open). */
    static final Duration PURGE_INTERVAL = Duration.ofHours(1);

    /** Rows deleted per table and transaction by a purge, so the writer is not blocked for long. */
    static final int PURGE_BATCH = 5000;

    /** Offline messages stored before a cutoff (epoch ms), one batch; served by offline_messages_by_age. */
    static final String PURGE_OFFLINE_SQL = """
            DELETE FROM offline_messages WHERE seq IN (
                SELECT seq FROM offline_messages WHERE stored_at < ? LIMIT ?)""";

    /**
     * Archived messages with ids below a cutoff, one batch. Owner by owner (accounts is the list of
     * owners: the cascade leaves no archive without an account), so each is a range seek on
     * archive_messages_by_owner rather than a scan of the whole archive.
     */
    static final String PURGE_ARCHIVE_SQL = """
            DELETE FROM archive_messages WHERE seq IN (
                SELECT seq FROM archive_messages
                WHERE owner IN (SELECT bare_jid FROM accounts) AND id < ? LIMIT ?)""";

    private static final AtomicInteger PURGE_THREAD_NUMBER = new AtomicInteger();

    private final SqliteWorkers workers;
    private final Clock clock;
    private final EmbeddedOptions options;
    private final EmbeddedAccountStore accounts;
    private final EmbeddedOfflineStore offline;
    private final EmbeddedRosterStore rosters;
    private final EmbeddedArchiveStore archive;
    private final EmbeddedVCardStore vcards;
    private final EmbeddedPrivateXmlStore privateXml;
    private final EmbeddedBlockingStore blocking;
    /** Runs the hourly purge; null when nothing expires. */
    private final ScheduledExecutorService purger;
    private volatile boolean closing;

    private EmbeddedStorage(SqliteWorkers workers, Clock clock, EmbeddedOptions options) {
        this.workers = workers;
        this.clock = clock;
        this.options = options;
        this.accounts = new EmbeddedAccountStore(workers, clock);
        this.offline = new EmbeddedOfflineStore(workers);
        this.rosters = new EmbeddedRosterStore(workers);
        this.archive = new EmbeddedArchiveStore(workers);
        this.vcards = new EmbeddedVCardStore(workers);
        this.privateXml = new EmbeddedPrivateXmlStore(workers);
        this.blocking = new EmbeddedBlockingStore(workers);
        this.purger = options.expires() ? newPurger() : null;
    }

    /**
     * Opens (creating if needed) the database in {@code dataDirectory} and migrates its schema.
     * Blocks while doing so; call it at startup, not from an event loop.
     *
     * @throws StorageException naming the path if the directory cannot be created or the file is
     *                          not a usable SQLite database (corrupt, unreadable, newer schema)
     */
    public static EmbeddedStorage open(Path dataDirectory) {
        return open(dataDirectory, EmbeddedOptions.DEFAULT);
    }

    /**
     * Like {@link #open(Path)}, with settings such as retention. If anything expires, the first
     * purge is queued on the writer before this returns, so it runs before any write made through
     * the returned storage.
     */
    public static EmbeddedStorage open(Path dataDirectory, EmbeddedOptions options) {
        return open(dataDirectory, Clock.systemUTC(), Migrations.ALL, options);
    }

    static EmbeddedStorage open(Path dataDirectory, Clock clock) {
        return open(dataDirectory, clock, Migrations.ALL);
    }

    /**
     * With a prefix of {@link Migrations#ALL}, opens the database as an older release would have
     * (for upgrade tests). The stores still expect the latest schema.
     */
    static EmbeddedStorage open(Path dataDirectory, Clock clock, List<Migration> migrations) {
        return open(dataDirectory, clock, migrations, EmbeddedOptions.DEFAULT);
    }

    static EmbeddedStorage open(Path dataDirectory, Clock clock, List<Migration> migrations, EmbeddedOptions options) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(options, "options");
        Path directory = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageException("cannot create storage directory " + directory + ": " + e, e);
        }
        Path file = directory.resolve(DATABASE_FILE_NAME);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new StorageException("cannot open embedded storage at " + file + ": not a regular file");
        }

        SqliteWorkers workers = new SqliteWorkers(file, READER_THREADS);
        // Migrate on this thread with a throwaway connection: failures surface right here, as an
        // exception from open(), instead of as a failed first query later.
        try (Connection connection = workers.openConnection()) {
            enableWal(connection, file);
            int applied = SchemaMigrator.migrate(connection, migrations, clock, file.toString());
            LOG.info("Opened embedded storage at {} (schema version {}, {} migration(s) applied)",
                    file, SchemaMigrator.currentVersion(connection), applied);
        } catch (SQLException e) {
            workers.close();
            throw new StorageException("cannot open embedded storage at " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            workers.close();
            throw e instanceof StorageException se ? se
                    : new StorageException("cannot open embedded storage at " + file + ": " + e, e);
        }
        EmbeddedStorage storage = new EmbeddedStorage(workers, clock, options);
        storage.startPurging();
        return storage;
    }

    /**
     * WAL is a property of the file (it persists), so setting it once at open covers every later
     * connection, including other processes'. It is what lets the admin CLI read and write while
     * the server runs without either blocking the other's reads.
     */
    private static void enableWal(Connection connection, Path file) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("PRAGMA journal_mode = WAL")) {
            rs.next();
            String mode = rs.getString(1);
            if (!"wal".equals(mode.toLowerCase(Locale.ROOT))) {
                // e.g. a file system without shared memory support: still correct, just less concurrent
                LOG.warn("SQLite at {} refused WAL journal mode and uses {}; concurrent access from "
                        + "other processes will block more", file, mode);
            }
        }
    }

    // ---------------------------------------------------------------- retention

    /** Purge counts, for logs and tests. */
    record Purged(long archiveMessages, long offlineMessages) {

        Purged plus(long archive, long offline) {
            return new Purged(archiveMessages + archive, offlineMessages + offline);
        }
    }

    private ScheduledExecutorService newPurger() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "storage-embedded-purge-" + PURGE_THREAD_NUMBER.incrementAndGet());
            // Daemon: a forgotten close() must not keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /** Queues the purge at open, then schedules the hourly one. */
    private void startPurging() {
        if (purger == null) {
            return;
        }
        LOG.info("Embedded storage at {} expires archived messages after {} and offline messages after {}",
                workers.databaseFile(), describe(options.archiveRetention()), describe(options.offlineTtl()));
        // Queued from this thread, so it is on the writer queue before open() returns.
        CompletionStage<Purged> first = purgeExpired(clock.instant());
        first.whenComplete((purged, failure) -> logPurge(purged, failure));
        long interval = PURGE_INTERVAL.toMillis();
        purger.scheduleWithFixedDelay(this::purgeNow, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** One scheduled purge. Waits for it, so a slow purge delays the next instead of overlapping it. */
    private void purgeNow() {
        try {
            logPurge(purgeExpired(clock.instant()).toCompletableFuture().get(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() is stopping us
        } catch (ExecutionException e) {
            logPurge(null, e.getCause());
        } catch (RuntimeException e) {
            // Never let an exception cancel the schedule.
            logPurge(null, e);
        }
    }

    private void logPurge(Purged purged, Throwable failure) {
        if (failure != null) {
            if (closing) {
                LOG.debug("Purge on {} stopped by close", workers.databaseFile());
            } else {
                LOG.warn("Purging expired data from {} failed; will retry in {}", workers.databaseFile(), PURGE_INTERVAL, failure);
            }
        } else if (purged.archiveMessages() > 0 || purged.offlineMessages() > 0) {
            LOG.info("Purged {} archived and {} offline message(s) past retention from {}",
                    purged.archiveMessages(), purged.offlineMessages(), workers.databaseFile());
        }
    }

    /**
     * Deletes what has expired as of {@code now}: archived messages archived before
     * {@code now - archiveRetention} (by id: ids are time-ordered, see {@link ArchiveId#lowest}) and
     * offline messages stored before {@code now - offlineTtl}. Runs as writes on the writer thread,
     * one transaction per batch of {@code batchSize} rows per table.
     */
    CompletionStage<Purged> purgeExpired(Instant now) {
        return purgeExpired(now, PURGE_BATCH);
    }

    CompletionStage<Purged> purgeExpired(Instant now, int batchSize) {
        Objects.requireNonNull(now, "now");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        Instant archiveCutoff = cutoff(now, options.archiveRetention());
        Instant offlineCutoff = cutoff(now, options.offlineTtl());
        // Ids below lowest(cutoff) are exactly those archived before the cutoff's millisecond
        // (a cutoff before the id range gives 0: nothing is older).
        Long archiveBelow = archiveCutoff == null ? null : ArchiveId.lowest(archiveCutoff);
        Long offlineBelow = offlineCutoff == null ? null : epochMillisClamped(offlineCutoff);
        return purgeBatches(archiveBelow, offlineBelow, batchSize, new Purged(0, 0));
    }

    private CompletionStage<Purged> purgeBatches(Long archiveBelow, Long offlineBelow, int batchSize, Purged sofar) {
        return workers.write("purge expired messages", connection -> {
            long offlineDeleted = offlineBelow == null ? 0 : deleteBatch(connection, PURGE_OFFLINE_SQL, offlineBelow, batchSize);
            long archiveDeleted = archiveBelow == null ? 0 : deleteBatch(connection, PURGE_ARCHIVE_SQL, archiveBelow, batchSize);
            return sofar.plus(archiveDeleted, offlineDeleted);
        }).thenCompose(total -> {
            // A full batch in either table may have left more behind: go again (a fresh writer
            // task, so writes queued meanwhile get their turn).
            boolean more = total.archiveMessages() - sofar.archiveMessages() == batchSize
                    || total.offlineMessages() - sofar.offlineMessages() == batchSize;
            return more ? purgeBatches(archiveBelow, offlineBelow, batchSize, total) : CompletableFuture.completedFuture(total);
        });
    }

    private static int deleteBatch(Connection connection, String sql, long below, int batchSize) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setLong(1, below);
            delete.setInt(2, batchSize);
            return delete.executeUpdate();
        }
    }

    /** {@code now - keep}, or null if nothing expires (no limit, or a limit reaching before time began). */
    private static Instant cutoff(Instant now, Duration keep) {
        if (keep == null) {
            return null;
        }
        try {
            return now.minus(keep);
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    private static long epochMillisClamped(Instant instant) {
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    private static String describe(Duration d) {
        return d == null ? "never" : d.toString();
    }

    /** For tests in this package. */
    EmbeddedOptions options() {
        return options;
    }

    // ----------------------------------------------------------------

    /** The schema version this code migrates databases to. */
    public static int latestSchemaVersion() {
        return Migrations.LATEST_VERSION;
    }

    /** For tests in this package. */
    SqliteWorkers workers() {
        return workers;
    }

    public Path databaseFile() {
        return workers.databaseFile();
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public OfflineStore offline() {
        return offline;
    }

    @Override
    public RosterStore rosters() {
        return rosters;
    }

    @Override
    public ArchiveStore archive() {
        return archive;
    }

    @Override
    public VCardStore vcards() {
        return vcards;
    }

    @Override
    public PrivateXmlStore privateXml() {
        return privateXml;
    }

    @Override
    public BlockingStore blocking() {
        return blocking;
    }

    @Override
    public String description() {
        return "embedded SQLite at " + workers.databaseFile();
    }

    /**
     * Completes queued work, then closes the connections (the last close also checkpoints the
     * WAL back into the main file).
     *
     * @throws IllegalStateException if called from one of this storage's own threads (e.g. in a
     *                               non-async continuation), where waiting for the drain would
     *                               wait for itself
     */
    @Override
    public void close() {
        if (workers.isWorkerThread()) {
            throw new IllegalStateException("EmbeddedStorage.close() called from a storage thread; "
                    + "close it from a thread that may block");
        }
        closing = true;
        if (purger != null) {
            // Interrupts a scheduled purge waiting for its batch; the batch itself is drained below
            // with the rest of the queued work, and a follow-up batch fails fast as closed.
            purger.shutdownNow();
        }
        workers.close();
        if (purger != null) {
            try {
                if (!purger.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("Purge thread for {} did not stop", workers.databaseFile());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return description();
    }
}
