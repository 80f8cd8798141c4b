package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigTestSupport.env;
import static io.switchboard.launcher.config.ConfigTestSupport.loadEnv;
import static io.switchboard.launcher.config.ConfigTestSupport.problemsOf;
import static io.switchboard.launcher.config.ConfigTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigValidationTest {

  @TempDir
  Path dir;

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of("server.domain", "not a domain", "a DNS domain name"),
        Arguments.of("server.domain", "-bad.example", "a DNS domain name"),
        Arguments.of("server.domain", "intranet", "a DNS domain name"),
        Arguments.of("server.domain", "bücher.example", "a DNS domain name"),
        Arguments.of("server.node-id", "has space", "an id of at most 64"),
        Arguments.of("server.roles", "all,database", "one of all, connector, router, presence"),
        Arguments.of("server.roles", "router,router", "lists 'router' more than once"),
        Arguments.of("listeners.c2s.enabled", "yes", "true or false"),
        Arguments.of("listeners.c2s.host", "", "a host name or IP address"),
        Arguments.of("listeners.c2s.port", "0", "a port number between 1 and 65535"),
        Arguments.of("listeners.c2s.port", "65536", "a port number between 1 and 65535"),
        Arguments.of("listeners.c2s.port", "5222x", "a port number between 1 and 65535"),
        Arguments.of("listeners.c2s.starttls", "maybe", "one of required, optional, disabled"),
        Arguments.of("listeners.c2s-direct-tls.port", "-1", "a port number between 1 and 65535"),
        Arguments.of("listeners.c2s-direct-tls.host", "a b", "a host name or IP address"),
        Arguments.of("tls.protocols", "TLSv1.1", "one of TLSv1.3, TLSv1.2"),
        Arguments.of("auth.mechanisms", "DIGEST-MD5", "one of SCRAM-SHA-256, SCRAM-SHA-1, PLAIN"),
        Arguments.of("auth.scram-iterations", "4095", "an integer between 4096 and 1000000"),
        Arguments.of("auth.scram-iterations", "1000001", "an integer between 4096 and 1000000"),
        Arguments.of("auth.max-failures", "0", "an integer of at least 1"),
        Arguments.of("registration.in-band", "1", "true or false"),
        Arguments.of("registration.min-password-length", "0", "an integer of at least 1"),
        Arguments.of("limits.max-stanza-bytes", "1023", "an integer between 1024 and 16777216"),
        Arguments.of("limits.max-stanza-bytes", "16777217", "an integer between 1024 and 16777216"),
        Arguments.of("limits.max-xml-depth", "3", "an integer between 4 and 1024"),
        Arguments.of("limits.max-xml-depth", "1025", "an integer between 4 and 1024"),
        Arguments.of("limits.max-connections", "0", "an integer of at least 1"),
        Arguments.of("limits.max-connections", "99999999999", "an integer of at least 1"),
        Arguments.of("limits.rate-bytes-per-second", "1023", "an integer of at least 1024"),
        Arguments.of("limits.idle-timeout", "300", "a duration such as 250ms, 30s, 5m, 1h or 30d"),
        Arguments.of("limits.keepalive-interval", "0s", "a duration between 1ms and 24h"),
        Arguments.of("limits.handshake-timeout", "25h", "a duration between 1ms and 24h"),
        Arguments.of("limits.max-offline-messages", "-1", "an integer of at least 0"),
        Arguments.of("stream-management.resumption-timeout", "2h",
            "a whole number of seconds between 1s and 1h"),
        Arguments.of("stream-management.resumption-timeout", "1500ms",
            "a whole number of seconds between 1s and 1h"),
        Arguments.of("stream-management.max-unacked", "9", "an integer between 10 and 100000"),
        Arguments.of("cluster.members", "10.0.0.1:99999", "host or host:port"),
        Arguments.of("cluster.members", "10.0.0.1:", "host or host:port"),
        Arguments.of("cluster.port", "70000", "a port number between 1 and 65535"),
        Arguments.of("cluster.interface", " ", "a host name or IP address"),
        Arguments.of("storage.type", "postgres", "one of embedded"),
        Arguments.of("metrics.port", "http", "a port number between 1 and 65535"),
        Arguments.of("logging.level", "VERBOSE", "one of TRACE, DEBUG, INFO, WARN, ERROR"));
  }

  @ParameterizedTest(name = "{0} = ''{1}'' from the environment")
  @MethodSource("invalidValues")
  void invalidEnvironmentValueNamesKeyAndVariable(String path, String value, String expected) {
    String var = ConfigLoader.envVarFor(path);

    assertThat(problemsOf(() -> loadEnv(env(var, value))))
        .singleElement().asString()
        .startsWith("config key '" + path + "': ")
        .contains(expected)
        .endsWith("(from environment variable " + var + ")");
  }

  @ParameterizedTest(name = "{0} = ''{1}'' from a file")
  @MethodSource("invalidValues")
  void invalidFileValueNamesKeyAndFile(String path, String value, String expected) {
    Path file = write(dir, yamlWith(path, value));

    // The domain variable that env() sets would hide an invalid domain in the file.
    Map<String, String> env = path.equals("server.domain") ? Map.of() : env();

    assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(file), env)))
        .singleElement().asString()
        .startsWith("config key '" + path + "': ")
        .contains(expected)
        .endsWith("(from " + file.toAbsolutePath().normalize() + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4096", "1000000"})
  void rangeBoundsAreInclusive(String iterations) {
    assertThat(loadEnv(env("SWITCHBOARD_AUTH_SCRAM_ITERATIONS", iterations))
        .auth().scramIterations()).isEqualTo(Integer.parseInt(iterations));
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "a.b", "chat.example.com", "xn--bcher-kva.example",
      "node-1.cluster.internal", "LOCALHOST"})
  void plausibleDomainsAreAccepted(String domain) {
    assertThat(loadEnv(Map.of("SWITCHBOARD_SERVER_DOMAIN", domain)).server().domain())
        .isEqualTo(domain.toLowerCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.", ".example.com", "a..b", "under_score.example",
      "exa mple.com", "host.example.com:5222"})
  void implausibleDomainsAreRejected(String domain) {
    assertThat(problemsOf(() -> loadEnv(Map.of("SWITCHBOARD_SERVER_DOMAIN", domain))))
        .singleElement().asString().startsWith("config key 'server.domain': expected a DNS");
  }

  /** A YAML document setting {@code path} to {@code value}, quoted so YAML keeps it as text. */
  private static String yamlWith(String path, String value) {
    String[] parts = path.split("\\.");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      sb.append("  ".repeat(i)).append(parts[i]).append(':');
      if (i < parts.length - 1) {
        sb.append('\n');
      }
    }
    return sb.append(" \"").append(value.replace("\"", "\\\"")).append("\"\n").toString();
  }
}
