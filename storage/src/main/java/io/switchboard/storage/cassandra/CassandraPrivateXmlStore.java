package io.switchboard.storage.cassandra;

import io.switchboard.storage.PrivateXmlStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link PrivateXmlStore} on table {@code private_xml} (partition per owner, clustered by key). */
final class CassandraPrivateXmlStore implements PrivateXmlStore {

    private final CqlExecutor ops;
    private final CassandraAccountStore accounts;
    private final Cql.Ref select;
    private final Cql.Ref insert;
    private final Cql.Ref purge;

    CassandraPrivateXmlStore(CqlExecutor ops, Cql cql, CassandraAccountStore accounts) {
        this.ops = ops;
        this.accounts = accounts;
        select = cql.idempotent("SELECT element FROM {ks}.private_xml WHERE owner = ? AND key = ?");
        insert = cql.idempotent("INSERT INTO {ks}.private_xml (owner, key, element) VALUES (?, ?, ?)");
        purge = cql.idempotent("DELETE FROM {ks}.private_xml WHERE owner = ?");
    }

    @Override
    public CompletionStage<Optional<byte[]>> get(String owner, String key) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(key, "key");
        return ops.run("read private XML of " + owner, () -> ops.one(select.bind(owner, key))
                .thenApply(row -> row == null ? Optional.empty() : Optional.of(Bytes.of(row.getByteBuffer(0)))));
    }

    @Override
    public CompletionStage<Void> put(String owner, String key, byte[] element) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(key, "key");
        byte[] copy = Objects.requireNonNull(element, "element").clone();
        return ops.run("store private XML of " + owner, () -> accounts.requireAccount(owner)
                .thenCompose(v -> ops.write(insert.bind(owner, key, Bytes.wrap(copy)))));
    }

    /** Account deletion. */
    CompletableFuture<Void> purge(String owner) {
        return ops.write(purge.bind(owner));
    }
}
