package io.switchboard.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the schema, the shipped example and the dev profile consistent with each other. */
class ConfigSchemaTest {

  /** Relative to the launcher module, which is where Maven runs its tests. */
  static final Path EXAMPLE = Path.of("../config/switchboard.example.yaml");

  // Keys whose example value deliberately differs from the built-in default.
  private static final Map<String, String> EXAMPLE_DEVIATIONS =
      Map.of("server.domain", "chat.example.com", "metrics.host", "0.0.0.0");

  @Test
  void envNamesAreUniqueAndDeriveFromPaths() {
    Set<String> names = new HashSet<>();
    for (ConfigKey<?> key : ConfigSchema.keys()) {
      assertThat(names.add(key.envName())).as(key.path()).isTrue();
      assertThat(key.envName()).matches("SWITCHBOARD_[A-Z0-9_]+");
      assertThat(ConfigSchema.byEnvName(key.envName())).containsSame(key);
    }
    assertThat(names).doesNotContainAnyElementsOf(ConfigSchema.RESERVED_ENV);
  }

  @Test
  void onlyTheDomainIsRequired() {
    assertThat(ConfigSchema.keys().stream().filter(k -> k.defaultText().isEmpty())
        .map(ConfigKey::path)).containsExactly("server.domain");
  }

  @Test
  void exampleFileListsEveryKeyWithItsDefault() throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(EXAMPLE.toFile());

    for (ConfigKey<?> key : ConfigSchema.keys()) {
      JsonNode node = root.at("/" + key.path().replace('.', '/'));
      assertThat(node.isMissingNode()).as("example lists " + key.path()).isFalse();
      String value = node.isArray()
          ? stream(node).collect(Collectors.joining(","))
          : node.asText();
      String expected = EXAMPLE_DEVIATIONS.getOrDefault(key.path(),
          key.defaultText().orElse(null));
      assertThat(value).as("example value of " + key.path()).isEqualTo(expected);
    }
  }

  @Test
  void everyExampleSectionStartsWithAComment() throws IOException {
    List<String> lines = java.nio.file.Files.readAllLines(EXAMPLE);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.matches("[a-z-]+:\\s*")) {
        assertThat(lines.get(i + 1).strip()).as("comment under section " + line).startsWith("#");
      }
    }
  }

  private static java.util.stream.Stream<String> stream(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(n -> items.add(n.asText()));
    return items.stream();
  }
}
