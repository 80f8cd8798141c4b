package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigSchema.*;

import io.switchboard.launcher.config.SwitchboardConfig.Auth;
import io.switchboard.launcher.config.SwitchboardConfig.C2sListener;
import io.switchboard.launcher.config.SwitchboardConfig.Cassandra;
import io.switchboard.launcher.config.SwitchboardConfig.Cluster;
import io.switchboard.launcher.config.SwitchboardConfig.DirectTlsListener;
import io.switchboard.launcher.config.SwitchboardConfig.HttpListener;
import io.switchboard.launcher.config.SwitchboardConfig.Listeners;
import io.switchboard.launcher.config.SwitchboardConfig.Limits;
import io.switchboard.launcher.config.SwitchboardConfig.Logging;
import io.switchboard.launcher.config.SwitchboardConfig.Metrics;
import io.switchboard.launcher.config.SwitchboardConfig.Presence;
import io.switchboard.launcher.config.SwitchboardConfig.StreamManagement;
import io.switchboard.launcher.config.SwitchboardConfig.Registration;
import io.switchboard.launcher.config.SwitchboardConfig.Server;
import io.switchboard.launcher.config.SwitchboardConfig.Resilience;
import io.switchboard.launcher.config.SwitchboardConfig.Storage;
import io.switchboard.launcher.config.SwitchboardConfig.Tls;
import io.switchboard.launcher.config.SwitchboardConfig.Bosh;
import io.switchboard.launcher.config.SwitchboardConfig.WebClient;
import io.switchboard.launcher.config.SwitchboardConfig.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds a {@link SwitchboardConfig} from, in increasing precedence: the built-in production
 * defaults, one YAML file, and {@code SWITCHBOARD_*} environment variables.
 *
 * <p>Anything suspicious is an error rather than a warning: unknown keys and unknown
 * {@code SWITCHBOARD_*} variables included, because a misspelt limit that silently falls back to
 * its default is found only in production. All problems are collected and reported together.
 */
public final class ConfigLoader {

  private static final String BUILT_IN_DEFAULT = "built-in default";

  private ConfigLoader() {
  }

  /**
   * @param file the operator's config file; empty to run on built-in defaults plus environment
   * @param env  the process environment, {@code System.getenv()} in production
   * @throws ConfigException listing every problem found
   */
  public static SwitchboardConfig load(Optional<Path> file, Map<String, String> env) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(env, "env");
    Map<String, Raw> raw = new HashMap<>();
    List<String> problems = new ArrayList<>();
    if (file.isPresent()) {
      Path p = file.get().toAbsolutePath().normalize();
      collectYaml(YamlTree.parse(readFile(p), p.toString()), "", p.toString(), raw, problems);
    }
    return resolve(raw, env, problems);
  }

  /**
   * Like {@link #load} with a file bundled on the class path, for the development profile that
   * runs when no config file is given.
   */
  public static SwitchboardConfig loadDefaultsFromResource(String resource,
      Map<String, String> env) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(env, "env");
    String name = resource.startsWith("/") ? resource.substring(1) : resource;
    String origin = "classpath:" + name;
    String text;
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new ConfigException("config resource " + origin + " not found");
      }
      text = decode(in.readAllBytes(), origin);
    } catch (IOException e) {
      throw new ConfigException("cannot read config resource " + origin + ": " + e, e);
    }
    Map<String, Raw> raw = new HashMap<>();
    List<String> problems = new ArrayList<>();
    collectYaml(YamlTree.parse(text, origin), "", origin, raw, problems);
    return resolve(raw, env, problems);
  }

  /**
   * The environment variable that overrides the key at {@code path}, e.g.
   * {@code SWITCHBOARD_SERVER_DOMAIN} for {@code server.domain}.
   */
  public static String envVarFor(String path) {
    return ConfigKey.envName(path);
  }

  // --- reading ----------------------------------------------------------------------------

  /** Text of one key before conversion, and where it came from for error messages. */
  private record Raw(List<String> items, String source) {
    String text() {
      return String.join(",", items);
    }
  }

  private static String readFile(Path p) {
    try {
      return decode(Files.readAllBytes(p), p.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + p + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw new ConfigException("config file " + p + " is not readable", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + p + ": " + e.getMessage(), e);
    }
  }

  private static String decode(byte[] bytes, String origin) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      // Editors on Windows like to prepend a byte order mark.
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (CharacterCodingException e) {
      throw new ConfigException("config file " + origin + " is not valid UTF-8", e);
    }
  }

  private static void collectYaml(YamlTree.Section section, String prefix, String origin,
      Map<String, Raw> raw, List<String> problems) {
    String source = "from " + origin;
    for (Map.Entry<String, YamlTree.Node> entry : section.entries().entrySet()) {
      String path = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
      YamlTree.Node value = entry.getValue();
      if (ConfigSchema.isSection(path)) {
        // A section whose keys are all commented out is empty; that is just "no overrides".
        if (value instanceof YamlTree.Section nested) {
          collectYaml(nested, path, origin, raw, problems);
        } else if (!(value instanceof YamlTree.Empty)) {
          problems.add(problem(path, "expected a section of keys, got "
              + YamlTree.describe(value), source));
        }
        continue;
      }
      Optional<ConfigKey<?>> key = ConfigSchema.byPath(path);
      if (key.isEmpty()) {
        problems.add(unknownKey(path) + " in " + origin);
        continue;
      }
      collectValue(key.get(), value, source, raw, problems);
    }
  }

  private static void collectValue(ConfigKey<?> key, YamlTree.Node value, String source,
      Map<String, Raw> raw, List<String> problems) {
    if (value instanceof YamlTree.Scalar scalar) {
      raw.put(key.path(), new Raw(
          key.isList() ? splitList(scalar.text()) : List.of(scalar.text()), source));
    } else if (value instanceof YamlTree.Section) {
      problems.add(problem(key.path(), "expected a value, got a section of keys", source));
    } else if (value instanceof YamlTree.Sequence sequence) {
      if (!key.isList()) {
        problems.add(problem(key.path(), "expected a single value, got a list", source));
        return;
      }
      List<String> items = new ArrayList<>();
      for (YamlTree.Node item : sequence.items()) {
        if (!(item instanceof YamlTree.Scalar s)) {
          problems.add(problem(key.path(), "expected a list of plain values, got an item that is "
              + YamlTree.describe(item), source));
          return;
        }
        items.add(s.text());
      }
      raw.put(key.path(), new Raw(items, source));
    }
    // Empty: the key stays at its default, as if it were commented out.
  }

  private static String unknownKey(String path) {
    int dot = path.lastIndexOf('.');
    String parent = dot < 0 ? "" : path.substring(0, dot);
    String leaf = path.substring(dot + 1);
    Set<String> all = ConfigSchema.allPaths();
    Map<String, String> siblings = new TreeMap<>();
    for (String p : all) {
      int d = p.lastIndexOf('.');
      if ((d < 0 ? "" : p.substring(0, d)).equals(parent)) {
        siblings.put(p.substring(d + 1), p);
      }
    }
    Optional<String> suggestion = Suggestions.closest(leaf, siblings.keySet()).map(siblings::get);
    if (suggestion.isEmpty()) {
      // Right name, wrong section, e.g. "tls.starttls" for "listeners.c2s.starttls".
      List<String> sameLeaf = all.stream()
          .filter(p -> p.substring(p.lastIndexOf('.') + 1).equalsIgnoreCase(leaf))
          .collect(Collectors.toList());
      suggestion = sameLeaf.size() == 1 ? Optional.of(sameLeaf.get(0))
          : Suggestions.closest(path, all);
    }
    return "unknown config key '" + path + "'"
        + suggestion.map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  private static List<String> splitList(String text) {
    return Arrays.stream(text.split(",", -1)).map(String::strip).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableList());
  }

  private static void collectEnv(Map<String, String> env, Map<String, Raw> raw,
      List<String> problems) {
    List<String> known = new ArrayList<>();
    ConfigSchema.keys().forEach(k -> known.add(k.envName()));
    known.addAll(ConfigSchema.RESERVED_ENV);
    // Sorted so that the report is stable whatever order the environment map iterates in.
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ConfigKey.ENV_PREFIX) || ConfigSchema.RESERVED_ENV.contains(name)) {
        continue;
      }
      Optional<ConfigKey<?>> key = ConfigSchema.byEnvName(name);
      if (key.isEmpty()) {
        problems.add("unknown environment variable " + name
            + Suggestions.closest(name, known).map(s -> " (did you mean " + s + "?)").orElse("")
            + "; variables starting with " + ConfigKey.ENV_PREFIX + " must name a config key");
        continue;
      }
      String value = Objects.requireNonNullElse(e.getValue(), "");
      raw.put(key.get().path(), new Raw(key.get().isList() ? splitList(value) : List.of(value),
          "from environment variable " + name));
    }
  }

  // --- conversion and validation ----------------------------------------------------------

  private static SwitchboardConfig resolve(Map<String, Raw> raw, Map<String, String> env,
      List<String> problems) {
    collectEnv(env, raw, problems);

    Map<ConfigKey<?>, Raw> effective = new HashMap<>();
    Values values = new Values();
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      Raw r = raw.get(key.path());
      if (r == null) {
        Optional<String> def = key.defaultText();
        if (def.isEmpty()) {
          problems.add("config key '" + key.path() + "': is required but not set; set it in the"
              + " config file or with the environment variable " + key.envName());
          continue;
        }
        r = new Raw(key.isList() ? splitList(def.get()) : List.of(def.get()), BUILT_IN_DEFAULT);
      }
      effective.put(key, r);
      try {
        values.put(key, key.convert(r.items()));
      } catch (ConfigKey.InvalidValue e) {
        problems.add(problem(key.path(), e.getMessage(), r.source()));
      }
    }

    crossChecks(values, effective, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return build(values);
  }

  private static void crossChecks(Values v, Map<ConfigKey<?>, Raw> effective,
      List<String> problems) {
    if (v.has(LIMITS_RATE_BURST_BYTES) && v.has(LIMITS_MAX_STANZA_BYTES)
        && v.get(LIMITS_RATE_BURST_BYTES) < v.get(LIMITS_MAX_STANZA_BYTES)) {
      // Otherwise a legal maximum-size stanza could never pass the rate limiter.
      problems.add("config key '" + LIMITS_RATE_BURST_BYTES.path() + "': must be at least "
          + LIMITS_MAX_STANZA_BYTES.path() + " (" + v.get(LIMITS_MAX_STANZA_BYTES)
          + "), got '" + v.get(LIMITS_RATE_BURST_BYTES) + "' ("
          + sources(effective, LIMITS_RATE_BURST_BYTES, LIMITS_MAX_STANZA_BYTES) + ")");
    }

    // Checked on the text so that "key missing" is reported even when the certificate file is
    // missing too.
    Raw cert = effective.get(TLS_CERTIFICATE);
    Raw key = effective.get(TLS_PRIVATE_KEY);
    if (cert != null && key != null) {
      boolean hasCert = !cert.text().isBlank();
      boolean hasKey = !key.text().isBlank();
      if (hasCert != hasKey) {
        ConfigKey<?> set = hasCert ? TLS_CERTIFICATE : TLS_PRIVATE_KEY;
        ConfigKey<?> unset = hasCert ? TLS_PRIVATE_KEY : TLS_CERTIFICATE;
        problems.add("config key '" + unset.path() + "': must be set because " + set.path()
            + " is set; give both or neither (neither generates a self-signed certificate) ("
            + sources(effective, unset, set) + ")");
      }
    }

    checkPortClashes(v, effective, problems);
  }

  private record Endpoint(ConfigKey<Integer> portKey, String host, int port) {
  }

  private static void checkPortClashes(Values v, Map<ConfigKey<?>, Raw> effective,
      List<String> problems) {
    List<Endpoint> endpoints = new ArrayList<>();
    addEndpoint(endpoints, v, C2S_ENABLED, C2S_HOST, C2S_PORT);
    addEndpoint(endpoints, v, DIRECT_TLS_ENABLED, DIRECT_TLS_HOST, DIRECT_TLS_PORT);
    addEndpoint(endpoints, v, HTTP_ENABLED, HTTP_HOST, HTTP_PORT);
    addEndpoint(endpoints, v, HTTPS_ENABLED, HTTPS_HOST, HTTPS_PORT);
    addEndpoint(endpoints, v, METRICS_ENABLED, METRICS_HOST, METRICS_PORT);
    addEndpoint(endpoints, v, null, CLUSTER_INTERFACE, CLUSTER_PORT);
    Set<ConfigKey<Integer>> reported = new HashSet<>();
    for (int i = 0; i < endpoints.size(); i++) {
      for (int j = i + 1; j < endpoints.size(); j++) {
        Endpoint a = endpoints.get(i);
        Endpoint b = endpoints.get(j);
        if (a.port() == b.port() && overlaps(a.host(), b.host()) && reported.add(b.portKey())) {
          problems.add("config key '" + b.portKey().path() + "': port " + b.port() + " on "
              + b.host() + " is already used by " + a.portKey().path() + " on " + a.host()
              + " (" + sources(effective, b.portKey(), a.portKey()) + ")");
        }
      }
    }
  }

  private static void addEndpoint(List<Endpoint> endpoints, Values v, ConfigKey<Boolean> enabled,
      ConfigKey<String> host, ConfigKey<Integer> port) {
    if (enabled != null && (!v.has(enabled) || !v.get(enabled))) {
      return;
    }
    if (v.has(host) && v.has(port)) {
      endpoints.add(new Endpoint(port, v.get(host), v.get(port)));
    }
  }

  private static boolean overlaps(String a, String b) {
    return a.equalsIgnoreCase(b) || isWildcard(a) || isWildcard(b);
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
        || host.equals("*");
  }

  private static String sources(Map<ConfigKey<?>, Raw> effective, ConfigKey<?>... keys) {
    return Arrays.stream(keys)
        .map(k -> k.path() + ": " + effective.get(k).source())
        .collect(Collectors.joining("; "));
  }

  private static String problem(String path, String message, String source) {
    return "config key '" + path + "': " + message + " (" + source + ")";
  }

  /** Converted values, typed by their key. */
  private static final class Values {
    private final Map<ConfigKey<?>, Object> map = new HashMap<>();

    void put(ConfigKey<?> key, Object value) {
      map.put(key, value);
    }

    boolean has(ConfigKey<?> key) {
      return map.containsKey(key);
    }

    @SuppressWarnings("unchecked")
    <T> T get(ConfigKey<T> key) {
      Object v = map.get(key);
      if (v == null) {
        throw new IllegalStateException("config key not resolved: " + key.path());
      }
      return (T) v;
    }
  }

  private static SwitchboardConfig build(Values v) {
    return new SwitchboardConfig(
        new Server(v.get(SERVER_DOMAIN), v.get(SERVER_NODE_ID), v.get(SERVER_DATA_DIR),
            Set.copyOf(v.get(SERVER_ROLES))),
        new Listeners(
            new C2sListener(v.get(C2S_ENABLED), v.get(C2S_HOST), v.get(C2S_PORT),
                v.get(C2S_STARTTLS)),
            new DirectTlsListener(v.get(DIRECT_TLS_ENABLED), v.get(DIRECT_TLS_HOST),
                v.get(DIRECT_TLS_PORT)),
            new HttpListener(v.get(HTTP_ENABLED), v.get(HTTP_HOST), v.get(HTTP_PORT)),
            new HttpListener(v.get(HTTPS_ENABLED), v.get(HTTPS_HOST), v.get(HTTPS_PORT)),
            new WebSocket(v.get(WEBSOCKET_ALLOWED_ORIGINS), v.get(WEBSOCKET_PUBLIC_URL),
                v.get(WEBSOCKET_SEE_OTHER_URI)),
            new WebClient(v.get(WEB_CLIENT_ENABLED)),
            new Bosh(v.get(BOSH_ENABLED), v.get(BOSH_ALLOWED_ORIGINS), v.get(BOSH_PUBLIC_URL),
                v.get(BOSH_MAX_WAIT), v.get(BOSH_INACTIVITY), v.get(BOSH_MAX_PAUSE))),
        new Tls(v.get(TLS_CERTIFICATE), v.get(TLS_PRIVATE_KEY), v.get(TLS_PROTOCOLS)),
        new Auth(v.get(AUTH_MECHANISMS), v.get(AUTH_SCRAM_ITERATIONS), v.get(AUTH_MAX_FAILURES)),
        new Registration(v.get(REGISTRATION_IN_BAND), v.get(REGISTRATION_MIN_PASSWORD_LENGTH)),
        new Limits(v.get(LIMITS_MAX_STANZA_BYTES), v.get(LIMITS_MAX_XML_DEPTH),
            v.get(LIMITS_MAX_CONNECTIONS), v.get(LIMITS_RATE_BYTES_PER_SECOND),
            v.get(LIMITS_RATE_BURST_BYTES), v.get(LIMITS_IDLE_TIMEOUT),
            v.get(LIMITS_KEEPALIVE_INTERVAL), v.get(LIMITS_HANDSHAKE_TIMEOUT),
            v.get(LIMITS_MAX_OFFLINE_MESSAGES)),
        new Cluster(v.get(CLUSTER_MEMBERS), v.get(CLUSTER_PORT), v.get(CLUSTER_INTERFACE),
            v.get(CLUSTER_NAME), v.get(CLUSTER_FAILURE_DETECTION_TIMEOUT), v.get(CLUSTER_MERGE_DELAY)),
        new Presence(v.get(PRESENCE_COALESCE_WINDOW), v.get(PRESENCE_NAIVE_FAN_OUT)),
        new StreamManagement(v.get(SM_RESUMPTION_TIMEOUT), v.get(SM_MAX_UNACKED)),
        new Storage(v.get(STORAGE_TYPE), v.get(STORAGE_OFFLINE_TTL), v.get(STORAGE_ARCHIVE_RETENTION),
            new Resilience(v.get(STORAGE_TIMEOUT), v.get(STORAGE_MAX_CONCURRENT_CALLS),
                v.get(STORAGE_FALLBACK_CACHE_USERS), v.get(STORAGE_BREAKER_FAILURE_RATE),
                v.get(STORAGE_BREAKER_WINDOW), v.get(STORAGE_BREAKER_MINIMUM_CALLS),
                v.get(STORAGE_BREAKER_WAIT_IN_OPEN)),
            new Cassandra(v.get(CASSANDRA_CONTACT_POINTS), v.get(CASSANDRA_LOCAL_DATACENTER),
                v.get(CASSANDRA_KEYSPACE), v.get(CASSANDRA_REPLICATION), v.get(CASSANDRA_CONSISTENCY),
                v.get(CASSANDRA_SERIAL_CONSISTENCY), v.get(CASSANDRA_REQUEST_TIMEOUT),
                v.get(CASSANDRA_SCHEMA).equals("auto"), v.get(CASSANDRA_ARCHIVE_BUCKET_WIDTH),
                v.get(CASSANDRA_USERNAME), v.get(CASSANDRA_PASSWORD))),
        new Metrics(v.get(METRICS_ENABLED), v.get(METRICS_HOST), v.get(METRICS_PORT)),
        new Logging(v.get(LOGGING_LEVEL)));
  }
}
