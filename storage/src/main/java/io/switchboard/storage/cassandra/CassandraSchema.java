package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import io.switchboard.storage.StorageException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra schema as versioned migrations, and the code that applies them.
 *
 * <p><b>Versions.</b> Table {@code schema_version} has one row per applied migration (scope
 * {@value #SCOPE}); the current version is the highest. Each migration is a list of idempotent CQL
 * statements ({@code CREATE ... IF NOT EXISTS}, {@code ALTER ... ADD} guarded by a check), so a
 * migration interrupted half-way is simply run again.
 *
 * <p><b>Several nodes starting at once.</b> Concurrent DDL on different coordinators can leave
 * Cassandra with conflicting table definitions, so only one process migrates at a time: it first
 * takes a lease, a row in {@code schema_lease} written with {@code INSERT ... IF NOT EXISTS USING TTL}
 * (a lightweight transaction, so exactly one contender wins; the TTL frees it if the holder dies).
 * After every DDL statement it waits for schema agreement and renews the lease. The others poll
 * until the lease is gone, then read the version again (usually finding the work done). The two
 * bookkeeping tables themselves are created before any lease exists, which is safe because every
 * table is created with a fixed id derived from its keyspace and name ({@code WITH ID = ...}):
 * identical concurrent creations produce identical schema, not a conflict.
 *
 * <p>{@link #migrate} and {@link #currentVersion} are public so an admin command can create or
 * upgrade the schema ahead of servers that run with {@link CassandraSettings.SchemaMode#NONE}.
 *
 * <p><b>Adding a migration:</b> append to {@link #migrations} with the next version; never change
 * a released one. Keep migrations additive (new tables, new columns): during a rolling upgrade,
 * nodes of the previous release keep running against the newer schema.
 */
public final class CassandraSchema {

    private static final Logger LOG = LoggerFactory.getLogger(CassandraSchema.class);

    /** Scope of this module's rows in {@code schema_version}, leaving room for other components. */
    public static final String SCOPE = "storage";

    /** Name of the migration lease row. */
    static final String LEASE = "schema-migration";

    /** How long a lease lives without renewal: long enough for one DDL statement on a busy cluster. */
    static final Duration LEASE_TTL = Duration.ofSeconds(60);

    /** How long to wait for another node's migration before giving up. */
    static final Duration WAIT_FOR_OTHERS = Duration.ofMinutes(5);

    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration AGREEMENT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(250);

    /** Name of the setting row holding the archive bucket width in milliseconds. */
    static final String ARCHIVE_BUCKET_WIDTH = "archive_bucket_width_ms";

    /**
     * gc_grace_seconds of the offline tables: delivered messages are deleted row by row, and a
     * fetch reads from the start of the partition over their tombstones, so they should not stay
     * the default ten days. Three hours is Cassandra's default hint window: a replica down longer
     * than that and not repaired could bring a delivered message back, i.e. deliver it twice,
     * which XMPP clients tolerate (see docs/storage.md).
     */
    static final int OFFLINE_GC_GRACE_SECONDS = 10_800;

    /** Number of partitions of the account listing table (see {@code docs/storage.md}). */
    static final int ACCOUNT_LIST_BUCKETS = 16;

    private CassandraSchema() {
    }

    /** One schema step. */
    record Migration(int version, String description, List<String> statements) {
    }

    /** The schema version this release creates and needs. */
    public static int latestVersion() {
        return migrations("switchboard").size();
    }

    /**
     * The migrations for a keyspace, in order. Table ids are derived from keyspace and table name,
     * so every process computes the same statements.
     */
    static List<Migration> migrations(String keyspace) {
        Ddl ddl = new Ddl(keyspace);
        return List.of(
                new Migration(1, "accounts, offline messages, rosters, archive, vCards, private XML, block lists", List.of(
                        ddl.type("scram_credential", "salt blob, iterations int, stored_key blob, server_key blob"),
                        // Accounts by JID; credentials keyed by SASL mechanism name. Every write to a
                        // row of this table is a lightweight transaction.
                        ddl.table("accounts", """
                                jid text PRIMARY KEY,
                                created_at timestamp,
                                credentials map<text, frozen<scram_credential>>""",
                                "comment = 'Switchboard accounts by bare JID; every write is a lightweight transaction'"),
                        // Listing in code point order: ACCOUNT_LIST_BUCKETS partitions, each sorted by jid.
                        ddl.table("account_list", """
                                bucket int,
                                jid text,
                                PRIMARY KEY ((bucket), jid)""",
                                "comment = 'Switchboard account listing: 16 partitions by CRC-32 of the JID, clustered by JID'"),
                        // Offline messages in delivery order; seq (a time-based UUID taken at store
                        // time) keeps messages with equal stored_at in store order.
                        ddl.table("offline_messages", """
                                owner text,
                                stored_at timestamp,
                                seq timeuuid,
                                id text,
                                stanza blob,
                                PRIMARY KEY ((owner), stored_at, seq)""",
                                "comment = 'Switchboard offline messages per recipient, in delivery order'"
                                        + " AND gc_grace_seconds = " + OFFLINE_GC_GRACE_SECONDS),
                        // id -> position, for idempotent stores and delete by id. Same partition key
                        // as offline_messages, so a batch over both is one mutation.
                        ddl.table("offline_ids", """
                                owner text,
                                id text,
                                stored_at timestamp,
                                seq timeuuid,
                                PRIMARY KEY ((owner), id, stored_at, seq)""",
                                "comment = 'Switchboard offline message id -> position, for idempotent stores and deletes'"
                                        + " AND gc_grace_seconds = " + OFFLINE_GC_GRACE_SECONDS),
                        // One partition per roster; version is static, changed by conditional batches.
                        ddl.table("rosters", """
                                owner text,
                                contact text,
                                version bigint static,
                                name text,
                                subscription text,
                                ask_subscribe boolean,
                                approved boolean,
                                groups frozen<set<text>>,
                                item_version bigint,
                                PRIMARY KEY ((owner), contact)""",
                                "comment = 'Switchboard rosters: one partition per owner, version static, changed by conditional batches'"),
                        // Reverse index for RosterStore.owners.
                        ddl.table("roster_owners", """
                                contact text,
                                owner text,
                                PRIMARY KEY ((contact), owner)""",
                                "comment = 'Switchboard reverse roster index: contact -> owners'"),
                        ddl.table("pending_subscriptions", """
                                owner text,
                                from_jid text,
                                received_at timestamp,
                                stanza blob,
                                PRIMARY KEY ((owner), from_jid)""",
                                "comment = 'Switchboard unanswered inbound subscription requests per owner'"),
                        // The archive by (owner, time bucket), and again by (owner, bare contact, bucket).
                        ddl.table("archive", """
                                owner text,
                                bucket timestamp,
                                id bigint,
                                with_jid text,
                                stanza blob,
                                PRIMARY KEY ((owner, bucket), id)""",
                                "comment = 'Switchboard message archive (XEP-0313) per owner and time bucket'"),
                        ddl.table("archive_by_with", """
                                owner text,
                                with_bare text,
                                bucket timestamp,
                                id bigint,
                                with_jid text,
                                stanza blob,
                                PRIMARY KEY ((owner, with_bare, bucket), id)""",
                                "comment = 'Switchboard message archive per owner, bare contact and time bucket'"),
                        // Buckets that have data: with_bare '' for the whole archive, else per contact.
                        ddl.table("archive_buckets", """
                                owner text,
                                with_bare text,
                                bucket timestamp,
                                PRIMARY KEY ((owner), with_bare, bucket)""",
                                "comment = 'Switchboard archive bucket index: buckets with data, for the whole archive (empty with_bare) and per contact'"),
                        ddl.table("archive_prefs", """
                                owner text PRIMARY KEY,
                                default_mode text,
                                always frozen<set<text>>,
                                never frozen<set<text>>""",
                                "comment = 'Switchboard archiving preferences (XEP-0313)'"),
                        ddl.table("vcards", """
                                owner text PRIMARY KEY,
                                vcard blob""",
                                "comment = 'Switchboard vCards (XEP-0054)'"),
                        ddl.table("private_xml", """
                                owner text,
                                key text,
                                element blob,
                                PRIMARY KEY ((owner), key)""",
                                "comment = 'Switchboard private XML storage (XEP-0049)'"),
                        ddl.table("blocklist", """
                                owner text,
                                jid text,
                                PRIMARY KEY ((owner), jid)""",
                                "comment = 'Switchboard block lists (XEP-0191)'"),
                        // Storage-wide settings fixed at creation (archive bucket width).
                        ddl.table("storage_settings", """
                                name text PRIMARY KEY,
                                value text""",
                                "comment = 'Switchboard storage settings fixed at creation (archive bucket width)'"))));
    }

    /** The tables (besides bookkeeping) the latest schema has, for tests and tools. */
    static List<String> dataTables() {
        return List.of("accounts", "account_list", "offline_messages", "offline_ids", "rosters", "roster_owners",
                "pending_subscriptions", "archive", "archive_by_with", "archive_buckets", "archive_prefs", "vcards",
                "private_xml", "blocklist");
    }

    /**
     * Creates the keyspace if needed (with {@code settings.replication()}) and applies every
     * pending migration, coordinating with other processes doing the same (see the class
     * comment). Blocks; returns the number of migrations this call applied (0 if another process
     * did them or none were pending).
     *
     * @throws StorageException if Cassandra fails, the lease cannot be obtained within
     *                          {@link #WAIT_FOR_OTHERS}, or the keyspace has a newer schema than
     *                          this release knows (not an error: logged; returns 0)
     */
    public static int migrate(CqlSession session, CassandraSettings settings) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(settings, "settings");
        String keyspace = settings.keyspace();
        Ddl ddl = new Ddl(keyspace);
        try {
            // The common case, a restart against a current schema, needs no DDL at all (nor the
            // permission to run it).
            if (currentVersion(session, keyspace) >= latestVersion()) {
                ensureArchiveBucketWidth(session, settings);
                return 0;
            }
            ddl(session, "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = "
                    + settings.replication().toCql() + " AND durable_writes = true");
            warnOnReplicationMismatch(session, settings);
            // Bookkeeping tables: created by everyone, safely (fixed table ids, see class comment).
            ddl(session, ddl.table("schema_version", """
                    scope text,
                    version int,
                    description text,
                    applied_at timestamp,
                    applied_by text,
                    PRIMARY KEY ((scope), version)"""));
            ddl(session, ddl.table("schema_lease", """
                    name text PRIMARY KEY,
                    holder text,
                    acquired_at timestamp"""));

            List<Migration> all = migrations(keyspace);
            int applied = 0;
            long deadline = System.nanoTime() + WAIT_FOR_OTHERS.toNanos();
            String holder = holderId();
            while (true) {
                int current = readVersion(session, keyspace);
                if (current >= all.size()) {
                    if (current > all.size()) {
                        LOG.warn("Cassandra keyspace {} has schema version {}, newer than this release's {}: "
                                + "continuing (migrations are additive), but upgrade this node", keyspace, current, all.size());
                    }
                    break;
                }
                if (tryLease(session, keyspace, holder)) {
                    try {
                        applied += applyPending(session, settings, all, holder);
                    } finally {
                        releaseLease(session, keyspace, holder);
                    }
                    continue; // re-read: confirms the version we just wrote
                }
                if (System.nanoTime() > deadline) {
                    throw new StorageException("Cassandra keyspace " + keyspace + ": another process ("
                            + leaseHolder(session, keyspace) + ") has held the schema migration lease for over "
                            + WAIT_FOR_OTHERS.toMinutes() + " minutes; if it died, the lease expires within "
                            + LEASE_TTL.toSeconds() + " s of its last renewal");
                }
                sleep(POLL);
            }
            ensureArchiveBucketWidth(session, settings);
            return applied;
        } catch (DriverException e) {
            throw new StorageException("Cassandra keyspace " + keyspace + ": schema migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * The keyspace's schema version: the highest applied migration, 0 if the keyspace or its
     * {@code schema_version} table does not exist (or has no rows). Blocks.
     */
    public static int currentVersion(CqlSession session, String keyspace) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(keyspace, "keyspace");
        try {
            int local = readVersion(session, keyspace, DefaultConsistencyLevel.LOCAL_QUORUM);
            return local >= latestVersion() ? local : Math.max(local, readVersion(session, keyspace));
        } catch (InvalidQueryException e) {
            // "Keyspace ... does not exist" / "table schema_version does not exist"
            return 0;
        } catch (DriverException e) {
            throw new StorageException("Cassandra keyspace " + keyspace + ": cannot read the schema version: "
                    + e.getMessage(), e);
        }
    }

    /** How long a table that another process is creating may stay half-known ("Unknown CF"). */
    private static final Duration TABLE_APPEARING = Duration.ofSeconds(15);

    /**
     * For {@link CassandraSettings.SchemaMode#NONE}: fails unless the keyspace is at least at
     * {@link #latestVersion()}, with a message telling the operator what to run.
     */
    static void verify(CqlSession session, CassandraSettings settings) {
        int current = currentVersion(session, settings.keyspace());
        int latest = latestVersion();
        if (current < latest) {
            String state = current == 0
                    ? "has no Switchboard schema (the keyspace or its schema_version table is missing or empty), "
                            + "and this release needs schema version " + latest
                    : "has schema version " + current + ", but this release needs schema version " + latest;
            throw new StorageException("Cassandra keyspace " + settings.keyspace() + " " + state
                    + ". Schema mode is NONE, so this server does not change the schema: run the schema migration "
                    + "first (admin CLI: `switchboard storage migrate`, which calls CassandraSchema.migrate with a "
                    + "user allowed to run DDL), or set the Cassandra schema mode to AUTO.");
        }
        if (current > latest) {
            LOG.warn("Cassandra keyspace {} has schema version {}, newer than this release's {}: continuing "
                    + "(migrations are additive), but upgrade this node", settings.keyspace(), current, latest);
        }
    }

    /** Reads the bucket width recorded in the keyspace, or empty if none is. */
    static java.util.OptionalLong storedArchiveBucketWidth(CqlSession session, String keyspace) {
        Row row = readSetting(session, keyspace, ARCHIVE_BUCKET_WIDTH, DefaultConsistencyLevel.LOCAL_QUORUM);
        if (row == null) {
            row = readSetting(session, keyspace, ARCHIVE_BUCKET_WIDTH, DefaultConsistencyLevel.QUORUM);
        }
        if (row == null || row.getString(0) == null) {
            return java.util.OptionalLong.empty();
        }
        return java.util.OptionalLong.of(Long.parseLong(row.getString(0)));
    }

    private static Row readSetting(CqlSession session, String keyspace, String name, DefaultConsistencyLevel level) {
        return session.execute(SimpleStatement.newInstance(
                "SELECT value FROM " + keyspace + ".storage_settings WHERE name = ?", name)
                .setConsistencyLevel(level)).one();
    }

    private static void ensureArchiveBucketWidth(CqlSession session, CassandraSettings settings) {
        if (storedArchiveBucketWidth(session, settings.keyspace()).isPresent()) {
            return;
        }
        // IF NOT EXISTS: the first writer fixes it; later, different settings cannot move buckets.
        session.execute(SimpleStatement.newInstance("INSERT INTO " + settings.keyspace()
                        + ".storage_settings (name, value) VALUES (?, ?) IF NOT EXISTS",
                ARCHIVE_BUCKET_WIDTH, Long.toString(settings.archiveBucketWidth().toMillis()))
                .setSerialConsistencyLevel(DefaultConsistencyLevel.SERIAL).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
    }

    private static int applyPending(CqlSession session, CassandraSettings settings, List<Migration> all, String holder) {
        String keyspace = settings.keyspace();
        int current = readVersion(session, keyspace); // again, now under the lease
        int applied = 0;
        for (Migration migration : all) {
            if (migration.version() <= current) {
                continue;
            }
            long started = System.nanoTime();
            LOG.info("Cassandra keyspace {}: applying schema migration {} ({})", keyspace, migration.version(),
                    migration.description());
            for (String statement : migration.statements()) {
                ddl(session, statement);
                renewLease(session, keyspace, holder);
            }
            ResultSet recorded = session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace
                            + ".schema_version (scope, version, description, applied_at, applied_by) VALUES (?, ?, ?, ?, ?)"
                            + " IF NOT EXISTS",
                    SCOPE, migration.version(), migration.description(), Instant.now(), holder)
                    .setSerialConsistencyLevel(DefaultConsistencyLevel.SERIAL).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
            if (!recorded.wasApplied()) {
                LOG.warn("Cassandra keyspace {}: schema version {} was already recorded by another process",
                        keyspace, migration.version());
            }
            applied++;
            LOG.info("Cassandra keyspace {}: schema migration {} applied in {} ms", keyspace, migration.version(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return applied;
    }

    /**
     * Schema state is cluster-wide, so it is written at QUORUM (all datacenters) and read at QUORUM
     * while migrating. A server starting in schema mode NONE reads at LOCAL_QUORUM first, so a
     * remote datacenter being down does not stop it, and only asks QUORUM when that looks too old.
     */
    private static int readVersion(CqlSession session, String keyspace) {
        return readVersion(session, keyspace, DefaultConsistencyLevel.QUORUM);
    }

    private static int readVersion(CqlSession session, String keyspace, DefaultConsistencyLevel level) {
        long deadline = System.nanoTime() + TABLE_APPEARING.toNanos();
        while (true) {
            try {
                Row row = session.execute(SimpleStatement.newInstance("SELECT version FROM " + keyspace
                        + ".schema_version WHERE scope = ? ORDER BY version DESC LIMIT 1", SCOPE)
                        .setConsistencyLevel(level)).one();
                return row == null ? 0 : row.getInt(0);
            } catch (ServerError e) {
                // Another process is creating the table right now: Cassandra already knows the
                // table's name but not yet its id ("Unknown CF <id>"). It settles in moments; seen
                // when several nodes of a cluster start at once against one keyspace.
                if (e.getMessage() == null || !e.getMessage().contains("Unknown CF") || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(POLL);
            }
        }
    }

    private static boolean tryLease(CqlSession session, String keyspace, String holder) {
        ResultSet rs = session.execute(SimpleStatement.newInstance("INSERT INTO " + keyspace
                        + ".schema_lease (name, holder, acquired_at) VALUES (?, ?, ?) IF NOT EXISTS USING TTL "
                        + LEASE_TTL.toSeconds(), LEASE, holder, Instant.now())
                .setSerialConsistencyLevel(DefaultConsistencyLevel.SERIAL).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
        if (rs.wasApplied()) {
            LOG.info("Cassandra keyspace {}: took the schema migration lease as {}", keyspace, holder);
            return true;
        }
        Row current = rs.one();
        LOG.info("Cassandra keyspace {}: waiting for {} to finish migrating the schema", keyspace,
                current == null ? "another process" : current.getString("holder"));
        return false;
    }

    private static void renewLease(CqlSession session, String keyspace, String holder) {
        ResultSet rs = session.execute(SimpleStatement.newInstance("UPDATE " + keyspace + ".schema_lease USING TTL "
                + LEASE_TTL.toSeconds() + " SET holder = ?, acquired_at = ? WHERE name = ? IF holder = ?",
                holder, Instant.now(), LEASE, holder).setSerialConsistencyLevel(DefaultConsistencyLevel.SERIAL).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
        if (!rs.wasApplied()) {
            // Expired (a statement took longer than the TTL) and possibly taken by another process.
            // Statements are idempotent, so carrying on is safe; say so, since DDL may now overlap.
            LOG.warn("Cassandra keyspace {}: lost the schema migration lease (a DDL statement took over {} s); "
                    + "continuing, migrations are idempotent", keyspace, LEASE_TTL.toSeconds());
        }
    }

    private static void releaseLease(CqlSession session, String keyspace, String holder) {
        try {
            session.execute(SimpleStatement.newInstance("DELETE FROM " + keyspace + ".schema_lease WHERE name = ? IF holder = ?",
                    LEASE, holder).setSerialConsistencyLevel(DefaultConsistencyLevel.SERIAL).setConsistencyLevel(DefaultConsistencyLevel.QUORUM));
        } catch (DriverException e) {
            LOG.warn("Cassandra keyspace {}: could not release the schema migration lease ({}); it expires in {} s",
                    keyspace, e.toString(), LEASE_TTL.toSeconds());
        }
    }

    private static String leaseHolder(CqlSession session, String keyspace) {
        try {
            Row row = session.execute(SimpleStatement.newInstance("SELECT holder FROM " + keyspace
                    + ".schema_lease WHERE name = ?", LEASE)).one();
            return row == null ? "unknown" : row.getString(0);
        } catch (DriverException e) {
            return "unknown";
        }
    }

    /** Runs one DDL statement and waits until every reachable node has the new schema. */
    private static void ddl(CqlSession session, String cql) {
        ResultSet rs = session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
        if (!rs.getExecutionInfo().isSchemaInAgreement()) {
            awaitSchemaAgreement(session);
        }
    }

    private static void awaitSchemaAgreement(CqlSession session) {
        long deadline = System.nanoTime() + AGREEMENT_TIMEOUT.toNanos();
        while (!session.checkSchemaAgreement()) {
            if (System.nanoTime() > deadline) {
                throw new StorageException("Cassandra nodes did not agree on the schema within "
                        + AGREEMENT_TIMEOUT.toSeconds() + " s after a schema change; check that every node is up "
                        + "(nodetool describecluster) and run the migration again");
            }
            sleep(Duration.ofMillis(200));
        }
    }

    private static void warnOnReplicationMismatch(CqlSession session, CassandraSettings settings) {
        try {
            Row row = session.execute(SimpleStatement.newInstance(
                    "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", settings.keyspace())).one();
            if (row == null) {
                return;
            }
            java.util.Map<String, String> actual = row.getMap(0, String.class, String.class);
            String actualClass = actual.getOrDefault("class", "");
            CassandraSettings.Replication wanted = settings.replication();
            boolean same = actualClass.endsWith(wanted.strategy());
            for (var entry : wanted.factors().entrySet()) {
                same &= String.valueOf(entry.getValue()).equals(actual.get(entry.getKey()));
            }
            if (!same) {
                LOG.warn("Cassandra keyspace {} exists with replication {}, not the configured {}: the keyspace is left "
                        + "as it is (change it with ALTER KEYSPACE and a repair)", settings.keyspace(), actual,
                        wanted.toCql());
            }
        } catch (DriverException e) {
            LOG.debug("Could not compare keyspace replication", e);
        }
    }

    private static String holderId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while migrating the Cassandra schema", e);
        }
    }

    /** Builds DDL for one keyspace. */
    static final class Ddl {

        private final String keyspace;

        Ddl(String keyspace) {
            this.keyspace = keyspace;
        }

        String table(String name, String columns) {
            return table(name, columns, null);
        }

        /** {@code options}: more of the WITH clause, e.g. {@code "comment = '...'"}. */
        String table(String name, String columns, String options) {
            return "CREATE TABLE IF NOT EXISTS " + keyspace + "." + name + " (\n" + columns + "\n) WITH ID = "
                    + tableId(keyspace, name) + (options == null ? "" : " AND " + options);
        }

        String type(String name, String fields) {
            return "CREATE TYPE IF NOT EXISTS " + keyspace + "." + name + " (" + fields + ")";
        }
    }

    /**
     * The fixed id of a table: a name-based UUID of keyspace and table, identical in every process,
     * so concurrent {@code CREATE TABLE IF NOT EXISTS} on different nodes cannot create two
     * different tables of one name.
     */
    static UUID tableId(String keyspace, String table) {
        return UUID.nameUUIDFromBytes(("switchboard-storage:" + keyspace + "." + table).getBytes(StandardCharsets.UTF_8));
    }
}
