package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigTestSupport.env;
import static io.switchboard.launcher.config.ConfigTestSupport.loadEnv;
import static io.switchboard.launcher.config.ConfigTestSupport.loadYaml;
import static io.switchboard.launcher.config.ConfigTestSupport.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.launcher.config.SwitchboardConfig.LogLevel;
import io.switchboard.launcher.config.SwitchboardConfig.Role;
import io.switchboard.launcher.config.SwitchboardConfig.SaslMechanism;
import io.switchboard.launcher.config.SwitchboardConfig.StartTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigEnvOverrideTest {

  @TempDir
  Path dir;

  @Test
  void envNameIsPrefixedUpperCasedPathWithSeparatorsAsUnderscores() {
    assertThat(ConfigLoader.envVarFor("server.domain")).isEqualTo("SWITCHBOARD_SERVER_DOMAIN");
    assertThat(ConfigLoader.envVarFor("listeners.c2s-direct-tls.port"))
        .isEqualTo("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_PORT");
  }

  @Test
  void stringOverride() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_SERVER_DOMAIN", "XMPP.Example.NET",
        "SWITCHBOARD_LISTENERS_C2S_HOST", "192.0.2.10",
        "SWITCHBOARD_SERVER_NODE_ID", "node-1",
        "SWITCHBOARD_SERVER_DATA_DIR", "/var/lib/switchboard",
        "SWITCHBOARD_CLUSTER_CLUSTER_NAME", "staging"));

    assertThat(c.server().domain()).isEqualTo("xmpp.example.net");
    assertThat(c.listeners().c2s().host()).isEqualTo("192.0.2.10");
    assertThat(c.server().nodeId()).contains("node-1");
    assertThat(c.server().dataDir()).isEqualTo(Path.of("/var/lib/switchboard"));
    assertThat(c.cluster().clusterName()).isEqualTo("staging");
  }

  @Test
  void intOverride() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_PORT", "15223",
        "SWITCHBOARD_LIMITS_MAX_STANZA_BYTES", " 65536 ",
        "SWITCHBOARD_LIMITS_MAX_OFFLINE_MESSAGES", "0"));

    assertThat(c.listeners().c2sDirectTls().port()).isEqualTo(15223);
    assertThat(c.limits().maxStanzaBytes()).isEqualTo(65536);
    assertThat(c.limits().maxOfflineMessages()).isZero();
  }

  @Test
  void boolOverride() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_REGISTRATION_IN_BAND", "true",
        "SWITCHBOARD_METRICS_ENABLED", "FALSE"));

    assertThat(c.registration().inBand()).isTrue();
    assertThat(c.metrics().enabled()).isFalse();
  }

  @Test
  void durationOverride() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_LIMITS_IDLE_TIMEOUT", "1h",
        "SWITCHBOARD_LIMITS_KEEPALIVE_INTERVAL", "250ms",
        "SWITCHBOARD_LIMITS_HANDSHAKE_TIMEOUT", "2m"));

    assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(c.limits().keepaliveInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void listOverrideIsCommaSeparated() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_AUTH_MECHANISMS", "SCRAM-SHA-256, PLAIN",
        "SWITCHBOARD_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2,",
        "SWITCHBOARD_SERVER_ROLES", "connector",
        "SWITCHBOARD_TLS_PROTOCOLS", "TLSv1.3"));

    assertThat(c.auth().mechanisms())
        .containsExactly(SaslMechanism.SCRAM_SHA_256, SaslMechanism.PLAIN);
    assertThat(c.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2");
    assertThat(c.server().roles()).containsExactly(Role.CONNECTOR);
    assertThat(c.tls().protocols()).containsExactly("TLSv1.3");
  }

  @Test
  void enumOverrideIsCaseInsensitive() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_LISTENERS_C2S_STARTTLS", "disabled",
        "SWITCHBOARD_LOGGING_LEVEL", "debug",
        "SWITCHBOARD_STORAGE_TYPE", "EMBEDDED"));

    assertThat(c.listeners().c2s().starttls()).isEqualTo(StartTls.DISABLED);
    assertThat(c.logging().level()).isEqualTo(LogLevel.DEBUG);
  }

  @Test
  void pathOverride() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");

    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_TLS_CERTIFICATE", cert.toString(),
        "SWITCHBOARD_TLS_PRIVATE_KEY", key.toString()));

    assertThat(c.tls().certificate()).contains(cert);
    assertThat(c.tls().privateKey()).contains(key);
  }

  @Test
  void environmentBeatsFile() {
    SwitchboardConfig c = loadYaml(dir, """
        server:
          domain: from-file.example
          node-id: file-node
        listeners:
          c2s:
            port: 15222
        registration:
          in-band: true
        """, Map.of("SWITCHBOARD_LISTENERS_C2S_PORT", "25222",
        "SWITCHBOARD_REGISTRATION_IN_BAND", "false",
        "SWITCHBOARD_SERVER_NODE_ID", ""));

    assertThat(c.server().domain()).isEqualTo("from-file.example");
    assertThat(c.listeners().c2s().port()).isEqualTo(25222);
    assertThat(c.registration().inBand()).isFalse();
    assertThat(c.server().nodeId()).as("an empty variable clears the file's value").isEmpty();
  }

  @Test
  void emptyListFromEnvironmentIsRejected() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_AUTH_MECHANISMS", " , "))))
        .containsExactly("config key 'auth.mechanisms': expected at least one mechanism"
            + " (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN), got an empty list"
            + " (from environment variable SWITCHBOARD_AUTH_MECHANISMS)");
  }

  @Test
  void unknownPrefixedVariableIsRejectedWithSuggestion() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LISTENERS_C2S_PROT", "5222"))))
        .singleElement().asString()
        .startsWith("unknown environment variable SWITCHBOARD_LISTENERS_C2S_PROT"
            + " (did you mean SWITCHBOARD_LISTENERS_C2S_PORT?)");
  }

  @Test
  void unknownPrefixedVariableWithoutCloseMatchIsStillRejected() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_FEATURE_FLAGS", "x",
        "SWITCHBOARD_SERVER", "x"))))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p).startsWith("unknown environment variable SWITCHBOARD_"));
  }

  @Test
  void launcherScriptVariablesAndForeignVariablesAreIgnored() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_CONFIG", "/etc/switchboard.yaml",
        "SWITCHBOARD_HOME", "/opt/switchboard",
        "SWITCHBOARD_OPTS", "-Xmx2g",
        "PATH", "/usr/bin",
        "switchboard_server_domain", "lower.example",
        "XSWITCHBOARD_SERVER_PORT", "1"));

    assertThat(c.server().domain()).isEqualTo("example.org");
  }

  @Test
  void everyKeyIsReadFromItsVariable() {
    // A blank value is invalid for every key except those where empty means "not configured"
    // (covered above), so each key must report a problem attributed to its variable.
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      if (Set.of("server.node-id", "tls.certificate", "tls.private-key", "storage.cassandra.username",
          "storage.cassandra.password", "listeners.websocket.allowed-origins",
          "listeners.websocket.public-url", "listeners.websocket.see-other-uri",
          "listeners.bosh.allowed-origins", "listeners.bosh.public-url").contains(key.path())) {
        continue;
      }
      assertThat(problemsOf(() -> loadEnv(env(key.envName(), " "))))
          .as(key.envName())
          .singleElement().asString()
          .startsWith("config key '" + key.path() + "': ")
          .endsWith("(from environment variable " + key.envName() + ")");
    }
  }
}
