package io.switchboard.launcher.config;

import static io.switchboard.launcher.config.ConfigTestSupport.env;
import static io.switchboard.launcher.config.ConfigTestSupport.loadEnv;
import static io.switchboard.launcher.config.ConfigTestSupport.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigDurationsTest {

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("250ms", Duration.ofMillis(250)),
        Arguments.of("30s", Duration.ofSeconds(30)),
        Arguments.of("5m", Duration.ofMinutes(5)),
        Arguments.of("1h", Duration.ofHours(1)),
        Arguments.of("30d", Duration.ofDays(30)),
        Arguments.of("0s", Duration.ZERO),
        Arguments.of("1500ms", Duration.ofMillis(1500)),
        Arguments.of("  45s ", Duration.ofSeconds(45)),
        Arguments.of("007s", Duration.ofSeconds(7)),
        Arguments.of("2562047788015215h", Duration.ofHours(2562047788015215L)));
  }

  @ParameterizedTest(name = "''{0}''")
  @MethodSource("valid")
  void parsesTheNotation(String text, Duration expected) {
    assertThat(Durations.parse(text)).contains(expected);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", " ", "30", "s", "1.5s", "-5s", "+5s", "5 s", "5M", "5S", "1D",
      "1h30m", "PT30S", "5min", "5sec", "ms", "1e3ms", "1_000ms", "0x10s",
      "9999999999999999999s", "2562047788015216h"})
  void rejectsEverythingElse(String text) {
    assertThat(Durations.parse(text)).isEmpty();
  }

  @Test
  void formatIsTheShortestExactForm() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofHours(24))).isEqualTo("24h");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"1ms", "250ms", "59s", "90m", "24h"})
  void formatRoundTrips(String text) {
    Duration d = Durations.parse(text).orElseThrow();
    assertThat(Durations.parse(Durations.format(d))).contains(d);
  }

  @Test
  void configuredDurationsMustBePositiveAndAtMostADay() {
    assertThat(loadEnv(env("SWITCHBOARD_LIMITS_HANDSHAKE_TIMEOUT", "1ms"))
        .limits().handshakeTimeout()).isEqualTo(Duration.ofMillis(1));
    assertThat(loadEnv(env("SWITCHBOARD_LIMITS_IDLE_TIMEOUT", "24h"))
        .limits().idleTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LIMITS_IDLE_TIMEOUT", "1441m"))))
        .singleElement().asString().contains("between 1ms and 24h, got '1441m'");
  }

  @Test
  void outOfRangeDurationNamesTheKey() {
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LIMITS_IDLE_TIMEOUT", "0ms"))))
        .containsExactly("config key 'limits.idle-timeout': expected a duration between 1ms and"
            + " 24h, got '0ms' (from environment variable SWITCHBOARD_LIMITS_IDLE_TIMEOUT)");
    assertThat(problemsOf(() -> loadEnv(env("SWITCHBOARD_LIMITS_IDLE_TIMEOUT", "5 minutes"))))
        .containsExactly("config key 'limits.idle-timeout': expected a duration such as 250ms,"
            + " 30s, 5m, 1h or 30d, got '5 minutes' (from environment variable"
            + " SWITCHBOARD_LIMITS_IDLE_TIMEOUT)");
  }
}
