package io.switchboard.storage.embedded;

import io.switchboard.storage.AccountStore;
import io.switchboard.storage.OfflineStore;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 */
public final class EmbeddedStorage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStorage.class);

    public static final String DATABASE_FILE_NAME = "switchboard.db";

    /**
     * Reader threads. Reads are short indexed lookups, so a couple suffice to keep a slow one
     * (cold page cache) from stalling logins; SQLite gains little from more on one file.
     */
    private static final int READER_THREADS = 2;

    private final SqliteWorkers workers;
    private final EmbeddedAccountStore accounts;
    private final EmbeddedOfflineStore offline;
    private final EmbeddedRosterStore rosters;

    private EmbeddedStorage(SqliteWorkers workers, Clock clock) {
        this.workers = workers;
        this.accounts = new EmbeddedAccountStore(workers, clock);
        this.offline = new EmbeddedOfflineStore(workers);
        this.rosters = new EmbeddedRosterStore(workers);
    }

    /**
     * Opens (creating if needed) the database in {@code dataDirectory} and migrates its schema.
     * Blocks while doing so; call it at startup, not from an event loop.
     *
     * @throws StorageException naming the path if the directory cannot be created or the file is
     *                          not a usable SQLite database (corrupt, unreadable, newer schema)
     */
    public static EmbeddedStorage open(Path dataDirectory) {
        return open(dataDirectory, Clock.systemUTC());
    }

    static EmbeddedStorage open(Path dataDirectory, Clock clock) {
        return open(dataDirectory, clock, Migrations.ALL);
    }

    /**
     * With a prefix of {@link Migrations#ALL}, opens the database as an older release would have
     * (for upgrade tests). The stores still expect the latest schema.
     */
    static EmbeddedStorage open(Path dataDirectory, Clock clock, List<Migration> migrations) {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
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
        return new EmbeddedStorage(workers, clock);
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
        workers.close();
    }

    @Override
    public String toString() {
        return description();
    }
}
