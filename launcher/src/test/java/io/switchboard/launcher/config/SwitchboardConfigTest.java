package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigTestSupport.env;
import static io.switchboard.launcher.config.ConfigTestSupport.loadEnv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.launcher.config.SwitchboardConfig.Role;
import io.switchboard.launcher.config.SwitchboardConfig.SaslMechanism;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwitchboardConfigTest {

  @TempDir
  Path dir;

  @Test
  void summaryShowsTheEffectiveSettingsOnAFewLines() {
    String summary = ConfigLoader.loadDefaultsFromResource("switchboard-dev.yaml", Map.of())
        .toSummary();

    assertThat(summary.lines()).hasSizeBetween(4, 10);
    assertThat(summary)
        .contains("domain=localhost")
        .contains("node-id=<generated>")
        .contains("roles=all")
        .contains("c2s=127.0.0.1:5222 (starttls required)")
        .contains("c2s-direct-tls=127.0.0.1:5223")
        .contains("self-signed certificate")
        .contains("protocols=TLSv1.3,TLSv1.2")
        .contains("mechanisms=SCRAM-SHA-256,SCRAM-SHA-1,PLAIN")
        .contains("in-band=on")
        .contains("min-password-length=4")
        .contains("idle-timeout=5m")
        .contains("keepalive-interval=1m")
        .contains("members=127.0.0.1")
        .contains("metrics: 127.0.0.1:9464")
        .contains("logging: INFO");
  }

  @Test
  void summaryShowsDisabledListenersAndConfiguredCertificatePaths() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");

    String summary = loadEnv(env("SWITCHBOARD_LISTENERS_C2S_ENABLED", "false",
        "SWITCHBOARD_METRICS_ENABLED", "false",
        "SWITCHBOARD_TLS_CERTIFICATE", cert.toString(),
        "SWITCHBOARD_TLS_PRIVATE_KEY", key.toString(),
        "SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_HOST", "::1")).toSummary();

    assertThat(summary)
        .contains("c2s=disabled")
        .contains("c2s-direct-tls=[::1]:5223")
        .contains("metrics: disabled")
        .contains("certificate=" + cert)
        .doesNotContain("BEGIN");
  }

  @Test
  void withNodeIdPinsTheIdAndKeepsEverythingElse() {
    SwitchboardConfig c = loadEnv(env());
    SwitchboardConfig pinned = c.withNodeId("node-7");

    assertThat(pinned.server().nodeId()).contains("node-7");
    assertThat(pinned.server().domain()).isEqualTo(c.server().domain());
    assertThat(pinned.listeners()).isEqualTo(c.listeners());
    assertThat(pinned.limits()).isEqualTo(c.limits());
    assertThat(c.server().nodeId()).isEmpty();
  }

  @Test
  void roleAllRunsEveryRole() {
    SwitchboardConfig c = loadEnv(env());
    for (Role r : Role.values()) {
      assertThat(c.server().runs(r)).as(r.name()).isTrue();
    }
  }

  @Test
  void configsWithTheSameSettingsAreEqual() {
    assertThat(loadEnv(env())).isEqualTo(loadEnv(env()));
    assertThat(loadEnv(env())).isNotEqualTo(loadEnv(env("SWITCHBOARD_LISTENERS_C2S_PORT", "1")));
  }

  @Test
  void recordsCopyTheirCollections() {
    List<SaslMechanism> mechanisms = new java.util.ArrayList<>(List.of(SaslMechanism.PLAIN));
    SwitchboardConfig.Auth auth = new SwitchboardConfig.Auth(mechanisms, 4096, 3);
    mechanisms.add(SaslMechanism.SCRAM_SHA_1);

    assertThat(auth.mechanisms()).containsExactly(SaslMechanism.PLAIN);
    assertThatThrownBy(() -> auth.mechanisms().add(SaslMechanism.SCRAM_SHA_256))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void saslMechanismsAreFoundByTheirWireName() {
    assertThat(SaslMechanism.bySaslName("SCRAM-SHA-256")).contains(SaslMechanism.SCRAM_SHA_256);
    assertThat(SaslMechanism.bySaslName("scram-sha-256")).isEmpty();
  }
}
