package io.switchboard.storage.embedded;

import io.switchboard.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database up to the latest schema version, recording each applied migration in
 * {@code schema_version}.
 */
final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {
    }

    /**
     * Applies the migrations the database has not seen yet.
     *
     * <p>All of it runs in one {@code BEGIN IMMEDIATE} transaction: the write lock is taken before
     * the current version is read, so when the server and the admin CLI open a fresh file at the
     * same moment, one migrates and the other waits (busy_timeout) and then finds nothing to do.
     *
     * @return how many migrations were applied (0 for an up-to-date database)
     * @throws StorageException if the database was written by a newer schema than this code knows;
     *                          running old code on it could corrupt data it does not understand
     */
    static int migrate(Connection connection, List<Migration> migrations, Clock clock, String where)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("BEGIN IMMEDIATE");
            try {
                statement.executeUpdate("""
                        CREATE TABLE IF NOT EXISTS schema_version (
                            version     INTEGER NOT NULL PRIMARY KEY,
                            description TEXT    NOT NULL,
                            applied_at  INTEGER NOT NULL
                        )""");
                int current = currentVersion(connection);
                int latest = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
                if (current > latest) {
                    throw new StorageException("database " + where + " has schema version " + current
                            + " but this Switchboard only knows up to " + latest + "; refusing to open it");
                }
                int applied = 0;
                for (Migration migration : migrations) {
                    if (migration.version() <= current) {
                        continue;
                    }
                    LOG.info("Applying schema migration {} ({}) to {}", migration.version(), migration.description(), where);
                    // The driver runs executeUpdate through sqlite3_exec, so a multi-statement script works.
                    statement.executeUpdate(migration.sql());
                    try (PreparedStatement record = connection.prepareStatement(
                            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                        record.setInt(1, migration.version());
                        record.setString(2, migration.description());
                        record.setLong(3, clock.millis());
                        record.executeUpdate();
                    }
                    applied++;
                }
                statement.executeUpdate("COMMIT");
                return applied;
            } catch (SQLException | RuntimeException e) {
                SqliteWorkers.rollbackQuietly(connection);
                throw e;
            }
        }
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
