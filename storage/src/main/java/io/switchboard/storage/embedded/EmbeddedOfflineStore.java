package io.switchboard.storage.embedded;

import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.OfflineStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link OfflineStore} on the embedded SQLite schema (table {@code offline_messages}). */
final class EmbeddedOfflineStore implements OfflineStore {

    private final SqliteWorkers workers;

    EmbeddedOfflineStore(SqliteWorkers workers) {
        this.workers = workers;
    }

    @Override
    public CompletionStage<Void> store(OfflineMessage m) {
        Objects.requireNonNull(m, "message");
        // Convert on the caller's thread: an Instant beyond the epoch-millisecond range is a caller
        // error and should surface here, not as a storage failure.
        long storedAt = m.storedAt().toEpochMilli();
        return workers.write("store offline message for " + m.bareJid(), connection -> {
            // Checked explicitly (inside the write transaction, so atomic with the insert) rather
            // than by decoding the foreign-key error, whose code depends on driver settings.
            if (!EmbeddedAccountStore.accountExists(connection, m.bareJid())) {
                throw new NoSuchAccountException(m.bareJid());
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO offline_messages (bare_jid, id, stored_at, stanza) VALUES (?, ?, ?, ?)
                    ON CONFLICT (bare_jid, id) DO NOTHING""")) {
                insert.setString(1, m.bareJid());
                insert.setString(2, m.id());
                insert.setLong(3, storedAt);
                insert.setBytes(4, m.stanza());
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<List<OfflineMessage>> fetch(String bareJid, int limit) {
        Objects.requireNonNull(bareJid, "bareJid");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return workers.read("fetch offline messages for " + bareJid, connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT id, stored_at, stanza FROM offline_messages
                    WHERE bare_jid = ? ORDER BY stored_at, seq LIMIT ?""")) {
                query.setString(1, bareJid);
                query.setInt(2, limit);
                List<OfflineMessage> messages = new ArrayList<>(Math.min(limit, 256));
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        messages.add(new OfflineMessage(rs.getString(1), bareJid,
                                Instant.ofEpochMilli(rs.getLong(2)), EmbeddedAccountStore.bytes(rs, 3)));
                    }
                }
                return List.copyOf(messages);
            }
        });
    }

    @Override
    public CompletionStage<Void> delete(String bareJid, Collection<String> ids) {
        Objects.requireNonNull(bareJid, "bareJid");
        List<String> snapshot = List.copyOf(ids); // NPE on null ids, like the other argument checks
        if (snapshot.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return workers.write("delete offline messages for " + bareJid, connection -> {
            // bare_jid in the predicate keeps one user from deleting another's messages by id.
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM offline_messages WHERE bare_jid = ? AND id = ?")) {
                for (String id : snapshot) {
                    delete.setString(1, bareJid);
                    delete.setString(2, id);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Integer> count(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return workers.read("count offline messages for " + bareJid, connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT count(*) FROM offline_messages WHERE bare_jid = ?")) {
                query.setString(1, bareJid);
                try (ResultSet rs = query.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
