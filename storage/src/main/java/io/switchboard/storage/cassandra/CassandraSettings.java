package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach and use a Cassandra cluster for {@link CassandraStorage}.
 *
 * <p>Build one with {@link #defaults(List, String)} and the {@code with...} methods; the canonical
 * constructor validates everything and throws {@link IllegalArgumentException} (or
 * {@link NullPointerException}) with a message naming the offending setting, so a bad configuration
 * fails at startup rather than at the first query.
 *
 * @param contactPoints      {@code host:port} of one or more nodes ({@code [v6addr]:port} for IPv6
 *                           literals; the port defaults to {@value #DEFAULT_PORT}); the driver
 *                           discovers the rest of the cluster from them
 * @param localDatacenter    the datacenter this server runs in: the driver sends requests there
 *                           and {@code LOCAL_*} consistency levels count replicas there
 * @param keyspace           keyspace holding every table (default {@value #DEFAULT_KEYSPACE})
 * @param replication        replication of the keyspace, used only when {@link SchemaMode#AUTO}
 *                           creates it; changing it later is an operator task ({@code ALTER KEYSPACE}
 *                           followed by a repair)
 * @param consistency        consistency level of every read and write (default {@code LOCAL_QUORUM})
 * @param serialConsistency  consistency of the Paxos phase of lightweight transactions (default
 *                           {@code LOCAL_SERIAL}; {@code SERIAL} for cross-datacenter linearizability)
 * @param requestTimeout     how long one request may take before it fails
 * @param schemaMode         whether {@link CassandraStorage#open} creates/migrates the schema or only
 *                           verifies it
 * @param offlineTtl         how long an undelivered offline message is kept; {@link Duration#ZERO}
 *                           keeps it until delivered (default 30 days)
 * @param archiveRetention   how long archived messages are kept (applied as a TTL when written);
 *                           {@link Duration#ZERO} keeps them forever (the default)
 * @param archiveBucketWidth width of the time buckets archives are partitioned by (default 7 days).
 *                           Recorded in the keyspace when it is created; later changes are ignored
 *                           with a warning, since existing buckets could not be found otherwise
 * @param username           user name for password authentication, or null for none
 * @param password           password for {@code username}, or null for none (never logged)
 */
public record CassandraSettings(
        List<String> contactPoints,
        String localDatacenter,
        String keyspace,
        Replication replication,
        DefaultConsistencyLevel consistency,
        DefaultConsistencyLevel serialConsistency,
        Duration requestTimeout,
        SchemaMode schemaMode,
        Duration offlineTtl,
        Duration archiveRetention,
        Duration archiveBucketWidth,
        String username,
        String password) {

    public static final int DEFAULT_PORT = 9042;
    public static final String DEFAULT_KEYSPACE = "switchboard";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_OFFLINE_TTL = Duration.ofDays(30);
    public static final Duration DEFAULT_ARCHIVE_BUCKET_WIDTH = Duration.ofDays(7);

    /** Cassandra refuses TTLs above 20 years. */
    public static final Duration MAX_TTL = Duration.ofSeconds(630_720_000L);

    private static final Duration MIN_BUCKET_WIDTH = Duration.ofSeconds(1);
    private static final Duration MAX_BUCKET_WIDTH = Duration.ofDays(3650);
    /**
     * Lower case, since unquoted CQL identifiers are case-folded; 48 characters is Cassandra's
     * limit for keyspace names.
     */
    private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    /** What {@link CassandraStorage#open} does with the schema. */
    public enum SchemaMode {
        /**
         * Create the keyspace and tables if missing and apply pending migrations at open (safe when
         * several nodes start at once: one applies them under a lease, the others wait).
         */
        AUTO,
        /**
         * Change nothing: verify the schema version and fail if it is missing or older than this
         * release needs. For deployments where the server's Cassandra user may not run DDL; an
         * operator runs the migration with the admin CLI instead.
         */
        NONE
    }

    public CassandraSettings {
        Objects.requireNonNull(contactPoints, "contactPoints");
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("cassandra contact points: at least one host:port is required");
        }
        List<String> points = new ArrayList<>(contactPoints.size());
        for (String point : contactPoints) {
            Objects.requireNonNull(point, "contact point");
            parseContactPoint(point); // validates
            points.add(point.trim());
        }
        contactPoints = List.copyOf(points);
        Objects.requireNonNull(localDatacenter, "localDatacenter");
        if (localDatacenter.isBlank()) {
            throw new IllegalArgumentException("cassandra local datacenter must not be blank "
                    + "(it is the datacenter name nodes report, e.g. 'datacenter1')");
        }
        Objects.requireNonNull(keyspace, "keyspace");
        if (!KEYSPACE.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("cassandra keyspace '" + keyspace + "' is not a valid keyspace name "
                    + "(a lower-case letter, then up to 47 lower-case letters, digits or underscores)");
        }
        Objects.requireNonNull(replication, "replication");
        Objects.requireNonNull(consistency, "consistency");
        if (consistency.isSerial()) {
            throw new IllegalArgumentException("cassandra consistency " + consistency
                    + " is a serial level; use it as serialConsistency, and e.g. LOCAL_QUORUM as consistency");
        }
        Objects.requireNonNull(serialConsistency, "serialConsistency");
        if (!serialConsistency.isSerial()) {
            throw new IllegalArgumentException("cassandra serial consistency must be SERIAL or LOCAL_SERIAL, not "
                    + serialConsistency);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("cassandra request timeout must be positive, was " + requestTimeout);
        }
        Objects.requireNonNull(schemaMode, "schemaMode");
        checkTtl("offline message TTL", offlineTtl);
        checkTtl("archive retention", archiveRetention);
        Objects.requireNonNull(archiveBucketWidth, "archiveBucketWidth");
        if (archiveBucketWidth.compareTo(MIN_BUCKET_WIDTH) < 0 || archiveBucketWidth.compareTo(MAX_BUCKET_WIDTH) > 0) {
            throw new IllegalArgumentException("cassandra archive bucket width must be between " + MIN_BUCKET_WIDTH
                    + " and " + MAX_BUCKET_WIDTH + ", was " + archiveBucketWidth);
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("cassandra username and password must be set together (or neither)");
        }
        if (username != null && username.isBlank()) {
            throw new IllegalArgumentException("cassandra username must not be blank");
        }
    }

    /**
     * Defaults for everything but where the cluster is: keyspace {@value #DEFAULT_KEYSPACE}
     * replicated by {@code SimpleStrategy} with factor 1 (development only), {@code LOCAL_QUORUM} /
     * {@code LOCAL_SERIAL}, 5 s request timeout, {@link SchemaMode#AUTO}, offline TTL 30 days,
     * archive kept forever in 7-day buckets, no authentication.
     */
    public static CassandraSettings defaults(List<String> contactPoints, String localDatacenter) {
        return new CassandraSettings(contactPoints, localDatacenter, DEFAULT_KEYSPACE, Replication.simple(1),
                DefaultConsistencyLevel.LOCAL_QUORUM, DefaultConsistencyLevel.LOCAL_SERIAL, DEFAULT_REQUEST_TIMEOUT,
                SchemaMode.AUTO, DEFAULT_OFFLINE_TTL, Duration.ZERO, DEFAULT_ARCHIVE_BUCKET_WIDTH, null, null);
    }

    public CassandraSettings withKeyspace(String keyspace) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withReplication(Replication replication) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withConsistency(DefaultConsistencyLevel consistency, DefaultConsistencyLevel serialConsistency) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withRequestTimeout(Duration requestTimeout) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withSchemaMode(SchemaMode schemaMode) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withOfflineTtl(Duration offlineTtl) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withArchiveRetention(Duration archiveRetention) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withArchiveBucketWidth(Duration archiveBucketWidth) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    public CassandraSettings withCredentials(String username, String password) {
        return new CassandraSettings(contactPoints, localDatacenter, keyspace, replication, consistency,
                serialConsistency, requestTimeout, schemaMode, offlineTtl, archiveRetention, archiveBucketWidth,
                username, password);
    }

    /** The contact points as socket addresses (unresolved names are resolved here). */
    public List<InetSocketAddress> contactAddresses() {
        return contactPoints.stream().map(CassandraSettings::parseContactPoint).toList();
    }

    /** {@link #offlineTtl} in seconds for {@code USING TTL} (0 = none). */
    int offlineTtlSeconds() {
        return ttlSeconds(offlineTtl);
    }

    /** {@link #archiveRetention} in seconds for {@code USING TTL} (0 = none). */
    int archiveTtlSeconds() {
        return ttlSeconds(archiveRetention);
    }

    /**
     * Parses a consistency level name as configuration spells it ({@code "local_quorum"},
     * {@code "LOCAL-QUORUM"}, {@code "quorum"}).
     */
    public static DefaultConsistencyLevel parseConsistency(String name) {
        Objects.requireNonNull(name, "consistency level");
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return DefaultConsistencyLevel.valueOf(normalized);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cassandra consistency level '" + name + "' (expected one of "
                    + java.util.Arrays.toString(DefaultConsistencyLevel.values()) + ")");
        }
    }

    /** Password masked: settings end up in logs. */
    @Override
    public String toString() {
        return "CassandraSettings[contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
                + ", keyspace=" + keyspace + ", replication=" + replication.toCql() + ", consistency=" + consistency
                + ", serialConsistency=" + serialConsistency + ", requestTimeout=" + requestTimeout
                + ", schemaMode=" + schemaMode + ", offlineTtl=" + offlineTtl + ", archiveRetention=" + archiveRetention
                + ", archiveBucketWidth=" + archiveBucketWidth + ", username=" + username
                + ", password=" + (password == null ? "null" : "***") + "]";
    }

    static InetSocketAddress parseContactPoint(String point) {
        String text = point.trim();
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw badContactPoint(point, "unclosed '['");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                throw badContactPoint(point, "expected ':' after ']'");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0 && text.indexOf(':') != colon) {
                throw badContactPoint(point, "IPv6 addresses go in brackets, e.g. [::1]:9042");
            }
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw badContactPoint(point, "no host");
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw badContactPoint(point, "port '" + port + "' is not a number");
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw badContactPoint(point, "port " + portNumber + " out of range");
            }
        }
        return InetSocketAddress.createUnresolved(host, portNumber);
    }

    private static IllegalArgumentException badContactPoint(String point, String why) {
        return new IllegalArgumentException("cassandra contact point '" + point + "' is not host:port: " + why);
    }

    private static void checkTtl(String what, Duration ttl) {
        Objects.requireNonNull(ttl, what);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("cassandra " + what + " must not be negative, was " + ttl);
        }
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("cassandra " + what + " " + ttl + " exceeds Cassandra's maximum TTL of 20 years"
                    + " (use 0 to keep data forever)");
        }
        if (!ttl.isZero() && ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("cassandra " + what + " must be 0 (forever) or at least 1 s, was " + ttl);
        }
    }

    private static int ttlSeconds(Duration ttl) {
        return (int) ttl.toSeconds();
    }

    /**
     * Keyspace replication: a strategy class and its options.
     *
     * @param strategy {@code SimpleStrategy} or {@code NetworkTopologyStrategy} (short names; a
     *                 fully qualified class name is accepted too)
     * @param factors  for {@code SimpleStrategy} exactly one entry {@code replication_factor};
     *                 for {@code NetworkTopologyStrategy} datacenter name to replica count
     */
    public record Replication(String strategy, Map<String, Integer> factors) {

        public static final String SIMPLE = "SimpleStrategy";
        public static final String NETWORK_TOPOLOGY = "NetworkTopologyStrategy";
        private static final String FACTOR = "replication_factor";

        public Replication {
            Objects.requireNonNull(strategy, "replication strategy");
            Objects.requireNonNull(factors, "replication factors");
            String shortName = strategy.startsWith("org.apache.cassandra.locator.")
                    ? strategy.substring("org.apache.cassandra.locator.".length()) : strategy;
            if (!shortName.equals(SIMPLE) && !shortName.equals(NETWORK_TOPOLOGY)) {
                throw new IllegalArgumentException("cassandra replication strategy must be " + SIMPLE + " or "
                        + NETWORK_TOPOLOGY + ", was '" + strategy + "'");
            }
            strategy = shortName;
            if (factors.isEmpty()) {
                throw new IllegalArgumentException("cassandra replication: " + strategy + " needs at least one factor");
            }
            Map<String, Integer> copy = new LinkedHashMap<>();
            factors.forEach((key, value) -> {
                Objects.requireNonNull(key, "replication option name");
                Objects.requireNonNull(value, "replication factor");
                if (value < 1) {
                    throw new IllegalArgumentException("cassandra replication factor for '" + key + "' must be >= 1, was " + value);
                }
                copy.put(key, value);
            });
            if (strategy.equals(SIMPLE) && (copy.size() != 1 || !copy.containsKey(FACTOR))) {
                throw new IllegalArgumentException("cassandra replication: SimpleStrategy takes exactly one option, "
                        + FACTOR + ", got " + copy.keySet());
            }
            if (strategy.equals(NETWORK_TOPOLOGY) && copy.containsKey(FACTOR)) {
                throw new IllegalArgumentException("cassandra replication: NetworkTopologyStrategy takes a factor per "
                        + "datacenter (e.g. dc1=3,dc2=3), not " + FACTOR);
            }
            factors = Collections.unmodifiableMap(copy);
        }

        /** {@code SimpleStrategy} with the given factor: single datacenter, development and tests. */
        public static Replication simple(int factor) {
            return new Replication(SIMPLE, Map.of(FACTOR, factor));
        }

        /** {@code NetworkTopologyStrategy}, datacenter name to replica count (production). */
        public static Replication networkTopology(Map<String, Integer> factorsByDatacenter) {
            return new Replication(NETWORK_TOPOLOGY, factorsByDatacenter);
        }

        /**
         * Parses the configuration form: {@code "SimpleStrategy:1"} or
         * {@code "NetworkTopologyStrategy:dc1=3,dc2=3"}.
         */
        public static Replication parse(String text) {
            Objects.requireNonNull(text, "replication");
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("cassandra replication '" + text
                        + "' is not 'SimpleStrategy:<factor>' or 'NetworkTopologyStrategy:<dc>=<factor>,...'");
            }
            String strategy = text.substring(0, colon).trim();
            String options = text.substring(colon + 1).trim();
            String shortName = strategy.substring(strategy.lastIndexOf('.') + 1);
            if (!shortName.equals(SIMPLE) && !shortName.equals(NETWORK_TOPOLOGY)) {
                throw new IllegalArgumentException("cassandra replication strategy must be " + SIMPLE + " or "
                        + NETWORK_TOPOLOGY + ", was '" + strategy + "'");
            }
            try {
                if (shortName.equals(SIMPLE)) {
                    return simple(Integer.parseInt(options));
                }
                Map<String, Integer> factors = new LinkedHashMap<>();
                for (String part : options.split(",")) {
                    String[] kv = part.split("=", 2);
                    if (kv.length != 2 || kv[0].isBlank()) {
                        throw new IllegalArgumentException("cassandra replication option '" + part.trim()
                                + "' is not <datacenter>=<factor>");
                    }
                    factors.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
                }
                return new Replication(strategy, factors);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cassandra replication '" + text + "': factors must be numbers");
            }
        }

        /** The CQL map literal for {@code CREATE KEYSPACE ... WITH replication = ...}. */
        public String toCql() {
            StringBuilder cql = new StringBuilder("{'class': '").append(strategy).append('\'');
            factors.forEach((key, value) -> cql.append(", '").append(key.replace("'", "''")).append("': ").append(value));
            return cql.append('}').toString();
        }
    }
}
