package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.Converters.scalar;

import io.switchboard.launcher.config.ConfigKey.Converter;
import io.switchboard.launcher.config.Converters.ScalarConverter;
import io.switchboard.launcher.config.SwitchboardConfig.LogLevel;
import io.switchboard.launcher.config.SwitchboardConfig.Role;
import io.switchboard.launcher.config.SwitchboardConfig.SaslMechanism;
import io.switchboard.launcher.config.SwitchboardConfig.StartTls;
import io.switchboard.launcher.config.SwitchboardConfig.StorageType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every key Switchboard understands, in file order. The defaults here are the production
 * defaults: safe when the operator says nothing. The development profile lives in
 * {@code switchboard-dev.yaml}.
 */
final class ConfigSchema {

  // Filled by the factory methods below, so it must be initialised before the keys.
  private static final List<ConfigKey<?>> KEYS = new ArrayList<>();

  private static final Duration MAX_DURATION = Duration.ofHours(24);

  static final ConfigKey<String> SERVER_DOMAIN =
      scalarKey("server.domain", null, Converters::domain);
  static final ConfigKey<Optional<String>> SERVER_NODE_ID =
      scalarKey("server.node-id", "", Converters::nodeId);
  static final ConfigKey<Path> SERVER_DATA_DIR =
      scalarKey("server.data-dir", "./data", Converters::path);
  static final ConfigKey<List<Role>> SERVER_ROLES =
      listKey("server.roles", "all", Converters.oneOf(Role.class, Role::configName),
          "role (all, connector, router, presence)");

  static final ConfigKey<Boolean> C2S_ENABLED =
      scalarKey("listeners.c2s.enabled", "true", Converters::bool);
  static final ConfigKey<String> C2S_HOST =
      scalarKey("listeners.c2s.host", "0.0.0.0", Converters::host);
  static final ConfigKey<Integer> C2S_PORT =
      scalarKey("listeners.c2s.port", "5222", Converters::port);
  static final ConfigKey<StartTls> C2S_STARTTLS =
      scalarKey("listeners.c2s.starttls", "required",
          Converters.oneOf(StartTls.class, StartTls::configName));

  static final ConfigKey<Boolean> DIRECT_TLS_ENABLED =
      scalarKey("listeners.c2s-direct-tls.enabled", "true", Converters::bool);
  static final ConfigKey<String> DIRECT_TLS_HOST =
      scalarKey("listeners.c2s-direct-tls.host", "0.0.0.0", Converters::host);
  static final ConfigKey<Integer> DIRECT_TLS_PORT =
      scalarKey("listeners.c2s-direct-tls.port", "5223", Converters::port);

  // The connector's HTTP side: XMPP over WebSocket (RFC 7395) and XEP-0156 discovery. The plain
  // listener is off by default (it suits a TLS-terminating proxy in front, or development); the
  // TLS one presents the XMPP certificate.
  static final ConfigKey<Boolean> HTTP_ENABLED =
      scalarKey("listeners.http.enabled", "false", Converters::bool);
  static final ConfigKey<String> HTTP_HOST =
      scalarKey("listeners.http.host", "0.0.0.0", Converters::host);
  static final ConfigKey<Integer> HTTP_PORT =
      scalarKey("listeners.http.port", "5280", Converters::port);
  static final ConfigKey<Boolean> HTTPS_ENABLED =
      scalarKey("listeners.https.enabled", "true", Converters::bool);
  static final ConfigKey<String> HTTPS_HOST =
      scalarKey("listeners.https.host", "0.0.0.0", Converters::host);
  static final ConfigKey<Integer> HTTPS_PORT =
      scalarKey("listeners.https.port", "5443", Converters::port);
  // Empty: any origin. Browsers send Origin on every WebSocket; clients that are not browsers do
  // not, and are not affected.
  static final ConfigKey<List<String>> WEBSOCKET_ALLOWED_ORIGINS =
      optionalListKey("listeners.websocket.allowed-origins", "", Converters::origin);
  static final ConfigKey<Optional<String>> WEBSOCKET_PUBLIC_URL =
      scalarKey("listeners.websocket.public-url", "",
          Converters.optionalUrl(List.of("wss", "ws")));
  // RFC 7395 §3.6.1 may point at another WebSocket endpoint or at BOSH, hence http(s) too.
  static final ConfigKey<Optional<String>> WEBSOCKET_SEE_OTHER_URI =
      scalarKey("listeners.websocket.see-other-uri", "",
          Converters.optionalUrl(List.of("wss", "ws", "https", "http")));
  // The browser chat page at /chat/ on the same HTTP listeners (it speaks RFC 7395 to them).
  static final ConfigKey<Boolean> WEB_CLIENT_ENABLED =
      scalarKey("listeners.web-client.enabled", "true", Converters::bool);

  // BOSH (XEP-0124/0206) at /http-bind on the same HTTP listeners, for clients and networks that
  // cannot use WebSocket. Long polls wait at most max-wait; a session with no request waiting for
  // longer than inactivity (or the pause a client asked for, up to max-pause) ends as a lost
  // connection would.
  static final ConfigKey<Boolean> BOSH_ENABLED =
      scalarKey("listeners.bosh.enabled", "true", Converters::bool);
  static final ConfigKey<List<String>> BOSH_ALLOWED_ORIGINS =
      optionalListKey("listeners.bosh.allowed-origins", "", Converters::origin);
  static final ConfigKey<Optional<String>> BOSH_PUBLIC_URL =
      scalarKey("listeners.bosh.public-url", "", Converters.optionalUrl(List.of("https", "http")));
  static final ConfigKey<Duration> BOSH_MAX_WAIT =
      scalarKey("listeners.bosh.max-wait", "60s",
          Converters.wholeSecondsBetween(Duration.ofSeconds(1), Duration.ofMinutes(5)));
  static final ConfigKey<Duration> BOSH_INACTIVITY =
      scalarKey("listeners.bosh.inactivity", "60s",
          Converters.wholeSecondsBetween(Duration.ofSeconds(2), Duration.ofMinutes(10)));
  static final ConfigKey<Duration> BOSH_MAX_PAUSE =
      scalarKey("listeners.bosh.max-pause", "120s",
          Converters.wholeSecondsBetween(Duration.ofSeconds(0), Duration.ofHours(1)));

  static final ConfigKey<Optional<Path>> TLS_CERTIFICATE =
      scalarKey("tls.certificate", "", Converters::optionalReadableFile);
  static final ConfigKey<Optional<Path>> TLS_PRIVATE_KEY =
      scalarKey("tls.private-key", "", Converters::optionalReadableFile);
  // Older protocol versions are not offered at all: XMPP clients that cannot do TLS 1.2 are
  // long gone, and allowing them here would only let a typo weaken every connection.
  static final ConfigKey<List<String>> TLS_PROTOCOLS =
      listKey("tls.protocols", "TLSv1.3,TLSv1.2", Converters.oneOf(List.of("TLSv1.3", "TLSv1.2")),
          "protocol (TLSv1.3, TLSv1.2)");

  static final ConfigKey<List<SaslMechanism>> AUTH_MECHANISMS =
      listKey("auth.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-1,PLAIN",
          Converters.oneOf(SaslMechanism.class, SaslMechanism::saslName),
          "mechanism (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN)");
  static final ConfigKey<Integer> AUTH_SCRAM_ITERATIONS =
      scalarKey("auth.scram-iterations", "4096", Converters.intBetween(4096, 1_000_000));
  static final ConfigKey<Integer> AUTH_MAX_FAILURES =
      scalarKey("auth.max-failures", "3", Converters.intBetween(1, Integer.MAX_VALUE));

  static final ConfigKey<Boolean> REGISTRATION_IN_BAND =
      scalarKey("registration.in-band", "false", Converters::bool);
  static final ConfigKey<Integer> REGISTRATION_MIN_PASSWORD_LENGTH =
      scalarKey("registration.min-password-length", "8",
          Converters.intBetween(1, Integer.MAX_VALUE));

  static final ConfigKey<Integer> LIMITS_MAX_STANZA_BYTES =
      scalarKey("limits.max-stanza-bytes", "262144", Converters.intBetween(1024, 16_777_216));
  static final ConfigKey<Integer> LIMITS_MAX_XML_DEPTH =
      scalarKey("limits.max-xml-depth", "32", Converters.intBetween(4, 1024));
  static final ConfigKey<Integer> LIMITS_MAX_CONNECTIONS =
      scalarKey("limits.max-connections", "19000", Converters.intBetween(1, Integer.MAX_VALUE));
  static final ConfigKey<Integer> LIMITS_RATE_BYTES_PER_SECOND =
      scalarKey("limits.rate-bytes-per-second", "65536",
          Converters.intBetween(1024, Integer.MAX_VALUE));
  static final ConfigKey<Integer> LIMITS_RATE_BURST_BYTES =
      scalarKey("limits.rate-burst-bytes", "262144", Converters.intBetween(1, Integer.MAX_VALUE));
  static final ConfigKey<Duration> LIMITS_IDLE_TIMEOUT =
      scalarKey("limits.idle-timeout", "5m", Converters.durationUpTo(MAX_DURATION));
  static final ConfigKey<Duration> LIMITS_KEEPALIVE_INTERVAL =
      scalarKey("limits.keepalive-interval", "60s", Converters.durationUpTo(MAX_DURATION));
  static final ConfigKey<Duration> LIMITS_HANDSHAKE_TIMEOUT =
      scalarKey("limits.handshake-timeout", "30s", Converters.durationUpTo(MAX_DURATION));
  static final ConfigKey<Integer> LIMITS_MAX_OFFLINE_MESSAGES =
      scalarKey("limits.max-offline-messages", "1000",
          Converters.intBetween(0, Integer.MAX_VALUE));

  static final ConfigKey<List<String>> CLUSTER_MEMBERS =
      listKey("cluster.members", "127.0.0.1", Converters::member, "member (host or host:port)");
  static final ConfigKey<Integer> CLUSTER_PORT =
      scalarKey("cluster.port", "5701", Converters::port);
  static final ConfigKey<String> CLUSTER_INTERFACE =
      scalarKey("cluster.interface", "127.0.0.1", Converters::host);
  static final ConfigKey<String> CLUSTER_NAME =
      scalarKey("cluster.cluster-name", "switchboard", Converters::nonBlank);
  // Heartbeats go out every second; a member silent for this long is declared dead and its
  // sessions leave the directory (its clients' contacts get unavailable presence).
  static final ConfigKey<Duration> CLUSTER_FAILURE_DETECTION_TIMEOUT =
      scalarKey("cluster.failure-detection-timeout", "10s",
          Converters.wholeSecondsBetween(Duration.ofSeconds(2), Duration.ofMinutes(10)));
  // How often the oldest member looks for a cluster that split off, to heal the split by merging
  // (Hazelcast's own default is 300 s for the first look, then every 120 s).
  static final ConfigKey<Duration> CLUSTER_MERGE_DELAY =
      scalarKey("cluster.merge-delay", "10s",
          Converters.wholeSecondsBetween(Duration.ofSeconds(1), Duration.ofMinutes(10)));

  static final ConfigKey<Duration> PRESENCE_COALESCE_WINDOW =
      scalarKey("presence.coalesce-window", "100ms", Converters.durationUpTo(Duration.ofSeconds(10)));
  static final ConfigKey<Boolean> PRESENCE_NAIVE_FAN_OUT =
      scalarKey("presence.naive-fan-out", "false", Converters::bool);

  // XEP-0198: a session whose connection dropped stays resumable this long (0 turns resumption
  // off); a client may ask for less with 'max'. Its undelivered messages then go to offline storage.
  static final ConfigKey<Duration> SM_RESUMPTION_TIMEOUT =
      scalarKey("stream-management.resumption-timeout", "5m",
          Converters.offOr(Converters.wholeSecondsBetween(Duration.ofSeconds(1), Duration.ofHours(1))));
  static final ConfigKey<Integer> SM_MAX_UNACKED =
      scalarKey("stream-management.max-unacked", "1000", Converters.intBetween(10, 100_000));

  static final ConfigKey<StorageType> STORAGE_TYPE =
      scalarKey("storage.type", "embedded",
          Converters.oneOf(StorageType.class, StorageType::configName));
  static final ConfigKey<Duration> STORAGE_OFFLINE_TTL =
      scalarKey("storage.offline-ttl", "30d", Converters.durationOrOffUpTo(Duration.ofDays(3650)));
  static final ConfigKey<Duration> STORAGE_ARCHIVE_RETENTION =
      scalarKey("storage.archive-retention", "0", Converters.durationOrOffUpTo(Duration.ofDays(36500)));
  static final ConfigKey<Duration> STORAGE_TIMEOUT =
      scalarKey("storage.timeout", "3s", Converters.durationUpTo(Duration.ofMinutes(5)));
  static final ConfigKey<Integer> STORAGE_MAX_CONCURRENT_CALLS =
      scalarKey("storage.max-concurrent-calls", "512", Converters.intBetween(1, 100_000));
  static final ConfigKey<Integer> STORAGE_FALLBACK_CACHE_USERS =
      scalarKey("storage.fallback-cache-users", "100000", Converters.intBetween(0, 10_000_000));
  static final ConfigKey<Integer> STORAGE_BREAKER_FAILURE_RATE =
      scalarKey("storage.circuit-breaker.failure-rate-threshold", "50", Converters.intBetween(1, 100));
  static final ConfigKey<Integer> STORAGE_BREAKER_WINDOW =
      scalarKey("storage.circuit-breaker.window", "50", Converters.intBetween(1, 100_000));
  static final ConfigKey<Integer> STORAGE_BREAKER_MINIMUM_CALLS =
      scalarKey("storage.circuit-breaker.minimum-calls", "10", Converters.intBetween(1, 100_000));
  static final ConfigKey<Duration> STORAGE_BREAKER_WAIT_IN_OPEN =
      scalarKey("storage.circuit-breaker.wait-in-open-state", "5s", Converters.durationUpTo(Duration.ofMinutes(10)));

  static final ConfigKey<List<String>> CASSANDRA_CONTACT_POINTS =
      listKey("storage.cassandra.contact-points", "127.0.0.1:9042", Converters::member,
          "contact point (host or host:port)");
  static final ConfigKey<String> CASSANDRA_LOCAL_DATACENTER =
      scalarKey("storage.cassandra.local-datacenter", "datacenter1", Converters::nonBlank);
  static final ConfigKey<String> CASSANDRA_KEYSPACE =
      scalarKey("storage.cassandra.keyspace", "switchboard", Converters::nonBlank);
  static final ConfigKey<String> CASSANDRA_REPLICATION =
      scalarKey("storage.cassandra.replication", "SimpleStrategy:1", Converters::nonBlank);
  static final ConfigKey<String> CASSANDRA_CONSISTENCY =
      scalarKey("storage.cassandra.consistency", "LOCAL_QUORUM", Converters.oneOf(List.of("ONE", "TWO",
          "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM")));
  static final ConfigKey<String> CASSANDRA_SERIAL_CONSISTENCY =
      scalarKey("storage.cassandra.serial-consistency", "LOCAL_SERIAL",
          Converters.oneOf(List.of("SERIAL", "LOCAL_SERIAL")));
  static final ConfigKey<Duration> CASSANDRA_REQUEST_TIMEOUT =
      scalarKey("storage.cassandra.request-timeout", "2s", Converters.durationUpTo(Duration.ofMinutes(5)));
  static final ConfigKey<String> CASSANDRA_SCHEMA =
      scalarKey("storage.cassandra.schema", "auto", Converters.oneOf(List.of("auto", "none")));
  static final ConfigKey<Duration> CASSANDRA_ARCHIVE_BUCKET_WIDTH =
      scalarKey("storage.cassandra.archive-bucket-width", "7d", Converters.durationUpTo(Duration.ofDays(3650)));
  static final ConfigKey<String> CASSANDRA_USERNAME =
      scalarKey("storage.cassandra.username", "", Converters::text);
  static final ConfigKey<String> CASSANDRA_PASSWORD =
      scalarKey("storage.cassandra.password", "", Converters::text);

  static final ConfigKey<Boolean> METRICS_ENABLED =
      scalarKey("metrics.enabled", "true", Converters::bool);
  static final ConfigKey<String> METRICS_HOST =
      scalarKey("metrics.host", "127.0.0.1", Converters::host);
  static final ConfigKey<Integer> METRICS_PORT =
      scalarKey("metrics.port", "9464", Converters::port);

  static final ConfigKey<LogLevel> LOGGING_LEVEL =
      scalarKey("logging.level", "INFO", Converters.oneOf(LogLevel.class, LogLevel::name));

  /** Environment variables with our prefix that are read by the launcher scripts, not by us. */
  static final Set<String> RESERVED_ENV =
      Set.of("SWITCHBOARD_CONFIG", "SWITCHBOARD_HOME", "SWITCHBOARD_OPTS", "SWITCHBOARD_BUILD_DIR");

  private static final Map<String, ConfigKey<?>> BY_PATH;
  private static final Map<String, ConfigKey<?>> BY_ENV;
  private static final Set<String> SECTIONS;

  static {
    Map<String, ConfigKey<?>> byPath = new LinkedHashMap<>();
    Map<String, ConfigKey<?>> byEnv = new LinkedHashMap<>();
    Set<String> sections = new LinkedHashSet<>();
    for (ConfigKey<?> k : KEYS) {
      if (byPath.put(k.path(), k) != null || byEnv.put(k.envName(), k) != null) {
        throw new IllegalStateException("config key defined twice: " + k.path());
      }
      for (int i = k.path().indexOf('.'); i >= 0; i = k.path().indexOf('.', i + 1)) {
        sections.add(k.path().substring(0, i));
      }
    }
    for (String s : sections) {
      if (byPath.containsKey(s) || byEnv.containsKey(ConfigKey.envName(s))) {
        throw new IllegalStateException("config path is both key and section: " + s);
      }
    }
    BY_PATH = Collections.unmodifiableMap(byPath);
    BY_ENV = Collections.unmodifiableMap(byEnv);
    SECTIONS = Collections.unmodifiableSet(sections);
  }

  private ConfigSchema() {
  }

  static List<ConfigKey<?>> keys() {
    return Collections.unmodifiableList(KEYS);
  }

  static Optional<ConfigKey<?>> byPath(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }

  static Optional<ConfigKey<?>> byEnvName(String envName) {
    return Optional.ofNullable(BY_ENV.get(envName));
  }

  static boolean isSection(String path) {
    return SECTIONS.contains(path);
  }

  /** Every key and section path, the candidates for "did you mean". */
  static Set<String> allPaths() {
    Set<String> all = new LinkedHashSet<>(SECTIONS);
    all.addAll(BY_PATH.keySet());
    return all;
  }

  private static <T> ConfigKey<T> scalarKey(String path, String def, ScalarConverter<T> c) {
    return register(new ConfigKey<>(path, false, def, scalar(c)));
  }

  private static <T> ConfigKey<List<T>> listKey(String path, String def, ScalarConverter<T> item,
      String itemDescription) {
    Converter<List<T>> c = Converters.nonEmptyListOf(item, itemDescription);
    return register(new ConfigKey<>(path, true, def, c));
  }

  /** A list key whose empty value is meaningful (no restriction), unlike {@link #listKey}. */
  private static <T> ConfigKey<List<T>> optionalListKey(String path, String def, ScalarConverter<T> item) {
    return register(new ConfigKey<>(path, true, def, Converters.listOf(item)));
  }

  private static <T> ConfigKey<T> register(ConfigKey<T> key) {
    KEYS.add(key);
    return key;
  }
}
