package io.switchboard.launcher.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class ConfigTestSupport {

  static final String DOMAIN_ENV = "SWITCHBOARD_SERVER_DOMAIN";

  private ConfigTestSupport() {
  }

  /** The smallest valid environment: production defaults need only a domain. */
  static Map<String, String> env(String... keyValues) {
    Map<String, String> env = new HashMap<>();
    env.put(DOMAIN_ENV, "example.org");
    for (int i = 0; i < keyValues.length; i += 2) {
      env.put(keyValues[i], keyValues[i + 1]);
    }
    return env;
  }

  static Path write(Path dir, String yaml) {
    try {
      Path file = dir.resolve("switchboard-" + System.nanoTime() + ".yaml");
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static SwitchboardConfig loadEnv(Map<String, String> env) {
    return ConfigLoader.load(Optional.empty(), env);
  }

  static SwitchboardConfig loadYaml(Path dir, String yaml, Map<String, String> env) {
    return ConfigLoader.load(Optional.of(write(dir, yaml)), env);
  }

  static List<String> problemsOf(Runnable load) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(load::run).isInstanceOfSatisfying(ConfigException.class,
        e -> caught[0] = e);
    return caught[0].problems();
  }
}
