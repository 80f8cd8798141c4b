package io.switchboard.storage.cassandra;

import io.switchboard.storage.VCardStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link VCardStore} on table {@code vcards} (one row per owner). */
final class CassandraVCardStore implements VCardStore {

    private final CqlExecutor ops;
    private final CassandraAccountStore accounts;
    private final Cql.Ref select;
    private final Cql.Ref insert;
    private final Cql.Ref delete;

    CassandraVCardStore(CqlExecutor ops, Cql cql, CassandraAccountStore accounts) {
        this.ops = ops;
        this.accounts = accounts;
        select = cql.idempotent("SELECT vcard FROM {ks}.vcards WHERE owner = ?");
        insert = cql.idempotent("INSERT INTO {ks}.vcards (owner, vcard) VALUES (?, ?)");
        delete = cql.idempotent("DELETE FROM {ks}.vcards WHERE owner = ?");
    }

    @Override
    public CompletionStage<Optional<byte[]>> get(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("read vCard of " + owner, () -> ops.one(select.bind(owner))
                .thenApply(row -> row == null ? Optional.empty() : Optional.of(Bytes.of(row.getByteBuffer(0)))));
    }

    @Override
    public CompletionStage<Void> put(String owner, byte[] vcard) {
        Objects.requireNonNull(owner, "owner");
        byte[] copy = Objects.requireNonNull(vcard, "vcard").clone();
        return ops.run("store vCard of " + owner, () -> accounts.requireAccount(owner)
                .thenCompose(v -> ops.write(insert.bind(owner, Bytes.wrap(copy)))));
    }

    @Override
    public CompletionStage<Boolean> delete(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("delete vCard of " + owner, () -> ops.one(select.bind(owner)).thenCompose(row -> row == null
                ? CompletableFuture.completedFuture(false)
                : ops.write(delete.bind(owner)).thenApply(v -> true)));
    }

    /** Account deletion. */
    CompletableFuture<Void> purge(String owner) {
        return ops.write(delete.bind(owner));
    }
}
