package io.switchboard.storage.embedded;

import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.NoSuchAccountException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ArchiveStore} on the embedded SQLite schema (tables {@code archive_messages},
 * {@code archive_prefs}, {@code archive_prefs_jids}).
 */
final class EmbeddedArchiveStore implements ArchiveStore {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedArchiveStore.class);

    private static final String ALWAYS = "always";
    private static final String NEVER = "never";

    private final SqliteWorkers workers;

    EmbeddedArchiveStore(SqliteWorkers workers) {
        this.workers = workers;
    }

    /**
     * The query for one page. Parameters: owner, [bare contact, [full contact]], lowest id, highest
     * id, row limit. Package-private so a test can check that SQLite answers every variant from an
     * index, in index order (no scan, no sort).
     *
     * @param with     0 no contact filter, 1 a bare JID, 2 a full JID
     * @param newest   whether the page is taken from the newest end (descending scan)
     */
    static String querySql(int with, boolean newest) {
        String index = with == 0 ? "archive_messages_by_owner" : "archive_messages_by_contact";
        String filter = switch (with) {
            case 0 -> "";
            case 1 -> " AND with_bare = ?";
            case 2 -> " AND with_bare = ? AND with_jid = ?";
            default -> throw new IllegalArgumentException("with " + with);
        };
        // INDEXED BY pins the plan: without statistics SQLite might otherwise prefer the (owner, id)
        // index for a contact query and filter the owner's whole archive.
        return "SELECT id, with_jid, stanza FROM archive_messages INDEXED BY " + index
                + " WHERE owner = ?" + filter + " AND id BETWEEN ? AND ?"
                + " ORDER BY id" + (newest ? " DESC" : "") + " LIMIT ?";
    }

    @Override
    public CompletionStage<Void> append(ArchivedMessage m) {
        Objects.requireNonNull(m, "message");
        byte[] stanza = m.stanza(); // one copy, on the caller's thread
        String withBare = m.withBare();
        return workers.write("archive message for " + m.owner(), connection -> {
            // Checked in the write transaction, so atomic with the insert (as for offline messages).
            if (!EmbeddedAccountStore.accountExists(connection, m.owner())) {
                throw new NoSuchAccountException(m.owner());
            }
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO archive_messages (owner, id, with_jid, with_bare, stanza) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (owner, id) DO NOTHING""")) {
                insert.setString(1, m.owner());
                insert.setLong(2, m.id());
                insert.setString(3, m.with());
                insert.setString(4, withBare);
                insert.setBytes(5, stanza);
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<ArchivePage> query(String owner, ArchiveQuery query) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(query, "query");
        long lowest = query.lowestId();
        long highest = query.highestId();
        int with = query.with() == null ? 0 : query.with().indexOf('/') < 0 ? 1 : 2;
        return workers.read("query archive of " + owner, connection -> {
            // One row beyond the page tells whether the page is complete, also when it is exactly full.
            try (PreparedStatement select = connection.prepareStatement(querySql(with, query.last()))) {
                int index = 1;
                select.setString(index++, owner);
                if (with > 0) {
                    select.setString(index++, ArchivedMessage.bareOf(query.with()));
                }
                if (with > 1) {
                    select.setString(index++, query.with());
                }
                select.setLong(index++, lowest);
                select.setLong(index++, highest);
                select.setLong(index, query.limit() + 1L);
                List<ArchivedMessage> messages = new ArrayList<>(Math.min(query.limit(), 256));
                boolean complete = true;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        if (messages.size() == query.limit()) {
                            complete = false;
                            break;
                        }
                        messages.add(new ArchivedMessage(owner, rs.getLong(1), rs.getString(2),
                                EmbeddedAccountStore.bytes(rs, 3)));
                    }
                }
                if (query.last()) {
                    Collections.reverse(messages); // pages are always oldest first
                }
                return new ArchivePage(messages, complete);
            }
        });
    }

    @Override
    public CompletionStage<ArchivePrefs> prefs(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.read("read archiving preferences of " + owner, connection -> {
            // One statement, so the mode and the lists come from one snapshot (no read transaction).
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT p.default_mode, j.list, j.jid
                    FROM archive_prefs p LEFT JOIN archive_prefs_jids j ON j.owner = p.owner
                    WHERE p.owner = ?""")) {
                select.setString(1, owner);
                String mode = null;
                Set<String> always = new HashSet<>();
                Set<String> never = new HashSet<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        mode = rs.getString(1);
                        String list = rs.getString(2);
                        if (ALWAYS.equals(list)) {
                            always.add(rs.getString(3));
                        } else if (NEVER.equals(list)) {
                            never.add(rs.getString(3));
                        }
                    }
                }
                if (mode == null) {
                    return ArchivePrefs.DEFAULT;
                }
                ArchivePrefs.Mode defaultMode = ArchivePrefs.Mode.fromXml(mode);
                if (defaultMode == null) {
                    // Written by a newer version: archiving too little is the safer mistake.
                    LOG.warn("Unknown archiving default mode '{}' for {}; treating it as 'never'", mode, owner);
                    defaultMode = ArchivePrefs.Mode.NEVER;
                }
                return new ArchivePrefs(defaultMode, always, never);
            }
        });
    }

    @Override
    public CompletionStage<Void> setPrefs(String owner, ArchivePrefs prefs) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(prefs, "prefs");
        return workers.write("set archiving preferences of " + owner, connection -> {
            if (!EmbeddedAccountStore.accountExists(connection, owner)) {
                throw new NoSuchAccountException(owner);
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM archive_prefs_jids WHERE owner = ?")) {
                delete.setString(1, owner);
                delete.executeUpdate();
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO archive_prefs (owner, default_mode) VALUES (?, ?)
                    ON CONFLICT (owner) DO UPDATE SET default_mode = excluded.default_mode""")) {
                upsert.setString(1, owner);
                upsert.setString(2, prefs.defaultMode().xmlValue());
                upsert.executeUpdate();
            }
            insertJids(connection, owner, ALWAYS, prefs.always());
            insertJids(connection, owner, NEVER, prefs.never());
            return null;
        });
    }

    private static void insertJids(Connection connection, String owner, String list, Set<String> jids)
            throws SQLException {
        if (jids.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO archive_prefs_jids (owner, list, jid) VALUES (?, ?, ?)")) {
            for (String jid : jids) {
                insert.setString(1, owner);
                insert.setString(2, list);
                insert.setString(3, jid);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
