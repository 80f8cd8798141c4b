package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.OfflineStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link OfflineStore} on tables {@code offline_messages} (partition per recipient, clustered by
 * {@code (stored_at, seq)}: fetch order) and {@code offline_ids} (same partition key, clustered by
 * id: idempotent stores and delete by id). Both rows of a message are written in one batch; with
 * the same partition key that is a single mutation, atomic on each replica and exempt from the
 * batch size limits (a stanza may be large). Both carry the offline TTL.
 *
 * <p>A store first checks for the id (a read, not a lightweight transaction). Two stores of the
 * same id racing each other could both write; the id index then has two entries for it, fetch
 * returns the first copy only, count counts the id once, and delete removes both, so the race
 * costs nothing visible.
 */
final class CassandraOfflineStore implements OfflineStore {

    /** Rows per page when fetching: stanzas can be large, so pages stay modest. */
    private static final int FETCH_PAGE = 50;
    /** Ids per delete round trip. */
    private static final int DELETE_CHUNK = 100;

    private final CqlExecutor ops;
    private final CassandraAccountStore accounts;
    private final int ttlSeconds;
    private final Cql.Ref selectId;
    private final Cql.Ref insertMessage;
    private final Cql.Ref insertId;
    private final Cql.Ref fetch;
    private final Cql.Ref positions;
    private final Cql.Ref deleteMessage;
    private final Cql.Ref deleteIds;
    private final Cql.Ref countIds;
    private final Cql.Ref purgeMessages;
    private final Cql.Ref purgeIds;

    CassandraOfflineStore(CqlExecutor ops, Cql cql, CassandraAccountStore accounts, int ttlSeconds) {
        this.ops = ops;
        this.accounts = accounts;
        this.ttlSeconds = ttlSeconds;
        selectId = cql.idempotent("SELECT id FROM {ks}.offline_ids WHERE owner = ? AND id = ? LIMIT 1");
        insertMessage = cql.idempotent(
                "INSERT INTO {ks}.offline_messages (owner, stored_at, seq, id, stanza) VALUES (?, ?, ?, ?, ?) USING TTL ?");
        insertId = cql.idempotent("INSERT INTO {ks}.offline_ids (owner, id, stored_at, seq) VALUES (?, ?, ?, ?) USING TTL ?");
        fetch = cql.idempotent("SELECT stored_at, seq, id, stanza FROM {ks}.offline_messages WHERE owner = ? LIMIT ?");
        positions = cql.idempotent("SELECT id, stored_at, seq FROM {ks}.offline_ids WHERE owner = ? AND id IN ?");
        deleteMessage = cql.idempotent("DELETE FROM {ks}.offline_messages WHERE owner = ? AND stored_at = ? AND seq = ?");
        deleteIds = cql.idempotent("DELETE FROM {ks}.offline_ids WHERE owner = ? AND id IN ?");
        countIds = cql.idempotent("SELECT id FROM {ks}.offline_ids WHERE owner = ? GROUP BY id");
        purgeMessages = cql.idempotent("DELETE FROM {ks}.offline_messages WHERE owner = ?");
        purgeIds = cql.idempotent("DELETE FROM {ks}.offline_ids WHERE owner = ?");
    }

    @Override
    public CompletionStage<Void> store(OfflineMessage m) {
        Objects.requireNonNull(m, "message");
        // On the caller's thread: an Instant outside the millisecond range is a caller error.
        Instant storedAt = Instant.ofEpochMilli(m.storedAt().toEpochMilli());
        byte[] stanza = m.stanza();
        // Taken now, in call order: ties on stored_at keep the order the caller stored them in.
        UUID seq = Uuids.timeBased();
        String owner = m.bareJid();
        return ops.run("store offline message for " + owner, () -> {
            CompletableFuture<Void> account = accounts.requireAccount(owner);
            CompletableFuture<Boolean> known = ops.exists(selectId.bind(owner, m.id()));
            return account.thenCombine(known, (v, duplicate) -> duplicate).thenCompose(duplicate -> {
                if (duplicate) {
                    return CompletableFuture.completedFuture(null);
                }
                BatchStatement batch = BatchStatement.newInstance(BatchType.UNLOGGED,
                        insertMessage.bind(owner, storedAt, seq, m.id(), Bytes.wrap(stanza), ttlSeconds),
                        insertId.bind(owner, m.id(), storedAt, seq, ttlSeconds)).setIdempotent(true);
                return ops.write(batch);
            });
        });
    }

    @Override
    public CompletionStage<List<OfflineMessage>> fetch(String bareJid, int limit) {
        Objects.requireNonNull(bareJid, "bareJid");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return ops.run("fetch offline messages for " + bareJid, () -> {
            List<OfflineMessage> messages = new ArrayList<>(Math.min(limit, 256));
            Set<String> seen = new HashSet<>();
            return ops.execute(fetch.bind(bareJid, limit).setPageSize(Math.min(limit, FETCH_PAGE)))
                    .thenCompose(rs -> collect(rs, bareJid, messages, seen))
                    .thenApply(v -> List.copyOf(messages));
        });
    }

    private CompletableFuture<Void> collect(AsyncResultSet rs, String bareJid, List<OfflineMessage> into, Set<String> seen) {
        for (Row row : rs.currentPage()) {
            String id = row.getString(2);
            if (seen.add(id)) { // a racing duplicate store (see class comment): first copy only
                into.add(new OfflineMessage(id, bareJid, row.getInstant(0), Bytes.of(row.getByteBuffer(3))));
            }
        }
        if (!rs.hasMorePages()) {
            return CompletableFuture.completedFuture(null);
        }
        return ops.nextPage(rs).thenCompose(next -> collect(next, bareJid, into, seen));
    }

    @Override
    public CompletionStage<Void> delete(String bareJid, Collection<String> ids) {
        Objects.requireNonNull(bareJid, "bareJid");
        List<String> snapshot = List.copyOf(new LinkedHashSet<>(List.copyOf(ids))); // NPE on null ids
        if (snapshot.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < snapshot.size(); i += DELETE_CHUNK) {
            chunks.add(snapshot.subList(i, Math.min(snapshot.size(), i + DELETE_CHUNK)));
        }
        return ops.run("delete offline messages for " + bareJid,
                () -> ops.forEach(chunks, 4, chunk -> deleteChunk(bareJid, chunk)));
    }

    private CompletableFuture<Void> deleteChunk(String bareJid, List<String> ids) {
        // The owner in every key keeps one user from deleting another's messages by id.
        return ops.all(positions.bind(bareJid, ids), row -> row).thenCompose(rows -> {
            if (rows.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            List<BatchableStatement<?>> deletes = new ArrayList<>(rows.size() + 1);
            for (Row row : rows) {
                deletes.add(deleteMessage.bind(bareJid, row.getInstant(1), row.getUuid(2)));
            }
            deletes.add(deleteIds.bind(bareJid, ids));
            return ops.write(BatchStatement.newInstance(BatchType.UNLOGGED, deletes).setIdempotent(true));
        });
    }

    @Override
    public CompletionStage<Integer> count(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return ops.run("count offline messages for " + bareJid,
                () -> ops.all(countIds.bind(bareJid), row -> 1).thenApply(List::size));
    }

    /** Account deletion: drops the user's partitions. */
    CompletableFuture<Void> purge(String owner) {
        return ops.write(BatchStatement.newInstance(BatchType.UNLOGGED, purgeMessages.bind(owner), purgeIds.bind(owner))
                .setIdempotent(true));
    }
}
