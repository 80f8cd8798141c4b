package io.switchboard.storage.embedded;

import java.util.List;

/**
 * The embedded schema, as an ordered list of migrations.
 *
 * <p>Rules for adding to it (a database in the field may be at any earlier version):
 * <ul>
 *   <li>Append a new {@link Migration} with the next version; never edit or reorder released
 *       ones, since databases that already applied them will not run them again.</li>
 *   <li>Scripts run inside one transaction with {@code foreign_keys=ON}; a migration that must
 *       rebuild a referenced table cannot switch foreign keys off there, so prefer
 *       {@code ALTER TABLE ... ADD COLUMN} or new tables.</li>
 *   <li>Instants are stored as epoch milliseconds ({@code INTEGER}), the precision every planned
 *       backend (SQLite, Cassandra {@code timestamp}) shares.</li>
 * </ul>
 */
final class Migrations {

    static final List<Migration> ALL = List.of(
            new Migration(1, "accounts, SCRAM credentials, offline messages", """
                    -- Bare JID is the natural key: it is how every lookup arrives, and the
                    -- default BINARY collation orders it by UTF-8 bytes (= code point order),
                    -- which AccountStore.list promises.
                    CREATE TABLE accounts (
                        bare_jid   TEXT    NOT NULL PRIMARY KEY,
                        created_at INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    -- One row per SCRAM algorithm; algorithm holds the IANA mechanism name
                    -- (e.g. 'SCRAM-SHA-256'), which is more stable than a Java enum constant.
                    -- Only salted, iterated keys are stored, never a password.
                    CREATE TABLE scram_credentials (
                        bare_jid   TEXT    NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        algorithm  TEXT    NOT NULL,
                        salt       BLOB    NOT NULL,
                        iterations INTEGER NOT NULL,
                        stored_key BLOB    NOT NULL,
                        server_key BLOB    NOT NULL,
                        PRIMARY KEY (bare_jid, algorithm)
                    ) WITHOUT ROWID;

                    -- seq (the rowid) only breaks ties between equal stored_at values so that
                    -- messages stored in the same millisecond keep their arrival order. The
                    -- foreign key makes storing for a missing account fail instead of leaving
                    -- messages for whoever registers the JID next.
                    CREATE TABLE offline_messages (
                        seq       INTEGER NOT NULL PRIMARY KEY,
                        bare_jid  TEXT    NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        id        TEXT    NOT NULL,
                        stored_at INTEGER NOT NULL,
                        stanza    BLOB    NOT NULL,
                        UNIQUE (bare_jid, id)
                    );

                    -- Serves fetch (per user, oldest first) and the cascade from accounts.
                    CREATE INDEX offline_messages_by_recipient
                        ON offline_messages (bare_jid, stored_at, seq);
                    """),
            new Migration(2, "rosters, pending subscription requests", """
                    -- One counter per owner, bumped in the same transaction as every item change
                    -- (RosterStore versions). A missing row means version 0.
                    CREATE TABLE roster_versions (
                        owner   TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        version INTEGER NOT NULL
                    ) WITHOUT ROWID;

                    -- subscription holds the RFC 6121 attribute value ('none', 'to', 'from',
                    -- 'both'); the flags are 0/1. name NULL (no name) and '' are distinct.
                    CREATE TABLE roster_items (
                        owner         TEXT    NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        contact       TEXT    NOT NULL,
                        name          TEXT,
                        subscription  TEXT    NOT NULL,
                        ask_subscribe INTEGER NOT NULL,
                        approved      INTEGER NOT NULL,
                        PRIMARY KEY (owner, contact)
                    ) WITHOUT ROWID;

                    -- Serves RosterStore.owners (who has this contact?) without a scan; covering,
                    -- and already in owner order.
                    CREATE INDEX roster_items_by_contact ON roster_items (contact, owner);

                    -- One row per group of an item. A table rather than an encoded column: any
                    -- string is a valid group name, so no separator or escaping can break it.
                    CREATE TABLE roster_groups (
                        owner   TEXT NOT NULL,
                        contact TEXT NOT NULL,
                        name    TEXT NOT NULL,
                        PRIMARY KEY (owner, contact, name),
                        FOREIGN KEY (owner, contact) REFERENCES roster_items (owner, contact) ON DELETE CASCADE
                    ) WITHOUT ROWID;

                    -- At most one pending request per requester; the index gives pending() its
                    -- oldest-first order (ties by requester) without sorting.
                    CREATE TABLE pending_subscriptions (
                        owner       TEXT    NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        from_jid    TEXT    NOT NULL,
                        received_at INTEGER NOT NULL,
                        stanza      BLOB    NOT NULL,
                        PRIMARY KEY (owner, from_jid)
                    ) WITHOUT ROWID;

                    CREATE INDEX pending_subscriptions_by_age
                        ON pending_subscriptions (owner, received_at, from_jid);
                    """),
            new Migration(3, "message archive, archiving preferences, vCards, private XML, block lists", """
                    -- Keyed (owner, id) by the unique index below. A rowid table rather than
                    -- WITHOUT ROWID: stanzas are often larger than the ~200 bytes per row up to
                    -- which SQLite recommends WITHOUT ROWID, and ids are only unique per owner
                    -- (the same id may be archived for both parties), so they cannot be the rowid.
                    -- with_bare is with_jid up to the first '/', for bare-JID queries.
                    CREATE TABLE archive_messages (
                        seq       INTEGER NOT NULL PRIMARY KEY,
                        owner     TEXT    NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        id        INTEGER NOT NULL,
                        with_jid  TEXT    NOT NULL,
                        with_bare TEXT    NOT NULL,
                        stanza    BLOB    NOT NULL
                    );

                    -- Serves unfiltered queries (an id range of one owner, either direction), the
                    -- idempotent append (ON CONFLICT), the cascade from accounts and the retention
                    -- purge (owner by owner, id < cutoff).
                    CREATE UNIQUE INDEX archive_messages_by_owner ON archive_messages (owner, id);

                    -- Serves queries with a contact: an id range within (owner, bare contact); a
                    -- full-JID filter is checked on the rows of that range.
                    CREATE INDEX archive_messages_by_contact ON archive_messages (owner, with_bare, id);

                    -- default_mode holds the XEP-0313 attribute value ('always', 'never',
                    -- 'roster'). A missing row means ArchivePrefs.DEFAULT.
                    CREATE TABLE archive_prefs (
                        owner        TEXT NOT NULL PRIMARY KEY REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        default_mode TEXT NOT NULL
                    ) WITHOUT ROWID;

                    -- The always/never lists, one row per JID; list is 'always' or 'never'. A JID
                    -- may be on both (never wins, which is the protocol layer's business).
                    CREATE TABLE archive_prefs_jids (
                        owner TEXT NOT NULL REFERENCES archive_prefs (owner) ON DELETE CASCADE,
                        list  TEXT NOT NULL,
                        jid   TEXT NOT NULL,
                        PRIMARY KEY (owner, list, jid)
                    ) WITHOUT ROWID;

                    -- Rowid tables: vCards carry avatars and private XML (bookmarks) can be large.
                    CREATE TABLE vcards (
                        owner TEXT NOT NULL PRIMARY KEY REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        vcard BLOB NOT NULL
                    );

                    -- key is PrivateXmlStore.key(namespace, localName), compared exactly.
                    CREATE TABLE private_xml (
                        owner   TEXT NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        key     TEXT NOT NULL,
                        element BLOB NOT NULL,
                        PRIMARY KEY (owner, key)
                    );

                    -- BINARY collation: ORDER BY jid is the code point order blocked() promises.
                    CREATE TABLE blocked_jids (
                        owner TEXT NOT NULL REFERENCES accounts (bare_jid) ON DELETE CASCADE,
                        jid   TEXT NOT NULL,
                        PRIMARY KEY (owner, jid)
                    ) WITHOUT ROWID;

                    -- Serves the offline-message TTL purge (stored_at < cutoff across users).
                    CREATE INDEX offline_messages_by_age ON offline_messages (stored_at);
                    """));

    /** Version a fully migrated database has. */
    static final int LATEST_VERSION = ALL.get(ALL.size() - 1).version();

    static {
        // Fail at class load, i.e. in every test run, if someone breaks the numbering.
        for (int i = 0; i < ALL.size(); i++) {
            if (ALL.get(i).version() != i + 1) {
                throw new ExceptionInInitializerError(
                        "migration at index " + i + " has version " + ALL.get(i).version() + ", expected " + (i + 1));
            }
        }
    }

    private Migrations() {
    }
}
