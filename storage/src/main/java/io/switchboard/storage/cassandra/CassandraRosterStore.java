package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import io.switchboard.storage.CodePointOrder;
import io.switchboard.storage.PendingSubscription;
import io.switchboard.storage.Roster;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@link RosterStore} on tables {@code rosters} (one partition per owner, items clustered by
 * contact, the version in a static column), {@code roster_owners} (contact -> owners, for
 * {@link #owners}) and {@code pending_subscriptions} (one partition per owner).
 *
 * <p><b>Versions.</b> Every change is one conditional batch on the owner's partition:
 * {@code UPDATE ... SET version = v + 1 IF version = v} together with the item write or delete.
 * A lightweight transaction on a single partition is atomic and linearizable, so the version goes
 * up by exactly one with each change, whichever node writes; a writer that lost the race (the
 * version moved) reads again and retries, and finds out on the way whether its write has become
 * a no-op. Each item also records the version that last changed it ({@code item_version}), which
 * tells a writer whose conditional write timed out (outcome unknown) which version its write got.
 * Writes from this process to one roster are queued locally ({@link KeyedSequencer}), so they do
 * not compete in Paxos with each other.
 *
 * <p><b>Reverse index.</b> The {@code roster_owners} row of an item is written before the item
 * and deleted after it, so after a failure the index can only name an owner too many (a harmless
 * extra check for its users), never miss one.
 */
final class CassandraRosterStore implements RosterStore {

    /** Sequencer keys of this store (the sequencer is shared with the archive). */
    private static final String KEY_PREFIX = "roster:";
    /** Conditional-write rounds (conflicts and timeouts) before giving up. */
    private static final int MAX_ATTEMPTS = 64;
    /** Rows per page of a roster read: large, so a roster is read in one round trip (one snapshot). */
    private static final int ROSTER_PAGE = 10_000;

    private final CqlExecutor ops;
    private final CassandraAccountStore accounts;
    private final KeyedSequencer sequencer;
    private final DefaultConsistencyLevel serialConsistency;

    private final Cql.Ref selectRoster;
    private final Cql.Ref selectVersion;
    private final Cql.Ref selectItem;
    private final Cql.Ref casVersion;
    private final Cql.Ref upsertItem;
    private final Cql.Ref insertItem;
    private final Cql.Ref deleteItem;
    private final Cql.Ref casResetVersion;
    private final Cql.Ref insertOwner;
    private final Cql.Ref deleteOwner;
    private final Cql.Ref selectOwners;
    private final Cql.Ref insertPending;
    private final Cql.Ref selectPendingOne;
    private final Cql.Ref deletePending;
    private final Cql.Ref selectPending;
    private final Cql.Ref purgePending;

    CassandraRosterStore(CqlExecutor ops, Cql cql, CassandraAccountStore accounts, KeyedSequencer sequencer,
                         DefaultConsistencyLevel serialConsistency) {
        this.ops = ops;
        this.accounts = accounts;
        this.sequencer = sequencer;
        this.serialConsistency = serialConsistency;
        String item = "contact, name, subscription, ask_subscribe, approved, groups, item_version";
        selectRoster = cql.idempotent("SELECT version, " + item + " FROM {ks}.rosters WHERE owner = ?");
        selectVersion = cql.idempotent("SELECT version FROM {ks}.rosters WHERE owner = ? LIMIT 1");
        selectItem = cql.idempotent("SELECT version, " + item + " FROM {ks}.rosters WHERE owner = ? AND contact = ?");
        casVersion = cql.conditional("UPDATE {ks}.rosters SET version = ? WHERE owner = ? IF version = ?");
        upsertItem = cql.conditional("INSERT INTO {ks}.rosters (owner, " + item + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insertItem = cql.conditional("INSERT INTO {ks}.rosters (owner, " + item + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS");
        deleteItem = cql.conditional("DELETE FROM {ks}.rosters WHERE owner = ? AND contact = ?");
        casResetVersion = cql.conditional("DELETE version FROM {ks}.rosters WHERE owner = ? IF version = ?");
        insertOwner = cql.idempotent("INSERT INTO {ks}.roster_owners (contact, owner) VALUES (?, ?)");
        deleteOwner = cql.idempotent("DELETE FROM {ks}.roster_owners WHERE contact = ? AND owner = ?");
        selectOwners = cql.idempotent("SELECT owner FROM {ks}.roster_owners WHERE contact = ?");
        insertPending = cql.idempotent(
                "INSERT INTO {ks}.pending_subscriptions (owner, from_jid, received_at, stanza) VALUES (?, ?, ?, ?)");
        selectPendingOne = cql.idempotent("SELECT from_jid FROM {ks}.pending_subscriptions WHERE owner = ? AND from_jid = ?");
        deletePending = cql.idempotent("DELETE FROM {ks}.pending_subscriptions WHERE owner = ? AND from_jid = ?");
        selectPending = cql.idempotent("SELECT from_jid, received_at, stanza FROM {ks}.pending_subscriptions WHERE owner = ?");
        purgePending = cql.idempotent("DELETE FROM {ks}.pending_subscriptions WHERE owner = ?");
    }

    // ------------------------------------------------------------------ reads

    @Override
    public CompletionStage<Roster> roster(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("read roster of " + owner, () -> ops.all(selectRoster.bind(owner).setPageSize(ROSTER_PAGE),
                Function.identity()).thenApply(rows -> {
                    long version = 0;
                    List<RosterItem> items = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        version = row.isNull(0) ? 0 : row.getLong(0);
                        RosterItem item = toItem(row);
                        if (item != null) {
                            items.add(item);
                        }
                    }
                    return items.isEmpty() && version == 0 ? Roster.EMPTY : new Roster(version, items);
                }));
    }

    @Override
    public CompletionStage<Long> version(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("read roster version of " + owner, () -> readVersion(owner, false));
    }

    @Override
    public CompletionStage<Optional<RosterItem>> item(String owner, String contact) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(contact, "contact");
        return ops.run("read roster item of " + owner,
                () -> ops.one(selectItem.bind(owner, contact)).thenApply(row -> Optional.ofNullable(toItem(row))));
    }

    @Override
    public CompletionStage<List<String>> owners(String contact) {
        Objects.requireNonNull(contact, "contact");
        // Clustered by owner: already in code point order.
        return ops.run("find owners of roster items for " + contact,
                () -> ops.all(selectOwners.bind(contact), row -> row.getString(0)).thenApply(List::copyOf));
    }

    // ------------------------------------------------------------------ writes

    @Override
    public CompletionStage<Long> put(String owner, RosterItem item) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(item, "item");
        return ops.run("put roster item of " + owner, () -> sequencer.run(KEY_PREFIX + owner,
                () -> accounts.requireAccount(owner).thenCompose(v -> put(owner, item, 1, false, false))));
    }

    /**
     * One round: read the item (and version), decide, write conditionally.
     *
     * @param indexed whether the reverse index row was written already (before the first write attempt)
     */
    private CompletableFuture<Long> put(String owner, RosterItem item, int attempt, boolean uncertain, boolean indexed) {
        return ops.one(serial(selectItem.bind(owner, item.contact()), uncertain)).thenCompose(row -> {
            RosterItem current = toItem(row);
            if (item.equals(current)) {
                // Unchanged. After a write whose outcome was unknown, item_version is the version
                // that write got (or that of an identical concurrent write): the version "after
                // the write". Otherwise a no-op put reports the current version.
                return CompletableFuture.completedFuture(uncertain ? row.getLong("item_version") : versionOf(row));
            }
            CompletableFuture<Long> before = current != null
                    ? CompletableFuture.completedFuture(versionOf(row))
                    // No item: the version is read afterwards, and the write below requires the
                    // item to still be absent, so an item added in between cannot be overwritten
                    // as if this put were a change.
                    : readVersion(owner, uncertain);
            // Index first, once: a failure below leaves at most a stale entry (see class comment).
            CompletableFuture<Void> index = indexed ? CompletableFuture.completedFuture(null)
                    : ops.write(insertOwner.bind(item.contact(), owner));
            return index.thenCombine(before, (v, version) -> version).thenCompose(version -> {
                long next = version + 1;
                Cql.Ref write = current == null ? insertItem : upsertItem;
                BoundStatement itemWrite = write.bind(owner, item.contact(), item.name(), item.subscription().value(),
                        item.askSubscribe(), item.approved(), item.groups(), next);
                if (item.name() == null && (current == null || current.name() == null)) {
                    itemWrite = itemWrite.unset(2); // nothing to clear: no tombstone
                }
                BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED,
                        casVersion.bind(next, owner, version == 0 ? null : version), itemWrite);
                return attempt(owner, batch, next, attempt, retryUncertain -> put(owner, item, attempt + 1, retryUncertain, true));
            });
        });
    }

    @Override
    public CompletionStage<Long> remove(String owner, String contact) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(contact, "contact");
        return ops.run("remove roster item of " + owner, () -> sequencer.run(KEY_PREFIX + owner,
                () -> remove(owner, contact, 1, false).thenCompose(result -> {
                    if (!result.changed) {
                        return CompletableFuture.completedFuture(result.version);
                    }
                    // Index last: a failure here leaves at most a stale entry.
                    return ops.write(deleteOwner.bind(contact, owner)).thenApply(v -> result.version);
                })));
    }

    private record Removal(long version, boolean changed) {
    }

    private CompletableFuture<Removal> remove(String owner, String contact, int attempt, boolean uncertain) {
        return ops.one(serial(selectItem.bind(owner, contact), uncertain)).thenCompose(row -> {
            if (row == null) {
                // No such item (any more): unchanged, or removed by a write whose outcome was unknown.
                return readVersion(owner, uncertain).thenApply(v -> new Removal(v, uncertain));
            }
            long version = versionOf(row);
            long next = version + 1;
            BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED,
                    casVersion.bind(next, owner, version == 0 ? null : version), deleteItem.bind(owner, contact));
            return attempt(owner, batch, new Removal(next, true), attempt,
                    retryUncertain -> remove(owner, contact, attempt + 1, retryUncertain));
        });
    }

    /**
     * Executes one conditional batch: its result if applied; after a lost race or a timeout (the
     * outcome unknown: the retry reads at serial consistency, which completes any Paxos round in
     * progress) another round via {@code retry}, after a short random pause.
     */
    private <T> CompletableFuture<T> attempt(String owner, BatchStatement batch, T applied, int attempt,
                                             Function<Boolean, CompletableFuture<T>> retry) {
        return ops.execute(batch).handle((rs, failure) -> {
            if (failure == null && rs.wasApplied()) {
                return CompletableFuture.completedFuture(applied);
            }
            if (failure != null && (CqlExecutor.unwrap(failure) instanceof UnavailableException
                    || !CqlExecutor.isRetryableCas(failure))) {
                return CompletableFuture.<T>failedFuture(failure);
            }
            if (attempt >= MAX_ATTEMPTS) {
                return CompletableFuture.<T>failedFuture(new StorageException("roster of " + owner + ": gave up after "
                        + attempt + " conflicting or timed-out conditional writes (too much contention on one roster)",
                        failure));
            }
            boolean uncertain = failure != null;
            long pauseMillis = ThreadLocalRandom.current().nextLong(1, 2L + Math.min(50, attempt * 5L));
            return CompletableFuture.supplyAsync(() -> null,
                            CompletableFuture.delayedExecutor(pauseMillis, TimeUnit.MILLISECONDS, ops.executor()))
                    .thenCompose(v -> retry.apply(uncertain));
        }).thenCompose(Function.identity());
    }

    /**
     * Account deletion: removes every item and the version in one conditional batch (so it is
     * ordered with concurrent conditional writes, which a plain partition delete would not be),
     * then the reverse index entries and pending requests.
     */
    CompletableFuture<Void> purge(String owner) {
        CompletableFuture<Void> roster = sequencer.run(KEY_PREFIX + owner, () -> purgeRoster(owner, 1, false));
        CompletableFuture<Void> pending = ops.write(purgePending.bind(owner));
        return CompletableFuture.allOf(roster, pending);
    }

    private CompletableFuture<Void> purgeRoster(String owner, int attempt, boolean uncertain) {
        return ops.all(serial(selectRoster.bind(owner).setPageSize(ROSTER_PAGE), uncertain), Function.identity())
                .thenCompose(rows -> {
                    if (rows.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    Long version = rows.get(0).isNull(0) ? null : rows.get(0).getLong(0);
                    List<String> contacts = new ArrayList<>();
                    List<BatchableStatement<?>> statements = new ArrayList<>();
                    statements.add(casResetVersion.bind(owner, version));
                    for (Row row : rows) {
                        String contact = row.getString(1);
                        if (contact != null) {
                            contacts.add(contact);
                            statements.add(deleteItem.bind(owner, contact));
                        }
                    }
                    BatchStatement batch = BatchStatement.newInstance(BatchType.LOGGED, statements);
                    return attempt(owner, batch, contacts, attempt,
                            retryUncertain -> purgeRoster(owner, attempt + 1, retryUncertain).thenApply(v -> List.<String>of()))
                            .thenCompose(removed -> ops.forEach(removed, 16,
                                    contact -> ops.write(deleteOwner.bind(contact, owner))));
                });
    }

    // ------------------------------------------------------------------ pending subscription requests

    @Override
    public CompletionStage<Void> addPending(String owner, PendingSubscription p) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(p, "pending subscription");
        Instant receivedAt = Instant.ofEpochMilli(p.receivedAt().toEpochMilli());
        byte[] stanza = p.stanza();
        return ops.run("add pending subscription for " + owner, () -> accounts.requireAccount(owner)
                .thenCompose(v -> ops.write(insertPending.bind(owner, p.from(), receivedAt, Bytes.wrap(stanza)))));
    }

    @Override
    public CompletionStage<Boolean> removePending(String owner, String from) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(from, "from");
        return ops.run("remove pending subscription for " + owner, () -> ops.exists(selectPendingOne.bind(owner, from))
                .thenCompose(found -> found
                        ? ops.write(deletePending.bind(owner, from)).thenApply(v -> true)
                        : CompletableFuture.completedFuture(false)));
    }

    @Override
    public CompletionStage<List<PendingSubscription>> pending(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("read pending subscriptions for " + owner, () -> ops.all(selectPending.bind(owner),
                row -> new PendingSubscription(row.getString(0), row.getInstant(1), Bytes.of(row.getByteBuffer(2))))
                .thenApply(list -> {
                    // Clustered by requester; the contract orders by time first. Pending requests
                    // per user are few, so sorting here beats a second table kept in time order.
                    List<PendingSubscription> sorted = new ArrayList<>(list);
                    sorted.sort(Comparator.comparing(PendingSubscription::receivedAt)
                            .thenComparing(PendingSubscription::from, CodePointOrder.INSTANCE));
                    return List.copyOf(sorted);
                }));
    }

    // ------------------------------------------------------------------ helpers

    private CompletableFuture<Long> readVersion(String owner, boolean serial) {
        return ops.one(serial(selectVersion.bind(owner), serial)).thenApply(CassandraRosterStore::versionOf);
    }

    private BoundStatement serial(BoundStatement statement, boolean serial) {
        return serial ? statement.setConsistencyLevel(serialConsistency) : statement;
    }

    private static long versionOf(Row row) {
        return row == null || row.isNull("version") ? 0 : row.getLong("version");
    }

    /** The item in a row with the item columns, or null (no row, or the static-only row of an empty roster). */
    private static RosterItem toItem(Row row) {
        if (row == null || row.isNull("contact")) {
            return null;
        }
        Set<String> groups = row.getSet("groups", String.class);
        return new RosterItem(row.getString("contact"), row.getString("name"), groups == null ? Set.of() : groups,
                Subscription.fromValue(row.getString("subscription")), row.getBoolean("ask_subscribe"),
                row.getBoolean("approved"));
    }
}
