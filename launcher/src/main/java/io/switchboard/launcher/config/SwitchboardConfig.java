package io.switchboard.launcher.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The effective, validated configuration of one Switchboard node. Instances come from
 * {@link ConfigLoader}; every value has already been range-checked there, so consumers can use
 * them without re-validating.
 */
public record SwitchboardConfig(
    Server server,
    Listeners listeners,
    Tls tls,
    Auth auth,
    Registration registration,
    Limits limits,
    Cluster cluster,
    Presence presence,
    StreamManagement streamManagement,
    Storage storage,
    Metrics metrics,
    Logging logging) {

  public SwitchboardConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(registration, "registration");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(streamManagement, "streamManagement");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(logging, "logging");
  }

  /** The launcher generates a node id when none is configured and pins it with this. */
  public SwitchboardConfig withNodeId(String nodeId) {
    return new SwitchboardConfig(server.withNodeId(nodeId), listeners, tls, auth, registration,
        limits, cluster, presence, streamManagement, storage, metrics, logging);
  }

  /** A few lines describing the effective settings, for the start-up log. */
  public String toSummary() {
    String nl = System.lineSeparator();
    StringBuilder sb = new StringBuilder();
    sb.append("server: domain=").append(server.domain())
        .append(" node-id=").append(server.nodeId().orElse("<generated>"))
        .append(" roles=").append(names(server.roles(), Role::configName))
        .append(" data-dir=").append(server.dataDir()).append(nl);
    sb.append("listeners: c2s=").append(listener(listeners.c2s().enabled(),
            listeners.c2s().host(), listeners.c2s().port()));
    if (listeners.c2s().enabled()) {
      sb.append(" (starttls ").append(listeners.c2s().starttls().configName()).append(')');
    }
    sb.append(" c2s-direct-tls=").append(listener(listeners.c2sDirectTls().enabled(),
            listeners.c2sDirectTls().host(), listeners.c2sDirectTls().port()))
        .append(" http=").append(listener(listeners.http().enabled(), listeners.http().host(),
            listeners.http().port()))
        .append(" https=").append(listener(listeners.https().enabled(), listeners.https().host(),
            listeners.https().port()));
    WebSocket ws = listeners.websocket();
    if (!ws.allowedOrigins().isEmpty()) {
      sb.append(" websocket-origins=").append(String.join(",", ws.allowedOrigins()));
    }
    ws.seeOtherUri().ifPresent(uri -> sb.append(" websocket-see-other-uri=").append(uri));
    if (!listeners.webClient().enabled()) {
      sb.append(" web-client=off");
    }
    Bosh bosh = listeners.bosh();
    if (bosh.enabled()) {
      sb.append(" bosh=on (max-wait ").append(bosh.maxWait().toSeconds()).append("s, inactivity ")
          .append(bosh.inactivity().toSeconds()).append("s)");
    } else {
      sb.append(" bosh=off");
    }
    sb.append(nl);
    sb.append("tls: ").append(tls.certificate()
            .map(c -> "certificate=" + c + " private-key=" + tls.privateKey().orElseThrow())
            .orElse("self-signed certificate"))
        .append(" protocols=").append(String.join(",", tls.protocols())).append(nl);
    sb.append("auth: mechanisms=").append(names(auth.mechanisms(), SaslMechanism::saslName))
        .append(" scram-iterations=").append(auth.scramIterations())
        .append(" max-failures=").append(auth.maxFailures())
        .append("; registration: in-band=").append(registration.inBand() ? "on" : "off")
        .append(" min-password-length=").append(registration.minPasswordLength()).append(nl);
    sb.append("limits: max-stanza-bytes=").append(limits.maxStanzaBytes())
        .append(" max-xml-depth=").append(limits.maxXmlDepth())
        .append(" max-connections=").append(limits.maxConnections())
        .append(" rate=").append(limits.rateBytesPerSecond()).append("B/s")
        .append(" burst=").append(limits.rateBurstBytes()).append('B')
        .append(" idle-timeout=").append(Durations.format(limits.idleTimeout()))
        .append(" keepalive-interval=").append(Durations.format(limits.keepaliveInterval()))
        .append(" handshake-timeout=").append(Durations.format(limits.handshakeTimeout()))
        .append(" max-offline-messages=").append(limits.maxOfflineMessages()).append(nl);
    sb.append("cluster: name=").append(cluster.clusterName())
        .append(" interface=").append(cluster.networkInterface())
        .append(" port=").append(cluster.port())
        .append(" members=").append(String.join(",", cluster.members()))
        .append(" failure-detection-timeout=")
        .append(Durations.format(cluster.failureDetectionTimeout()))
        .append(" merge-delay=").append(Durations.format(cluster.mergeDelay())).append(nl);
    sb.append("presence: coalesce-window=").append(presence.coalesceWindow().toMillis()).append("ms")
        .append(presence.naiveFanOut() ? " naive-fan-out (benchmark baseline)" : "").append(nl);
    sb.append("stream-management: resumption-timeout=")
        .append(Durations.format(streamManagement.resumptionTimeout()))
        .append(" max-unacked=").append(streamManagement.maxUnacked()).append(nl);
    sb.append("storage: ").append(storage.type().configName());
    if (storage.type() == StorageType.CASSANDRA) {
      sb.append(" contact-points=").append(String.join(",", storage.cassandra().contactPoints()))
          .append(" datacenter=").append(storage.cassandra().localDatacenter())
          .append(" keyspace=").append(storage.cassandra().keyspace())
          .append(" consistency=").append(storage.cassandra().consistency());
    }
    sb.append(" timeout=").append(storage.resilience().timeout().toMillis()).append("ms")
        .append("; metrics: ").append(listener(metrics.enabled(), metrics.host(), metrics.port()))
        .append("; logging: ").append(logging.level().name());
    return sb.toString();
  }

  private static String listener(boolean enabled, String host, int port) {
    return enabled ? hostPort(host, port) : "disabled";
  }

  private static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static <T> String names(java.util.Collection<T> values,
      java.util.function.Function<T, String> name) {
    return values.stream().map(name).collect(Collectors.joining(","));
  }

  // --- sections ---------------------------------------------------------------------------

  /**
   * @param nodeId empty when the operator left it to the launcher to generate one
   * @param roles  never empty; {@link Role#ALL} means every role runs in this process
   */
  public record Server(String domain, Optional<String> nodeId, Path dataDir, Set<Role> roles) {
    public Server {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(dataDir, "dataDir");
      roles = Collections.unmodifiableSet(roles.isEmpty()
          ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles));
    }

    /** Whether this node runs {@code role}, either named explicitly or through {@code all}. */
    public boolean runs(Role role) {
      return roles.contains(Role.ALL) || roles.contains(role);
    }

    public Server withNodeId(String id) {
      return new Server(domain, Optional.of(id), dataDir, roles);
    }
  }

  public record Listeners(C2sListener c2s, DirectTlsListener c2sDirectTls, HttpListener http,
      HttpListener https, WebSocket websocket, WebClient webClient, Bosh bosh) {
    public Listeners {
      Objects.requireNonNull(c2s, "c2s");
      Objects.requireNonNull(c2sDirectTls, "c2sDirectTls");
      Objects.requireNonNull(http, "http");
      Objects.requireNonNull(https, "https");
      Objects.requireNonNull(websocket, "websocket");
      Objects.requireNonNull(webClient, "webClient");
      Objects.requireNonNull(bosh, "bosh");
    }
  }

  /**
   * BOSH (XEP-0124 with XEP-0206) at {@code /http-bind} on the HTTP listeners.
   *
   * @param allowedOrigins browser origins allowed to use it from their pages (CORS); empty allows any
   * @param publicUrl      the URL discovery advertises; empty derives it from the domain
   * @param maxWait        the longest a request is held for (the session's {@code wait})
   * @param inactivity     how long a session may have no request waiting before it ends
   * @param maxPause       the longest pause a client may ask for (XEP-0124 §10)
   */
  public record Bosh(boolean enabled, List<String> allowedOrigins, Optional<String> publicUrl,
      Duration maxWait, Duration inactivity, Duration maxPause) {
    public Bosh {
      allowedOrigins = List.copyOf(allowedOrigins);
      Objects.requireNonNull(publicUrl, "publicUrl");
      Objects.requireNonNull(maxWait, "maxWait");
      Objects.requireNonNull(inactivity, "inactivity");
      Objects.requireNonNull(maxPause, "maxPause");
    }
  }

  /** @param enabled whether the HTTP listeners serve the browser chat page at {@code /chat/} */
  public record WebClient(boolean enabled) {
  }

  /**
   * A connector's HTTP listener, plain ({@code listeners.http}) or TLS with the XMPP certificate
   * ({@code listeners.https}): XMPP over WebSocket (RFC 7395) and XEP-0156 discovery.
   */
  public record HttpListener(boolean enabled, String host, int port) {
    public HttpListener {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * @param allowedOrigins browser origins allowed to open a WebSocket; empty allows any
   * @param publicUrl      the WebSocket URL discovery advertises; empty derives it from the domain
   * @param seeOtherUri    when set, new WebSocket streams are redirected there (RFC 7395 §3.6.1)
   */
  public record WebSocket(List<String> allowedOrigins, Optional<String> publicUrl,
      Optional<String> seeOtherUri) {
    public WebSocket {
      allowedOrigins = List.copyOf(allowedOrigins);
      Objects.requireNonNull(publicUrl, "publicUrl");
      Objects.requireNonNull(seeOtherUri, "seeOtherUri");
    }
  }

  /** Client-to-server listener speaking plain XMPP that is upgraded with STARTTLS. */
  public record C2sListener(boolean enabled, String host, int port, StartTls starttls) {
    public C2sListener {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(starttls, "starttls");
    }
  }

  /** Client-to-server listener where TLS starts before any XMPP (XEP-0368). */
  public record DirectTlsListener(boolean enabled, String host, int port) {
    public DirectTlsListener {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * @param certificate PEM certificate chain; empty means a self-signed one is generated at first
   *                    start. Set exactly when {@code privateKey} is set.
   * @param protocols   in preference order, using JSSE names such as {@code TLSv1.3}
   */
  public record Tls(Optional<Path> certificate, Optional<Path> privateKey, List<String> protocols) {
    public Tls {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
      protocols = List.copyOf(protocols);
    }

    public boolean selfSigned() {
      return certificate.isEmpty();
    }
  }

  /** @param mechanisms offered in this order, most preferred first */
  public record Auth(List<SaslMechanism> mechanisms, int scramIterations, int maxFailures) {
    public Auth {
      mechanisms = List.copyOf(mechanisms);
    }
  }

  public record Registration(boolean inBand, int minPasswordLength) {
  }

  public record Limits(
      int maxStanzaBytes,
      int maxXmlDepth,
      int maxConnections,
      int rateBytesPerSecond,
      int rateBurstBytes,
      Duration idleTimeout,
      Duration keepaliveInterval,
      Duration handshakeTimeout,
      int maxOfflineMessages) {
    public Limits {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }
  }

  /**
   * @param members          seed members, each {@code host} or {@code host:port}
   * @param networkInterface the YAML key {@code interface}; renamed because that is a Java keyword
   * @param failureDetectionTimeout a member without heartbeats for this long is declared dead
   * @param mergeDelay       how often the oldest member looks for a split-off cluster to merge
   */
  public record Cluster(List<String> members, int port, String networkInterface,
      String clusterName, Duration failureDetectionTimeout, Duration mergeDelay) {
    public Cluster {
      members = List.copyOf(members);
      Objects.requireNonNull(networkInterface, "networkInterface");
      Objects.requireNonNull(clusterName, "clusterName");
      Objects.requireNonNull(failureDetectionTimeout, "failureDetectionTimeout");
      Objects.requireNonNull(mergeDelay, "mergeDelay");
    }
  }

  /**
   * @param coalesceWindow updates from one resource closer together than this are coalesced
   * @param naiveFanOut    benchmark baseline: one event-bus message per recipient, no dedup
   */
  /** XEP-0198: how long a dropped session stays resumable, and the bound on unacknowledged stanzas. */
  public record StreamManagement(Duration resumptionTimeout, int maxUnacked) {
  }

  public record Presence(Duration coalesceWindow, boolean naiveFanOut) {
    public Presence {
      Objects.requireNonNull(coalesceWindow, "coalesceWindow");
    }
  }

  /**
   * @param offlineTtl       offline messages older than this are dropped; zero keeps them until delivered
   * @param archiveRetention archived messages older than this are dropped; zero keeps them forever
   */
  public record Storage(StorageType type, Duration offlineTtl, Duration archiveRetention,
      Resilience resilience, Cassandra cassandra) {
    public Storage {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(cassandra, "cassandra");
      Objects.requireNonNull(offlineTtl, "offlineTtl");
      Objects.requireNonNull(archiveRetention, "archiveRetention");
      Objects.requireNonNull(resilience, "resilience");
    }
  }

  /**
   * Where and how to use Cassandra when {@code storage.type} is {@code cassandra}. Values are
   * checked further when the storage opens ({@code CassandraSettings}).
   *
   * @param schemaAuto whether the server creates and migrates the schema (else only verifies it)
   * @param username   empty for no authentication
   */
  public record Cassandra(List<String> contactPoints, String localDatacenter, String keyspace,
      String replication, String consistency, String serialConsistency, Duration requestTimeout,
      boolean schemaAuto, Duration archiveBucketWidth, String username, String password) {
    public Cassandra {
      contactPoints = List.copyOf(contactPoints);
    }

    @Override
    public String toString() {
      return "Cassandra[contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
          + ", keyspace=" + keyspace + ", username=" + username + ", password=***]";
    }
  }

  /** The guards around every storage call: see {@code io.switchboard.storage.resilience}. */
  public record Resilience(Duration timeout, int maxConcurrentCalls, int fallbackCacheUsers,
      int failureRateThreshold, int window, int minimumCalls, Duration waitInOpenState) {
    public Resilience {
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(waitInOpenState, "waitInOpenState");
    }
  }

  public record Metrics(boolean enabled, String host, int port) {
    public Metrics {
      Objects.requireNonNull(host, "host");
    }
  }

  public record Logging(LogLevel level) {
    public Logging {
      Objects.requireNonNull(level, "level");
    }
  }

  // --- enumerations -----------------------------------------------------------------------

  public enum Role {
    ALL, CONNECTOR, ROUTER, PRESENCE;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum StartTls {
    /** Clients must negotiate TLS before authenticating. */
    REQUIRED,
    /** TLS is offered but clients may authenticate without it. */
    OPTIONAL,
    /** TLS is not offered on the STARTTLS listener. */
    DISABLED;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum SaslMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256"), SCRAM_SHA_1("SCRAM-SHA-1"), PLAIN("PLAIN");

    private final String saslName;

    SaslMechanism(String saslName) {
      this.saslName = saslName;
    }

    /** The IANA-registered name, as it appears on the wire and in the config file. */
    public String saslName() {
      return saslName;
    }

    public static Optional<SaslMechanism> bySaslName(String name) {
      return Arrays.stream(values()).filter(m -> m.saslName.equals(name)).findFirst();
    }
  }

  public enum StorageType {
    EMBEDDED, CASSANDRA;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR
  }
}
