package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.switchboard.storage.AccountStore;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.BlockingStore;
import io.switchboard.storage.OfflineStore;
import io.switchboard.storage.PrivateXmlStore;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.VCardStore;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage in an Apache Cassandra cluster (tested against 5.0): the backend for clustered
 * deployments, where every node shares the same data. Tables and the reasoning behind them are
 * described in {@code docs/storage.md}.
 *
 * <p>Open it once per process with {@link #open(CassandraSettings)}; it holds one driver session
 * (connection pools to the local datacenter's nodes) and every prepared statement. All operations
 * are asynchronous; their stages complete on a small pool owned by this storage (never on the
 * driver's I/O threads), so continuations may run there, but should not block for long.
 */
public final class CassandraStorage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(CassandraStorage.class);

    /** Threads completing stages; store logic is light, the pool only must not be the driver's. */
    private static final int POOL_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final CassandraSettings settings;
    private final CqlExecutor ops;
    private final boolean ownsSession;
    private final long archiveBucketWidthMillis;
    private final CassandraAccountStore accounts;
    private final CassandraOfflineStore offline;
    private final CassandraRosterStore rosters;
    private final CassandraArchiveStore archive;
    private final CassandraVCardStore vcards;
    private final CassandraPrivateXmlStore privateXml;
    private final CassandraBlockingStore blocking;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CassandraStorage(CqlSession session, CassandraSettings settings, boolean ownsSession,
                             long archiveBucketWidthMillis, Clock clock) {
        this.settings = settings;
        this.ownsSession = ownsSession;
        this.archiveBucketWidthMillis = archiveBucketWidthMillis;
        this.ops = new CqlExecutor(session, settings.keyspace(), POOL_THREADS);
        KeyedSequencer sequencer = new KeyedSequencer(ops.executor());
        Cql cql = new Cql(session, settings.keyspace());
        accounts = new CassandraAccountStore(ops, cql, clock);
        offline = new CassandraOfflineStore(ops, cql, accounts, settings.offlineTtlSeconds());
        rosters = new CassandraRosterStore(ops, cql, accounts, sequencer, settings.serialConsistency());
        archive = new CassandraArchiveStore(ops, cql, accounts, archiveBucketWidthMillis, settings.archiveTtlSeconds());
        vcards = new CassandraVCardStore(ops, cql, accounts);
        privateXml = new CassandraPrivateXmlStore(ops, cql, accounts);
        blocking = new CassandraBlockingStore(ops, cql, accounts);
        try {
            cql.awaitAll();
        } catch (CompletionException e) {
            ops.shutdownPool();
            throw ops.translate("prepare statements", e);
        }
        accounts.prepared();
        accounts.cascadeDeleteWith(owner -> CompletableFuture.allOf(
                offline.purge(owner), rosters.purge(owner), archive.purge(owner), vcards.purge(owner),
                privateXml.purge(owner), blocking.purge(owner)));
    }

    /**
     * Connects to the cluster, creates or verifies the schema ({@link CassandraSettings#schemaMode()})
     * and prepares every statement. Blocks (a few seconds); call it at startup, not from an event
     * loop.
     *
     * @throws StorageException with a message saying what to fix if no node can be reached,
     *                          authentication fails, or the schema is missing or too old in mode
     *                          {@code NONE}
     */
    public static CassandraStorage open(CassandraSettings settings) {
        Objects.requireNonNull(settings, "settings");
        CqlSession session = connect(settings);
        try {
            return open(session, settings, true, Clock.systemUTC());
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Like {@link #open(CassandraSettings)} on a session the caller created (e.g. with
     * {@link #connect}) and keeps owning: {@link #close()} leaves it open. Contact points, datacenter,
     * timeouts and default consistency come from that session; keyspace, schema mode, TTLs and
     * bucket width from {@code settings}.
     */
    public static CassandraStorage open(CqlSession session, CassandraSettings settings) {
        return open(session, settings, false, Clock.systemUTC());
    }

    static CassandraStorage open(CqlSession session, CassandraSettings settings, boolean ownsSession, Clock clock) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(settings, "settings");
        long started = System.nanoTime();
        if (settings.schemaMode() == CassandraSettings.SchemaMode.AUTO) {
            CassandraSchema.migrate(session, settings);
        } else {
            CassandraSchema.verify(session, settings);
        }
        long width = bucketWidth(session, settings);
        CassandraStorage storage = new CassandraStorage(session, settings, ownsSession, width, clock);
        LOG.info("Opened {} (schema version {}, {} ms)", storage.description(), CassandraSchema.latestVersion(),
                (System.nanoTime() - started) / 1_000_000);
        return storage;
    }

    /**
     * A driver session configured from {@code settings} (programmatic configuration, nothing read
     * from files): contact points, local datacenter, request timeout, consistency levels and
     * credentials. Used by {@link #open(CassandraSettings)}; public for tools, e.g. an admin command
     * that runs {@link CassandraSchema#migrate} before servers start in schema mode NONE.
     *
     * @throws StorageException if no contact point can be reached or authentication fails
     */
    public static CqlSession connect(CassandraSettings settings) {
        Objects.requireNonNull(settings, "settings");
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.SESSION_NAME, "switchboard-" + settings.keyspace())
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.requestTimeout())
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, settings.consistency().name())
                .withString(DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, settings.serialConsistency().name())
                // Statements say themselves whether they are idempotent (see Cql).
                .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, false)
                // Schema metadata only for our keyspace (token-aware routing needs its replication),
                // refreshed quickly after DDL instead of the default one-second debounce.
                .withStringList(DefaultDriverOption.METADATA_SCHEMA_REFRESHED_KEYSPACES, List.of(settings.keyspace()))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(50))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                // Reconnect within seconds when a node comes back (the default backs off to 60 s),
                // so recovery after an outage is bounded by the circuit breaker's probe, not the driver.
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(5))
                // Bursts beyond what one connection can carry queue in the driver (bounded)
                // instead of failing with "no connection available".
                .withString(DefaultDriverOption.REQUEST_THROTTLER_CLASS, "ConcurrencyLimitingRequestThrottler")
                .withInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_CONCURRENT_REQUESTS, 512)
                .withInt(DefaultDriverOption.REQUEST_THROTTLER_MAX_QUEUE_SIZE, 20_000)
                .build();
        List<InetSocketAddress> contactPoints = new ArrayList<>();
        for (InetSocketAddress unresolved : settings.contactAddresses()) {
            InetSocketAddress resolved = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
            if (resolved.isUnresolved()) {
                LOG.warn("Cassandra contact point {} does not resolve; skipping it", unresolved.getHostString());
                continue;
            }
            contactPoints.add(resolved);
        }
        if (contactPoints.isEmpty()) {
            throw new StorageException("cannot connect to Cassandra: none of the contact points "
                    + settings.contactPoints() + " resolves to an address");
        }
        CqlSessionBuilder builder = CqlSession.builder()
                .withConfigLoader(config)
                .withClassLoader(CassandraStorage.class.getClassLoader())
                .addContactPoints(contactPoints)
                .withLocalDatacenter(settings.localDatacenter());
        if (settings.username() != null) {
            builder = builder.withAuthCredentials(settings.username(), settings.password());
        }
        try {
            return builder.build();
        } catch (DriverException e) {
            throw new StorageException("cannot connect to Cassandra at " + settings.contactPoints() + " (datacenter "
                    + settings.localDatacenter() + "): " + e.getMessage(), e);
        }
    }

    private static long bucketWidth(CqlSession session, CassandraSettings settings) {
        long configured = settings.archiveBucketWidth().toMillis();
        OptionalLong stored;
        try {
            stored = CassandraSchema.storedArchiveBucketWidth(session, settings.keyspace());
        } catch (DriverException e) {
            throw new StorageException("Cassandra keyspace " + settings.keyspace()
                    + ": cannot read the archive bucket width: " + e.getMessage(), e);
        }
        if (stored.isEmpty()) {
            LOG.warn("Cassandra keyspace {} records no archive bucket width; using the configured {}",
                    settings.keyspace(), settings.archiveBucketWidth());
            return configured;
        }
        if (stored.getAsLong() != configured) {
            LOG.warn("Cassandra keyspace {} was created with archive bucket width {}; the configured {} is ignored "
                            + "(existing archives could not be found with another width)", settings.keyspace(),
                    Duration.ofMillis(stored.getAsLong()), settings.archiveBucketWidth());
        }
        return stored.getAsLong();
    }

    public CassandraSettings settings() {
        return settings;
    }

    /** The archive bucket width in effect (recorded in the keyspace at creation). */
    public Duration archiveBucketWidth() {
        return Duration.ofMillis(archiveBucketWidthMillis);
    }

    /** The driver session (for metrics and tools; do not close it). */
    public CqlSession session() {
        return ops.session();
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public OfflineStore offline() {
        return offline;
    }

    @Override
    public RosterStore rosters() {
        return rosters;
    }

    @Override
    public ArchiveStore archive() {
        return archive;
    }

    @Override
    public VCardStore vcards() {
        return vcards;
    }

    @Override
    public PrivateXmlStore privateXml() {
        return privateXml;
    }

    @Override
    public BlockingStore blocking() {
        return blocking;
    }

    @Override
    public String description() {
        return "Cassandra keyspace " + settings.keyspace() + " at " + settings.contactPoints() + " (datacenter "
                + settings.localDatacenter() + ")";
    }

    /**
     * Waits for operations already started (up to a few request timeouts), then closes the
     * session (if this storage opened it) and the completion pool. Later operations fail with
     * {@link StorageException}. Idempotent.
     *
     * @throws IllegalStateException if called on one of this storage's own threads (e.g. in a
     *                               non-async continuation), where waiting would wait for itself
     */
    @Override
    public void close() {
        if (ops.isPoolThread()) {
            throw new IllegalStateException("CassandraStorage.close() called from a storage thread; "
                    + "close it from a thread that may block");
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Duration wait = settings.requestTimeout().multipliedBy(4).plusSeconds(5);
        ops.close(wait);
        if (ops.inFlight() > 0) {
            LOG.warn("Closing {} with {} operation(s) still running after {}", description(), ops.inFlight(), wait);
        }
        if (ownsSession) {
            try {
                ops.session().close();
            } catch (RuntimeException e) {
                LOG.warn("Error closing the Cassandra session", e);
            }
        }
        ops.shutdownPool();
        LOG.info("Closed {}", description());
    }

    @Override
    public String toString() {
        return description();
    }
}
