package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.data.UdtValue;
import com.datastax.oss.driver.api.core.type.MapType;
import com.datastax.oss.driver.api.core.type.UserDefinedType;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.Account;
import io.switchboard.storage.AccountStore;
import io.switchboard.storage.CodePointOrder;
import io.switchboard.storage.NoSuchAccountException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AccountStore} on tables {@code accounts} (by JID; every write a lightweight transaction,
 * so create, update and delete of one JID are linearizable) and {@code account_list} (the listing
 * index: {@value CassandraSchema#ACCOUNT_LIST_BUCKETS} partitions by a stable hash of the JID, each
 * clustered by JID, merged for {@link #list}).
 */
final class CassandraAccountStore implements AccountStore {

    private static final Logger LOG = LoggerFactory.getLogger(CassandraAccountStore.class);

    private static final int BUCKETS = CassandraSchema.ACCOUNT_LIST_BUCKETS;
    /** Retries of the listing write after the account row was created (it is idempotent). */
    private static final int LISTING_ATTEMPTS = 3;

    private final CqlExecutor ops;
    private final Clock clock;
    private final Cql.Ref insert;
    private final Cql.Ref insertListing;
    private final Cql.Ref select;
    private final Cql.Ref exists;
    private final Cql.Ref updateCredentials;
    private final Cql.Ref delete;
    private final Cql.Ref deleteListing;
    private final Cql.Ref listFirst;
    private final Cql.Ref listAfter;
    private final Cql.Ref countBucket;
    private UserDefinedType credentialType;

    /** Runs the cascade of {@link #delete} (set once the other stores exist). */
    private Function<String, CompletableFuture<Void>> cascade = owner -> CompletableFuture.completedFuture(null);

    CassandraAccountStore(CqlExecutor ops, Cql cql, Clock clock) {
        this.ops = ops;
        this.clock = clock;
        insert = cql.conditional("INSERT INTO {ks}.accounts (jid, created_at, credentials) VALUES (?, ?, ?) IF NOT EXISTS");
        insertListing = cql.idempotent("INSERT INTO {ks}.account_list (bucket, jid) VALUES (?, ?)");
        select = cql.idempotent("SELECT created_at, credentials FROM {ks}.accounts WHERE jid = ?");
        exists = cql.idempotent("SELECT jid FROM {ks}.accounts WHERE jid = ?");
        updateCredentials = cql.conditional("UPDATE {ks}.accounts SET credentials = ? WHERE jid = ? IF EXISTS");
        delete = cql.conditional("DELETE FROM {ks}.accounts WHERE jid = ? IF EXISTS");
        deleteListing = cql.idempotent("DELETE FROM {ks}.account_list WHERE bucket = ? AND jid = ?");
        listFirst = cql.idempotent("SELECT jid FROM {ks}.account_list WHERE bucket = ? LIMIT ?");
        listAfter = cql.idempotent("SELECT jid FROM {ks}.account_list WHERE bucket = ? AND jid > ? LIMIT ?");
        countBucket = cql.idempotent("SELECT count(*) FROM {ks}.account_list WHERE bucket = ?");
    }

    /** After preparation: the credential UDT as Cassandra describes it. */
    void prepared() {
        MapType map = (MapType) insert.get().getVariableDefinitions().get("credentials").getType();
        credentialType = (UserDefinedType) map.getValueType();
    }

    void cascadeDeleteWith(Function<String, CompletableFuture<Void>> cascade) {
        this.cascade = cascade;
    }

    @Override
    public CompletionStage<Boolean> create(String bareJid, Collection<ScramCredential> credentials) {
        Objects.requireNonNull(bareJid, "bareJid");
        Map<String, UdtValue> values = encode(Account.indexCredentials(credentials));
        Instant createdAt = Instant.ofEpochMilli(clock.millis());
        return ops.run("create account " + bareJid, () -> ops.execute(insert.bind(bareJid, createdAt, values))
                .thenCompose(rs -> {
                    if (!rs.wasApplied()) {
                        return CompletableFuture.completedFuture(false);
                    }
                    return writeListing(bareJid, 1).thenApply(v -> true);
                }));
    }

    private CompletableFuture<Void> writeListing(String bareJid, int attempt) {
        return ops.write(insertListing.bind(bucket(bareJid), bareJid)).handle((v, failure) -> {
            if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (attempt >= LISTING_ATTEMPTS) {
                LOG.warn("Account {} was created but could not be added to the account listing", bareJid);
                return CompletableFuture.<Void>failedFuture(failure);
            }
            return writeListing(bareJid, attempt + 1);
        }).thenCompose(Function.identity());
    }

    @Override
    public CompletionStage<Optional<Account>> find(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return ops.run("find account " + bareJid, () -> ops.one(select.bind(bareJid)).thenApply(row -> {
            if (row == null) {
                return Optional.empty();
            }
            Instant createdAt = row.getInstant(0);
            return Optional.of(new Account(bareJid, decode(bareJid, row), createdAt == null ? Instant.EPOCH : createdAt));
        }));
    }

    @Override
    public CompletionStage<Boolean> exists(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return ops.run("check account " + bareJid, () -> existsNow(bareJid));
    }

    CompletableFuture<Boolean> existsNow(String bareJid) {
        return ops.exists(exists.bind(bareJid));
    }

    /** Completes normally if the account exists, else fails with {@link NoSuchAccountException}. */
    CompletableFuture<Void> requireAccount(String bareJid) {
        return existsNow(bareJid).thenApply(found -> {
            if (!found) {
                throw new NoSuchAccountException(bareJid);
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> updateCredentials(String bareJid, Collection<ScramCredential> credentials) {
        Objects.requireNonNull(bareJid, "bareJid");
        Map<String, UdtValue> values = encode(Account.indexCredentials(credentials));
        return ops.run("update credentials of " + bareJid,
                () -> ops.execute(updateCredentials.bind(values, bareJid)).thenApply(AsyncResultSet::wasApplied));
    }

    @Override
    public CompletionStage<Boolean> delete(String bareJid) {
        Objects.requireNonNull(bareJid, "bareJid");
        return ops.run("delete account " + bareJid, () -> ops.execute(delete.bind(bareJid)).thenCompose(rs -> {
            boolean existed = rs.wasApplied();
            // The account row goes first, so writes that check for the account start failing; the
            // cascade runs even if the row was already gone, so retrying a delete that failed
            // half-way still removes everything.
            CompletableFuture<Void> listing = ops.write(deleteListing.bind(bucket(bareJid), bareJid));
            CompletableFuture<Void> data = cascade.apply(bareJid);
            return CompletableFuture.allOf(listing, data).thenApply(v -> existed);
        }));
    }

    @Override
    public CompletionStage<List<String>> list(String afterBareJid, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return ops.run("list accounts", () -> {
            List<CompletableFuture<List<String>>> pages = new ArrayList<>(BUCKETS);
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                var statement = afterBareJid == null ? listFirst.bind(bucket, limit)
                        : listAfter.bind(bucket, afterBareJid, limit);
                pages.add(ops.all(statement.setPageSize(Math.min(limit, 5000)), row -> row.getString(0)));
            }
            return CompletableFuture.allOf(pages.toArray(CompletableFuture[]::new)).thenApply(v -> {
                // Each bucket is already in UTF-8 byte order (= code point order); merge them.
                List<String> merged = new ArrayList<>();
                for (CompletableFuture<List<String>> page : pages) {
                    merged.addAll(page.join());
                }
                merged.sort(CodePointOrder.INSTANCE);
                return List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
            });
        });
    }

    @Override
    public CompletionStage<Long> count() {
        return ops.run("count accounts", () -> {
            List<CompletableFuture<Row>> counts = new ArrayList<>(BUCKETS);
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                counts.add(ops.one(countBucket.bind(bucket)));
            }
            return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new))
                    .thenApply(v -> counts.stream().mapToLong(c -> c.join().getLong(0)).sum());
        });
    }

    /** The listing partition of a JID: CRC-32 of its UTF-8 bytes, stable across processes and releases. */
    static int bucket(String bareJid) {
        CRC32 crc = new CRC32();
        crc.update(bareJid.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % BUCKETS);
    }

    private Map<String, UdtValue> encode(Map<ScramAlgorithm, ScramCredential> credentials) {
        Map<String, UdtValue> values = new LinkedHashMap<>();
        credentials.forEach((algorithm, credential) -> values.put(algorithm.mechanismName(), credentialType.newValue()
                .setByteBuffer("salt", ByteBuffer.wrap(credential.salt()))
                .setInt("iterations", credential.iterations())
                .setByteBuffer("stored_key", ByteBuffer.wrap(credential.storedKey()))
                .setByteBuffer("server_key", ByteBuffer.wrap(credential.serverKey()))));
        return values;
    }

    private static Map<ScramAlgorithm, ScramCredential> decode(String bareJid, Row row) {
        Map<String, UdtValue> stored = row.getMap(1, String.class, UdtValue.class);
        Map<ScramAlgorithm, ScramCredential> credentials = new EnumMap<>(ScramAlgorithm.class);
        if (stored == null) {
            return credentials;
        }
        stored.forEach((mechanism, value) -> {
            Optional<ScramAlgorithm> algorithm = ScramAlgorithm.byMechanism(mechanism);
            if (algorithm.isEmpty()) {
                // Written by a newer release that knows more mechanisms: the known ones still work.
                LOG.warn("Ignoring credential with unknown mechanism {} for {}", mechanism, bareJid);
                return;
            }
            credentials.put(algorithm.get(), new ScramCredential(algorithm.get(), Bytes.of(value.getByteBuffer("salt")),
                    value.getInt("iterations"), Bytes.of(value.getByteBuffer("stored_key")),
                    Bytes.of(value.getByteBuffer("server_key"))));
        });
        return credentials;
    }
}
