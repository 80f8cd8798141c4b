package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigTestSupport.env;
import static io.switchboard.launcher.config.ConfigTestSupport.loadEnv;
import static io.switchboard.launcher.config.ConfigTestSupport.loadYaml;
import static io.switchboard.launcher.config.ConfigTestSupport.problemsOf;
import static io.switchboard.launcher.config.ConfigTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.launcher.config.SwitchboardConfig.LogLevel;
import io.switchboard.launcher.config.SwitchboardConfig.Role;
import io.switchboard.launcher.config.SwitchboardConfig.SaslMechanism;
import io.switchboard.launcher.config.SwitchboardConfig.StartTls;
import io.switchboard.launcher.config.SwitchboardConfig.StorageType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  @Test
  void builtInDefaultsAreTheProductionDefaults() {
    SwitchboardConfig c = loadEnv(env());

    assertThat(c.server().domain()).isEqualTo("example.org");
    assertThat(c.server().nodeId()).isEmpty();
    assertThat(c.server().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.server().roles()).containsExactly(Role.ALL);

    assertThat(c.listeners().c2s().enabled()).isTrue();
    assertThat(c.listeners().c2s().host()).isEqualTo("0.0.0.0");
    assertThat(c.listeners().c2s().port()).isEqualTo(5222);
    assertThat(c.listeners().c2s().starttls()).isEqualTo(StartTls.REQUIRED);
    assertThat(c.listeners().c2sDirectTls().enabled()).isTrue();
    assertThat(c.listeners().c2sDirectTls().host()).isEqualTo("0.0.0.0");
    assertThat(c.listeners().c2sDirectTls().port()).isEqualTo(5223);

    assertThat(c.tls().certificate()).isEmpty();
    assertThat(c.tls().privateKey()).isEmpty();
    assertThat(c.tls().selfSigned()).isTrue();
    assertThat(c.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");

    assertThat(c.auth().mechanisms()).containsExactly(
        SaslMechanism.SCRAM_SHA_256, SaslMechanism.SCRAM_SHA_1, SaslMechanism.PLAIN);
    assertThat(c.auth().scramIterations()).isEqualTo(4096);
    assertThat(c.auth().maxFailures()).isEqualTo(3);

    assertThat(c.registration().inBand()).isFalse();
    assertThat(c.registration().minPasswordLength()).isEqualTo(8);

    assertThat(c.limits().maxStanzaBytes()).isEqualTo(262144);
    assertThat(c.limits().maxXmlDepth()).isEqualTo(32);
    assertThat(c.limits().maxConnections()).isEqualTo(19000);
    assertThat(c.limits().rateBytesPerSecond()).isEqualTo(65536);
    assertThat(c.limits().rateBurstBytes()).isEqualTo(262144);
    assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.limits().keepaliveInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.limits().maxOfflineMessages()).isEqualTo(1000);

    assertThat(c.cluster().members()).containsExactly("127.0.0.1");
    assertThat(c.cluster().port()).isEqualTo(5701);
    assertThat(c.cluster().networkInterface()).isEqualTo("127.0.0.1");
    assertThat(c.cluster().clusterName()).isEqualTo("switchboard");

    assertThat(c.storage().type()).isEqualTo(StorageType.EMBEDDED);
    assertThat(c.metrics().enabled()).isTrue();
    assertThat(c.metrics().host()).isEqualTo("127.0.0.1");
    assertThat(c.metrics().port()).isEqualTo(9464);
    assertThat(c.logging().level()).isEqualTo(LogLevel.INFO);
  }

  @Test
  void fileValuesOverrideDefaultsAndKeysLeftOutKeepThem() {
    SwitchboardConfig c = loadYaml(dir, """
        server:
          domain: Chat.Example.COM
          roles: [connector, router]
        listeners:
          c2s:
            port: 15222
            starttls: optional
        limits:
          idle-timeout: 90s
        stream-management:
          resumption-timeout: 0
        """, Map.of());

    assertThat(c.server().domain()).isEqualTo("chat.example.com");
    assertThat(c.server().roles()).containsExactlyInAnyOrder(Role.CONNECTOR, Role.ROUTER);
    assertThat(c.server().runs(Role.ROUTER)).isTrue();
    assertThat(c.server().runs(Role.PRESENCE)).isFalse();
    assertThat(c.listeners().c2s().port()).isEqualTo(15222);
    assertThat(c.listeners().c2s().starttls()).isEqualTo(StartTls.OPTIONAL);
    assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.listeners().c2sDirectTls().port()).isEqualTo(5223);
    assertThat(c.limits().keepaliveInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.streamManagement().resumptionTimeout()).as("0 turns XEP-0198 resumption off")
        .isEqualTo(Duration.ZERO);
    assertThat(c.streamManagement().maxUnacked()).isEqualTo(1000);
  }

  @Test
  void yamlScalarsMayBeQuotedAndListsMayBeCommaSeparatedStrings() {
    SwitchboardConfig c = loadYaml(dir, """
        server:
          domain: "localhost"
          node-id: 42
        listeners:
          c2s:
            port: "15222"
            enabled: "false"
        auth:
          mechanisms: "PLAIN, SCRAM-SHA-256"
        cluster:
          members:
            - 10.0.0.1
            - 10.0.0.2:5702
            - "[fd00::1]:5701"
        """, Map.of());

    assertThat(c.server().nodeId()).contains("42");
    assertThat(c.listeners().c2s().port()).isEqualTo(15222);
    assertThat(c.listeners().c2s().enabled()).isFalse();
    assertThat(c.auth().mechanisms())
        .containsExactly(SaslMechanism.PLAIN, SaslMechanism.SCRAM_SHA_256);
    assertThat(c.cluster().members())
        .containsExactly("10.0.0.1", "10.0.0.2:5702", "[fd00::1]:5701");
  }

  @Test
  void fileValuesAreReadAsWrittenNotByYaml11Rules() {
    Path file = write(dir, """
        server:
          domain: localhost
        listeners:
          c2s:
            enabled: yes
        limits:
          max-connections: 1_000
          max-stanza-bytes: 1e4
        """);

    assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(file), Map.of())))
        .extracting(p -> p.substring(0, p.indexOf(" (from ")))
        .containsExactly(
            "config key 'listeners.c2s.enabled': expected true or false, got 'yes'",
            "config key 'limits.max-stanza-bytes': expected an integer between 1024 and"
                + " 16777216, got '1e4'",
            "config key 'limits.max-connections': expected an integer of at least 1,"
                + " got '1_000'");
  }

  @Test
  void sectionsWithEverythingCommentedOutAreAccepted() {
    SwitchboardConfig c = loadYaml(dir, """
        server:
          domain: localhost
        tls:
          # certificate: /etc/ssl/cert.pem
        limits:
        """, Map.of());

    assertThat(c.tls().selfSigned()).isTrue();
    assertThat(c.limits().maxStanzaBytes()).isEqualTo(262144);
  }

  @Test
  void emptyFileMeansDefaultsAndStillRequiresDomain() {
    assertThat(problemsOf(() -> loadYaml(dir, "# nothing yet\n", Map.of())))
        .singleElement().asString()
        .startsWith("config key 'server.domain': is required but not set")
        .contains("SWITCHBOARD_SERVER_DOMAIN");
    assertThat(loadYaml(dir, "", env()).server().domain()).isEqualTo("example.org");
  }

  @Test
  void missingDomainIsReported() {
    assertThatThrownBy(() -> loadEnv(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config key 'server.domain': is required but not set");
    assertThat(problemsOf(() -> loadYaml(dir, "server:\n  domain:\n", Map.of())))
        .singleElement().asString().contains("'server.domain': is required");
  }

  @Test
  void devProfileResourceLoadsWithDevSettings() {
    SwitchboardConfig c = ConfigLoader.loadDefaultsFromResource("switchboard-dev.yaml", Map.of());

    assertThat(c.server().domain()).isEqualTo("localhost");
    assertThat(c.server().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.listeners().c2s().host()).isEqualTo("127.0.0.1");
    assertThat(c.listeners().c2s().port()).isEqualTo(5222);
    assertThat(c.listeners().c2s().starttls()).isEqualTo(StartTls.REQUIRED);
    assertThat(c.listeners().c2sDirectTls().host()).isEqualTo("127.0.0.1");
    assertThat(c.listeners().c2sDirectTls().port()).isEqualTo(5223);
    assertThat(c.registration().inBand()).isTrue();
    assertThat(c.registration().minPasswordLength()).isEqualTo(4);
    assertThat(c.metrics().enabled()).isTrue();
    assertThat(c.metrics().host()).isEqualTo("127.0.0.1");
    assertThat(c.metrics().port()).isEqualTo(9464);
    assertThat(c.tls().selfSigned()).isTrue();
  }

  @Test
  void devProfileCanBeOverriddenFromTheEnvironment() {
    SwitchboardConfig c = ConfigLoader.loadDefaultsFromResource("/switchboard-dev.yaml",
        Map.of("SWITCHBOARD_LISTENERS_C2S_PORT", "25222"));

    assertThat(c.listeners().c2s().port()).isEqualTo(25222);
    assertThat(c.registration().inBand()).isTrue();
  }

  @Test
  void devProfileProblemsNameTheResource() {
    assertThat(problemsOf(() -> ConfigLoader.loadDefaultsFromResource("switchboard-dev.yaml",
        Map.of("SWITCHBOARD_LISTENERS_C2S_PORT", "5223"))))
        .singleElement().asString()
        .contains("'listeners.c2s-direct-tls.port': port 5223")
        .contains("listeners.c2s-direct-tls.port: from classpath:switchboard-dev.yaml");
  }

  @Test
  void missingResourceIsAConfigException() {
    assertThatThrownBy(() -> ConfigLoader.loadDefaultsFromResource("no-such.yaml", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("classpath:no-such.yaml not found");
  }

  @Test
  void exampleFileLoadsAndValidates() {
    SwitchboardConfig c = ConfigLoader.load(Optional.of(ConfigSchemaTest.EXAMPLE), Map.of());

    assertThat(c.server().domain()).isEqualTo("chat.example.com");
    assertThat(c.registration().inBand()).isFalse();
    assertThat(c.listeners().c2s().host()).isEqualTo("0.0.0.0");
    assertThat(c.listeners().c2sDirectTls().host()).isEqualTo("0.0.0.0");
    assertThat(c.metrics().host()).isEqualTo("0.0.0.0");
    assertThat(c.metrics().port()).isEqualTo(9464);
  }

  @Test
  void unknownKeyIsRejectedWithSuggestion() {
    assertThat(problemsOf(() -> loadYaml(dir, """
        server:
          domain: localhost
        listeners:
          c2s:
            prot: 5222
        """, Map.of())))
        .singleElement().asString()
        .startsWith("unknown config key 'listeners.c2s.prot' "
            + "(did you mean 'listeners.c2s.port'?) in " + dir.toAbsolutePath());
  }

  @Test
  void unknownSectionsAndMisplacedKeysGetSuggestions() {
    List<String> problems = problemsOf(() -> loadYaml(dir, """
        server:
          domain: localhost
        listener:
          c2s:
            port: 5222
        tls:
          starttls: required
        limits:
          max_stanza_bytes: 4096
        """, Map.of()));

    assertThat(problems).hasSize(3);
    assertThat(problems.get(0))
        .startsWith("unknown config key 'listener' (did you mean 'listeners'?)");
    assertThat(problems.get(1))
        .startsWith("unknown config key 'tls.starttls' (did you mean 'listeners.c2s.starttls'?)");
    assertThat(problems.get(2)).startsWith(
        "unknown config key 'limits.max_stanza_bytes' (did you mean 'limits.max-stanza-bytes'?)");
  }

  @Test
  void unknownKeyFarFromAnyKnownOneHasNoSuggestion() {
    assertThat(problemsOf(() -> loadYaml(dir, """
        server:
          domain: localhost
          favourite-colour: blue
        """, Map.of())))
        .singleElement().asString()
        .startsWith("unknown config key 'server.favourite-colour' in ")
        .doesNotContain("did you mean");
  }

  @Test
  void wrongShapesAreReported() {
    List<String> problems = problemsOf(() -> loadYaml(dir, """
        server:
          domain: [a.example, b.example]
        listeners: 5222
        limits:
          idle-timeout:
            minutes: 5
        tls:
          protocols: [[TLSv1.3]]
        """, Map.of()));

    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("config key 'server.domain': expected a single value, got a list"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("config key 'listeners': expected a section of keys, got '5222'"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("config key 'limits.idle-timeout': expected a value, got a section of keys"));
    assertThat(problems).anySatisfy(p -> assertThat(p)
        .startsWith("config key 'tls.protocols': expected a list of plain values"));
  }

  @Test
  void problemsNameTheFileTheValueCameFrom() {
    Path file = write(dir, """
        server:
          domain: localhost
        limits:
          max-stanza-bytes: abc
        """);

    assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(file), Map.of())))
        .containsExactly("config key 'limits.max-stanza-bytes': expected an integer between 1024"
            + " and 16777216, got 'abc' (from " + file.toAbsolutePath().normalize() + ")");
  }

  @Test
  void multipleProblemsAreReportedTogether() {
    Path file = write(dir, """
        server:
          domain: localhost
        listeners:
          c2s:
            port: 70000
            starttls: sometimes
        auth:
          scram-iterations: 100
        """);

    ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> ConfigLoader.load(Optional.of(file),
            Map.of("SWITCHBOARD_LOGGING_LEVLE", "DEBUG", "SWITCHBOARD_METRICS_ENABLED", "yes")));

    assertThat(e.problems()).hasSize(5);
    assertThat(e.getMessage()).startsWith("5 configuration problems:");
    assertThat(e.getMessage())
        .contains("config key 'listeners.c2s.port': expected a port number between 1 and 65535,"
            + " got '70000' (from " + file.toAbsolutePath().normalize() + ")")
        .contains("config key 'listeners.c2s.starttls': expected one of required, optional,"
            + " disabled, got 'sometimes'")
        .contains("config key 'auth.scram-iterations': expected an integer between 4096 and"
            + " 1000000, got '100'")
        .contains("unknown environment variable SWITCHBOARD_LOGGING_LEVLE"
            + " (did you mean SWITCHBOARD_LOGGING_LEVEL?)")
        .contains("config key 'metrics.enabled': expected true or false, got 'yes'"
            + " (from environment variable SWITCHBOARD_METRICS_ENABLED)");
  }

  @Test
  void rateBurstBelowMaxStanzaNamesBothKeys() {
    Path file = write(dir, """
        server:
          domain: localhost
        limits:
          max-stanza-bytes: 1048576
        """);

    assertThat(problemsOf(() -> ConfigLoader.load(Optional.of(file), Map.of())))
        .containsExactly("config key 'limits.rate-burst-bytes': must be at least"
            + " limits.max-stanza-bytes (1048576), got '262144' (limits.rate-burst-bytes:"
            + " built-in default; limits.max-stanza-bytes: from "
            + file.toAbsolutePath().normalize() + ")");
    assertThat(loadEnv(env("SWITCHBOARD_LIMITS_MAX_STANZA_BYTES", "1048576",
        "SWITCHBOARD_LIMITS_RATE_BURST_BYTES", "1048576")).limits().rateBurstBytes())
        .isEqualTo(1048576);
  }

  @Test
  void tlsCertificateWithoutKeyIsRejected() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");

    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_TLS_CERTIFICATE", cert.toString()))))
        .singleElement().asString()
        .startsWith("config key 'tls.private-key': must be set because tls.certificate is set")
        .contains("tls.certificate: from environment variable SWITCHBOARD_TLS_CERTIFICATE");
  }

  @Test
  void tlsKeyWithoutCertificateIsRejected() throws IOException {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");

    assertThat(problemsOf(() -> loadYaml(dir,
        "server: {domain: localhost}\ntls:\n  private-key: " + key + "\n", Map.of())))
        .singleElement().asString()
        .startsWith("config key 'tls.certificate': must be set because tls.private-key is set");
  }

  @Test
  void tlsFilesMustExistAndBeFiles() throws IOException {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
    Path missing = dir.resolve("missing.pem");

    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_TLS_CERTIFICATE", missing.toString(),
        "SWITCHBOARD_TLS_PRIVATE_KEY", key.toString()))))
        .containsExactly("config key 'tls.certificate': file '" + missing + "' does not exist"
            + " (from environment variable SWITCHBOARD_TLS_CERTIFICATE)");
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_TLS_CERTIFICATE", key.toString(),
        "SWITCHBOARD_TLS_PRIVATE_KEY", dir.toString()))))
        .singleElement().asString()
        .startsWith("config key 'tls.private-key': '" + dir + "' is not a regular file");
  }

  @Test
  void tlsWithBothFilesIsAccepted() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");

    SwitchboardConfig c = loadYaml(dir, "server: {domain: localhost}\ntls:\n  certificate: "
        + cert + "\n  private-key: " + key + "\n", Map.of());

    assertThat(c.tls().certificate()).contains(cert);
    assertThat(c.tls().privateKey()).contains(key);
    assertThat(c.tls().selfSigned()).isFalse();
  }

  @Test
  void clashingPortsAreRejectedButDisabledOrSeparateHostsAreNot() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_METRICS_PORT", "5222"))))
        .singleElement().asString()
        .startsWith("config key 'metrics.port': port 5222 on 127.0.0.1 is already used by"
            + " listeners.c2s.port on 0.0.0.0");

    assertThat(loadEnv(env("SWITCHBOARD_METRICS_PORT", "5222",
        "SWITCHBOARD_LISTENERS_C2S_ENABLED", "false")).metrics().port()).isEqualTo(5222);
    assertThat(loadEnv(env("SWITCHBOARD_METRICS_PORT", "5222",
        "SWITCHBOARD_LISTENERS_C2S_HOST", "10.1.2.3")).metrics().port()).isEqualTo(5222);
  }

  @Test
  void invalidYamlSyntaxReportsFileAndLine() {
    Path file = write(dir, """
        server:
          domain: localhost
        listeners:
          c2s:
            port: 5222
           host: 0.0.0.0
        """);

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid YAML in " + file.toAbsolutePath().normalize()
            + " at line 6");
  }

  @Test
  void unclosedFlowSequenceReportsWhereItWasNoticedAndWhereItStarted() {
    Path file = write(dir,
        "server:\n  domain: localhost\n  roles: [all\nlogging:\n  level: INFO\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid YAML in " + file.toAbsolutePath().normalize()
            + " at line 4")
        .hasMessageEndingWith("(while parsing a flow sequence that starts at line 3)");
  }

  @Test
  void tabIndentationReportsTheLineOfTheTab() {
    Path file = write(dir, "server:\n\tdomain: localhost\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid YAML in " + file.toAbsolutePath().normalize()
            + " at line 2, column 1:")
        .hasMessageContaining("TAB");
  }

  @Test
  void duplicateKeysAreRejected() {
    Path file = write(dir, """
        server:
          domain: localhost
        limits:
          max-xml-depth: 16
          max-xml-depth: 64
        """);

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid YAML in " + file.toAbsolutePath().normalize()
            + " at line 5")
        .hasMessageContaining("max-xml-depth");
  }

  @Test
  void secondYamlDocumentIsRejected() {
    Path file = write(dir, "server:\n  domain: localhost\n---\nserver:\n  domain: other.example\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("only one YAML document");
  }

  @Test
  void topLevelMustBeAMapping() {
    Path file = write(dir, "- server\n- limits\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected a mapping of sections at the top level");
  }

  @Test
  void missingOrUnreadableFileIsAConfigException() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file " + missing.toAbsolutePath().normalize() + " does not exist");
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cannot read config file " + dir.toAbsolutePath().normalize());
  }

  @Test
  void invalidUtf8IsAConfigException() throws IOException {
    Path file = Files.write(dir.resolve("latin1.yaml"),
        new byte[] {'s', 'e', 'r', 'v', 'e', 'r', ':', ' ', (byte) 0xE9, '\n'});

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid UTF-8");
  }

  @Test
  void byteOrderMarkIsTolerated() throws IOException {
    Path file = Files.writeString(dir.resolve("bom.yaml"), "\uFEFFserver:\n  domain: localhost\n");

    assertThat(ConfigLoader.load(Optional.of(file), Map.of()).server().domain())
        .isEqualTo("localhost");
  }

  @Test
  void rolesAndOtherSetsAreImmutable() {
    SwitchboardConfig c = loadEnv(env("SWITCHBOARD_SERVER_ROLES", "router,presence"));

    assertThat(c.server().roles()).isEqualTo(Set.of(Role.ROUTER, Role.PRESENCE));
    assertThatThrownBy(() -> c.server().roles().add(Role.ALL))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.auth().mechanisms().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
