package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import io.switchboard.storage.BlockingStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link BlockingStore} on table {@code blocklist} (partition per owner, clustered by JID, so the
 * list comes back in code point order). A block or unblock of several JIDs is one batch on one
 * partition: a single mutation, applied atomically.
 */
final class CassandraBlockingStore implements BlockingStore {

    private final CqlExecutor ops;
    private final CassandraAccountStore accounts;
    private final Cql.Ref select;
    private final Cql.Ref insert;
    private final Cql.Ref delete;
    private final Cql.Ref purge;

    CassandraBlockingStore(CqlExecutor ops, Cql cql, CassandraAccountStore accounts) {
        this.ops = ops;
        this.accounts = accounts;
        select = cql.idempotent("SELECT jid FROM {ks}.blocklist WHERE owner = ?");
        insert = cql.idempotent("INSERT INTO {ks}.blocklist (owner, jid) VALUES (?, ?)");
        delete = cql.idempotent("DELETE FROM {ks}.blocklist WHERE owner = ? AND jid = ?");
        purge = cql.idempotent("DELETE FROM {ks}.blocklist WHERE owner = ?");
    }

    @Override
    public CompletionStage<List<String>> blocked(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("read block list of " + owner,
                () -> ops.all(select.bind(owner), row -> row.getString(0)).thenApply(List::copyOf));
    }

    @Override
    public CompletionStage<Void> block(String owner, Collection<String> jids) {
        Objects.requireNonNull(owner, "owner");
        List<String> snapshot = snapshot(jids);
        if (snapshot.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return ops.run("block JIDs for " + owner, () -> accounts.requireAccount(owner)
                .thenCompose(v -> ops.write(batch(snapshot, jid -> insert.bind(owner, jid)))));
    }

    @Override
    public CompletionStage<Void> unblock(String owner, Collection<String> jids) {
        Objects.requireNonNull(owner, "owner");
        List<String> snapshot = snapshot(jids);
        if (snapshot.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return ops.run("unblock JIDs for " + owner, () -> ops.write(batch(snapshot, jid -> delete.bind(owner, jid))));
    }

    @Override
    public CompletionStage<Void> unblockAll(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("clear block list of " + owner, () -> purge(owner));
    }

    /** Account deletion. */
    CompletableFuture<Void> purge(String owner) {
        return ops.write(purge.bind(owner));
    }

    private static List<String> snapshot(Collection<String> jids) {
        Objects.requireNonNull(jids, "jids");
        List<String> copy = new ArrayList<>(new LinkedHashSet<>(jids));
        copy.forEach(jid -> Objects.requireNonNull(jid, "jid"));
        return copy;
    }

    private static BatchStatement batch(List<String> jids,
                                        java.util.function.Function<String, BatchableStatement<?>> statement) {
        List<BatchableStatement<?>> statements = new ArrayList<>(jids.size());
        jids.forEach(jid -> statements.add(statement.apply(jid)));
        return BatchStatement.newInstance(BatchType.UNLOGGED, statements).setIdempotent(true);
    }
}
