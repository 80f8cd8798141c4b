package io.switchboard.storage.embedded;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.Account;
import io.switchboard.storage.AccountStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link AccountStore} on the embedded SQLite schema (tables {@code accounts}, {@code scram_credentials}). */
final class EmbeddedAccountStore implements AccountStore {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAccountStore.class);

    private final SqliteWorkers workers;
    private final Clock clock;

    EmbeddedAccountStore(SqliteWorkers workers, Clock clock) {
        this.workers = workers;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Boolean> create(String bareJid, Collection<ScramCredential> credentials) {
        Objects.requireNonNull(bareJid, "bareJid");
        // Validate and snapshot now: the caller may reuse the collection before the work runs.
        Map<ScramAlgorithm, ScramCredential> byAlgorithm = Account.indexCredentials(credentials);
        return workers.write("create account " + bareJid, connection -> {
            // ON CONFLICT DO NOTHING + the primary key make "already exists" a row count of 0
            // instead of an exception, and the write lock makes check-and-insert atomic.
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO accounts (bare_jid, created_at) VALUES (?, ?) ON CONFLICT (bare_jid) DO NOTHING")) {
                insert.setString(1, bareJid);
                insert.setLong(2, clock.millis());
                if (insert.executeUpdate() == 0) {
                    return false;
                }
            }
            insertCredentials(connection, bareJid, byAlgorithm.values());
            return true;
        });
    }

    @Override
    public CompletionStage<Optional<Account>> find(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return workers.read("find account " + bareJid, connection -> {
            // One statement so account and credentials come from the same snapshot, without a
            // read transaction (a concurrent updateCredentials cannot be seen half done).
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT a.created_at, c.algorithm, c.salt, c.iterations, c.stored_key, c.server_key
                    FROM accounts a LEFT JOIN scram_credentials c ON c.bare_jid = a.bare_jid
                    WHERE a.bare_jid = ?""")) {
                query.setString(1, bareJid);
                try (ResultSet rs = query.executeQuery()) {
                    Instant createdAt = null;
                    Map<ScramAlgorithm, ScramCredential> credentials = new EnumMap<>(ScramAlgorithm.class);
                    while (rs.next()) {
                        createdAt = Instant.ofEpochMilli(rs.getLong(1));
                        String mechanism = rs.getString(2);
                        if (mechanism == null) {
                            continue; // account without credentials (LEFT JOIN)
                        }
                        Optional<ScramAlgorithm> algorithm = ScramAlgorithm.byMechanism(mechanism);
                        if (algorithm.isEmpty()) {
                            // Written by a newer version that supports more mechanisms: the account
                            // should still work with the ones we know.
                            LOG.warn("Ignoring credential with unknown mechanism {} for {}", mechanism, bareJid);
                            continue;
                        }
                        credentials.put(algorithm.get(), new ScramCredential(
                                algorithm.get(), bytes(rs, 3), rs.getInt(4), bytes(rs, 5), bytes(rs, 6)));
                    }
                    return createdAt == null
                            ? Optional.<Account>empty()
                            : Optional.of(new Account(bareJid, credentials, createdAt));
                }
            }
        });
    }

    @Override
    public CompletionStage<Boolean> exists(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return workers.read("check account " + bareJid, connection -> accountExists(connection, bareJid));
    }

    @Override
    public CompletionStage<Boolean> updateCredentials(String bareJid, Collection<ScramCredential> credentials) {
        Objects.requireNonNull(bareJid, "bareJid");
        Map<ScramAlgorithm, ScramCredential> byAlgorithm = Account.indexCredentials(credentials);
        return workers.write("update credentials of " + bareJid, connection -> {
            if (!accountExists(connection, bareJid)) {
                return false;
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM scram_credentials WHERE bare_jid = ?")) {
                delete.setString(1, bareJid);
                delete.executeUpdate();
            }
            insertCredentials(connection, bareJid, byAlgorithm.values());
            return true;
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return workers.write("delete account " + bareJid, connection -> {
            // Explicit child deletes rather than relying on ON DELETE CASCADE alone: a connection
            // opened by another tool (sqlite3 shell) has foreign keys off unless it asks.
            // Children before parents (groups reference items, preference lists their preferences;
            // everything references the account). All in this one write transaction.
            deleteWhereJid(connection, "DELETE FROM archive_messages WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM archive_prefs_jids WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM archive_prefs WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM vcards WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM private_xml WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM blocked_jids WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM roster_groups WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM roster_items WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM roster_versions WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM pending_subscriptions WHERE owner = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM offline_messages WHERE bare_jid = ?", bareJid);
            deleteWhereJid(connection, "DELETE FROM scram_credentials WHERE bare_jid = ?", bareJid);
            return deleteWhereJid(connection, "DELETE FROM accounts WHERE bare_jid = ?", bareJid) > 0;
        });
    }

    @Override
    public CompletionStage<List<String>> list(String afterBareJid, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return workers.read("list accounts", connection -> {
            // BINARY collation on UTF-8 text = code point order, as AccountStore.list specifies.
            String sql = afterBareJid == null
                    ? "SELECT bare_jid FROM accounts ORDER BY bare_jid LIMIT ?"
                    : "SELECT bare_jid FROM accounts WHERE bare_jid > ? ORDER BY bare_jid LIMIT ?";
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                int index = 1;
                if (afterBareJid != null) {
                    query.setString(index++, afterBareJid);
                }
                query.setInt(index, limit);
                List<String> page = new ArrayList<>(Math.min(limit, 1024));
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        page.add(rs.getString(1));
                    }
                }
                return List.copyOf(page);
            }
        });
    }

    @Override
    public CompletionStage<Long> count() {
        return workers.read("count accounts", connection -> {
            try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM accounts");
                 ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static boolean accountExists(Connection connection, String bareJid) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM accounts WHERE bare_jid = ?")) {
            query.setString(1, bareJid);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertCredentials(Connection connection, String bareJid, Collection<ScramCredential> credentials)
            throws SQLException {
        if (credentials.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO scram_credentials (bare_jid, algorithm, salt, iterations, stored_key, server_key)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            for (ScramCredential credential : credentials) {
                insert.setString(1, bareJid);
                insert.setString(2, credential.algorithm().mechanismName());
                insert.setBytes(3, credential.salt());
                insert.setInt(4, credential.iterations());
                insert.setBytes(5, credential.storedKey());
                insert.setBytes(6, credential.serverKey());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static int deleteWhereJid(Connection connection, String sql, String bareJid) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setString(1, bareJid);
            return delete.executeUpdate();
        }
    }

    /** The driver may return null for a zero-length BLOB; callers always expect an array. */
    static byte[] bytes(ResultSet rs, int column) throws SQLException {
        byte[] value = rs.getBytes(column);
        return value == null ? new byte[0] : value;
    }
}
