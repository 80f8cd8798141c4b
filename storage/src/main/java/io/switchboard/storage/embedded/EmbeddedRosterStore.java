package io.switchboard.storage.embedded;

import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.PendingSubscription;
import io.switchboard.storage.Roster;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Subscription;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@link RosterStore} on the embedded SQLite schema (tables {@code roster_versions},
 * {@code roster_items}, {@code roster_groups}, {@code pending_subscriptions}).
 */
final class EmbeddedRosterStore implements RosterStore {

    /** Serves {@link #owners}; package-private so a test can check that SQLite answers it from the index. */
    static final String OWNERS_SQL = "SELECT owner FROM roster_items WHERE contact = ? ORDER BY owner";

    /** Item columns, then the group name, one row per group (or one row with a NULL group). */
    private static final String ITEM_COLUMNS = "i.contact, i.name, i.subscription, i.ask_subscribe, i.approved, g.name";

    private final SqliteWorkers workers;

    EmbeddedRosterStore(SqliteWorkers workers) {
        this.workers = workers;
    }

    @Override
    public CompletionStage<Roster> roster(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.read("read roster of " + owner, connection -> {
            // One statement, so the version and the items come from the same snapshot without a
            // read transaction: a client must never get version n with the content of n - 1. The
            // one-row subquery yields a row (with the version) even when there are no items.
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT v.version, %s
                    FROM (SELECT ? AS owner) o
                    LEFT JOIN roster_versions v ON v.owner = o.owner
                    LEFT JOIN roster_items i ON i.owner = o.owner
                    LEFT JOIN roster_groups g ON g.owner = i.owner AND g.contact = i.contact
                    ORDER BY i.contact, g.name""".formatted(ITEM_COLUMNS))) {
                query.setString(1, owner);
                try (ResultSet rs = query.executeQuery()) {
                    long version = 0;
                    List<RosterItem> items = new ArrayList<>();
                    ItemReader reader = new ItemReader(2);
                    while (rs.next()) {
                        version = rs.getLong(1); // NULL (no row yet) reads as 0
                        reader.add(rs, items);
                    }
                    reader.finish(items);
                    return items.isEmpty() && version == 0 ? Roster.EMPTY : new Roster(version, items);
                }
            }
        });
    }

    @Override
    public CompletionStage<Long> version(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.read("read roster version of " + owner, connection -> currentVersion(connection, owner));
    }

    @Override
    public CompletionStage<Optional<RosterItem>> item(String owner, String contact) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(contact, "contact");
        return workers.read("read roster item of " + owner, connection -> readItem(connection, owner, contact));
    }

    @Override
    public CompletionStage<Long> put(String owner, RosterItem item) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(item, "item");
        // RosterItem is immutable and validated on construction, so there is nothing to snapshot.
        return workers.write("put roster item of " + owner, connection -> {
            if (!EmbeddedAccountStore.accountExists(connection, owner)) {
                throw new NoSuchAccountException(owner);
            }
            // Compare inside the write transaction, so "unchanged" cannot be decided on stale data.
            if (readItem(connection, owner, item.contact()).filter(item::equals).isPresent()) {
                return currentVersion(connection, owner);
            }
            // An upsert rather than INSERT OR REPLACE: REPLACE deletes the old row first, and
            // whether that cascades to the groups depends on connection settings.
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO roster_items (owner, contact, name, subscription, ask_subscribe, approved)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (owner, contact) DO UPDATE SET
                        name = excluded.name, subscription = excluded.subscription,
                        ask_subscribe = excluded.ask_subscribe, approved = excluded.approved""")) {
                upsert.setString(1, owner);
                upsert.setString(2, item.contact());
                upsert.setString(3, item.name()); // null binds SQL NULL
                upsert.setString(4, item.subscription().value());
                upsert.setInt(5, item.askSubscribe() ? 1 : 0);
                upsert.setInt(6, item.approved() ? 1 : 0);
                upsert.executeUpdate();
            }
            deleteGroups(connection, owner, item.contact());
            if (!item.groups().isEmpty()) {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO roster_groups (owner, contact, name) VALUES (?, ?, ?)")) {
                    for (String group : item.groups()) {
                        insert.setString(1, owner);
                        insert.setString(2, item.contact());
                        insert.setString(3, group);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
            return bumpVersion(connection, owner);
        });
    }

    @Override
    public CompletionStage<Long> remove(String owner, String contact) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(contact, "contact");
        return workers.write("remove roster item of " + owner, connection -> {
            deleteGroups(connection, owner, contact);
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM roster_items WHERE owner = ? AND contact = ?")) {
                delete.setString(1, owner);
                delete.setString(2, contact);
                if (delete.executeUpdate() == 0) {
                    return currentVersion(connection, owner);
                }
            }
            return bumpVersion(connection, owner);
        });
    }

    @Override
    public CompletionStage<List<String>> owners(String contact) {
        Objects.requireNonNull(contact, "contact");
        return workers.read("find owners of roster items for " + contact, connection -> {
            try (PreparedStatement query = connection.prepareStatement(OWNERS_SQL)) {
                query.setString(1, contact);
                List<String> owners = new ArrayList<>();
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        owners.add(rs.getString(1));
                    }
                }
                return List.copyOf(owners);
            }
        });
    }

    @Override
    public CompletionStage<Void> addPending(String owner, PendingSubscription p) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(p, "pending subscription");
        // On the caller's thread: an Instant outside the epoch-millisecond range is a caller error.
        long receivedAt = p.receivedAt().toEpochMilli();
        byte[] stanza = p.stanza();
        return workers.write("add pending subscription for " + owner, connection -> {
            if (!EmbeddedAccountStore.accountExists(connection, owner)) {
                throw new NoSuchAccountException(owner);
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO pending_subscriptions (owner, from_jid, received_at, stanza) VALUES (?, ?, ?, ?)
                    ON CONFLICT (owner, from_jid) DO UPDATE SET
                        received_at = excluded.received_at, stanza = excluded.stanza""")) {
                upsert.setString(1, owner);
                upsert.setString(2, p.from());
                upsert.setLong(3, receivedAt);
                upsert.setBytes(4, stanza);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> removePending(String owner, String from) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(from, "from");
        return workers.write("remove pending subscription for " + owner, connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM pending_subscriptions WHERE owner = ? AND from_jid = ?")) {
                delete.setString(1, owner);
                delete.setString(2, from);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public CompletionStage<List<PendingSubscription>> pending(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.read("read pending subscriptions for " + owner, connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT from_jid, received_at, stanza FROM pending_subscriptions
                    WHERE owner = ? ORDER BY received_at, from_jid""")) {
                query.setString(1, owner);
                List<PendingSubscription> pending = new ArrayList<>();
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        pending.add(new PendingSubscription(rs.getString(1),
                                Instant.ofEpochMilli(rs.getLong(2)), EmbeddedAccountStore.bytes(rs, 3)));
                    }
                }
                return List.copyOf(pending);
            }
        });
    }

    private static Optional<RosterItem> readItem(Connection connection, String owner, String contact)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT %s
                FROM roster_items i
                LEFT JOIN roster_groups g ON g.owner = i.owner AND g.contact = i.contact
                WHERE i.owner = ? AND i.contact = ?""".formatted(ITEM_COLUMNS))) {
            query.setString(1, owner);
            query.setString(2, contact);
            try (ResultSet rs = query.executeQuery()) {
                List<RosterItem> items = new ArrayList<>(1);
                ItemReader reader = new ItemReader(1);
                while (rs.next()) {
                    reader.add(rs, items);
                }
                reader.finish(items);
                return items.stream().findFirst();
            }
        }
    }

    private static long currentVersion(Connection connection, String owner) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT version FROM roster_versions WHERE owner = ?")) {
            query.setString(1, owner);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Increments the owner's version (creating the counter at 1) and returns the new value. */
    private static long bumpVersion(Connection connection, String owner) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO roster_versions (owner, version) VALUES (?, 1)
                ON CONFLICT (owner) DO UPDATE SET version = version + 1""")) {
            upsert.setString(1, owner);
            upsert.executeUpdate();
        }
        return currentVersion(connection, owner);
    }

    private static void deleteGroups(Connection connection, String owner, String contact) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM roster_groups WHERE owner = ? AND contact = ?")) {
            delete.setString(1, owner);
            delete.setString(2, contact);
            delete.executeUpdate();
        }
    }

    /**
     * Folds the rows of an item/group join (ordered so each item's rows are adjacent) back into
     * items. The six columns of {@link #ITEM_COLUMNS} start at {@code firstColumn}; a NULL contact
     * (no items at all, from a LEFT JOIN) is skipped, a NULL group means an item without groups.
     */
    private static final class ItemReader {

        private final int first;
        private String contact;
        private String name;
        private Subscription subscription;
        private boolean askSubscribe;
        private boolean approved;
        private final Set<String> groups = new LinkedHashSet<>();

        ItemReader(int firstColumn) {
            this.first = firstColumn;
        }

        void add(ResultSet rs, List<RosterItem> items) throws SQLException {
            String rowContact = rs.getString(first);
            if (rowContact == null) {
                return;
            }
            if (!rowContact.equals(contact)) {
                finish(items);
                contact = rowContact;
                name = rs.getString(first + 1);
                subscription = Subscription.fromValue(rs.getString(first + 2));
                askSubscribe = rs.getInt(first + 3) != 0;
                approved = rs.getInt(first + 4) != 0;
            }
            String group = rs.getString(first + 5);
            if (group != null) {
                groups.add(group);
            }
        }

        /** Emits the item being assembled, if any. */
        void finish(List<RosterItem> items) {
            if (contact != null) {
                items.add(new RosterItem(contact, name, groups, subscription, askSubscribe, approved));
                contact = null;
                groups.clear();
            }
        }
    }
}
