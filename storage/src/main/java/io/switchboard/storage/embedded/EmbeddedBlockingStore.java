package io.switchboard.storage.embedded;

import io.switchboard.storage.BlockingStore;
import io.switchboard.storage.NoSuchAccountException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link BlockingStore} on the embedded SQLite schema (table {@code blocked_jids}). */
final class EmbeddedBlockingStore implements BlockingStore {

    private final SqliteWorkers workers;

    EmbeddedBlockingStore(SqliteWorkers workers) {
        this.workers = workers;
    }

    @Override
    public CompletionStage<List<String>> blocked(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.read("read block list of " + owner, connection -> {
            // BINARY collation on UTF-8 text = code point order.
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT jid FROM blocked_jids WHERE owner = ? ORDER BY jid")) {
                select.setString(1, owner);
                List<String> jids = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        jids.add(rs.getString(1));
                    }
                }
                return List.copyOf(jids);
            }
        });
    }

    @Override
    public CompletionStage<Void> block(String owner, Collection<String> jids) {
        Objects.requireNonNull(owner, "owner");
        List<String> snapshot = List.copyOf(jids); // NPE on a null collection or element
        if (snapshot.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return workers.write("block JIDs for " + owner, connection -> {
            if (!EmbeddedAccountStore.accountExists(connection, owner)) {
                throw new NoSuchAccountException(owner);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO blocked_jids (owner, jid) VALUES (?, ?) ON CONFLICT (owner, jid) DO NOTHING")) {
                for (String jid : snapshot) {
                    insert.setString(1, owner);
                    insert.setString(2, jid);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> unblock(String owner, Collection<String> jids) {
        Objects.requireNonNull(owner, "owner");
        List<String> snapshot = List.copyOf(jids);
        if (snapshot.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return workers.write("unblock JIDs for " + owner, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM blocked_jids WHERE owner = ? AND jid = ?")) {
                for (String jid : snapshot) {
                    delete.setString(1, owner);
                    delete.setString(2, jid);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> unblockAll(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.write("unblock all JIDs for " + owner, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM blocked_jids WHERE owner = ?")) {
                delete.setString(1, owner);
                delete.executeUpdate();
            }
            return null;
        });
    }
}
