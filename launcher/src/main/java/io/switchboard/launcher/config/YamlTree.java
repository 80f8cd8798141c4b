package io.switchboard.launcher.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document reduced to sections, lists and scalar <em>source text</em>.
 *
 * <p>Scalars keep the text as written rather than YAML's interpretation of it, so that a value
 * means the same in the file as in an environment variable: {@code yes}, {@code 1_000} or
 * {@code 0x20} would otherwise be silently read as {@code true}, 1000 and 32 by the file's YAML
 * 1.1 rules while being errors in the environment.
 */
final class YamlTree {

  sealed interface Node permits Section, Sequence, Scalar, Empty {
  }

  record Section(Map<String, Node> entries) implements Node {
  }

  record Sequence(List<Node> items) implements Node {
  }

  record Scalar(String text) implements Node {
  }

  /** {@code key:} with nothing after it, {@code ~} or {@code null}. */
  record Empty() implements Node {
  }

  // Without duplicate detection the last of two identical keys silently wins. Without
  // EMPTY_STRING_AS_NULL a section whose keys are all commented out reads as "" instead of empty.
  private static final YAMLFactory FACTORY = YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
      .build();

  private YamlTree() {
  }

  /**
   * @param origin names the document in error messages
   * @throws ConfigException for a syntax error, with line and column, or a top level that is
   *                         not a mapping
   */
  static Section parse(String text, String origin) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Section(Map.of());
      }
      Node root = read(parser, first);
      if (parser.nextToken() != null) {
        throw new ConfigException("invalid YAML in " + origin + " at line "
            + parser.currentTokenLocation().getLineNr()
            + ": only one YAML document is allowed, found a second one");
      }
      if (root instanceof Empty) {
        return new Section(Map.of());
      }
      if (!(root instanceof Section section)) {
        throw new ConfigException("invalid config in " + origin
            + ": expected a mapping of sections at the top level, got " + describe(root));
      }
      return section;
    } catch (JsonProcessingException e) {
      throw new ConfigException(syntaxError(e, origin), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config " + origin + ": " + e.getMessage(), e);
    }
  }

  private static Node read(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> readSection(parser);
      case START_ARRAY -> readSequence(parser);
      case VALUE_NULL -> new Empty();
      default -> new Scalar(Objects.requireNonNullElse(parser.getText(), ""));
    };
  }

  private static Section readSection(JsonParser parser) throws IOException {
    Map<String, Node> entries = new LinkedHashMap<>();
    while (parser.nextToken() != JsonToken.END_OBJECT) {
      String name = parser.currentName();
      entries.put(name, read(parser, parser.nextToken()));
    }
    return new Section(Collections.unmodifiableMap(entries));
  }

  private static Sequence readSequence(JsonParser parser) throws IOException {
    List<Node> items = new ArrayList<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      items.add(read(parser, t));
    }
    return new Sequence(List.copyOf(items));
  }

  static String describe(Node node) {
    if (node instanceof Section) {
      return "a section of keys";
    }
    if (node instanceof Sequence) {
      return "a list";
    }
    if (node instanceof Scalar s) {
      return "'" + s.text() + "'";
    }
    return "nothing";
  }

  private static String syntaxError(JsonProcessingException e, String origin) {
    StringBuilder sb = new StringBuilder("invalid YAML in ").append(origin);
    // SnakeYAML knows where the problem is; Jackson's location can point at the start of the
    // enclosing token instead (a tab on line 2 is reported at line 1).
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
      sb.append(" at line ").append(m.getProblemMark().getLine() + 1)
          .append(", column ").append(m.getProblemMark().getColumn() + 1)
          .append(": ").append(Objects.requireNonNullElse(m.getProblem(), "syntax error"));
      if (m.getContext() != null && m.getContextMark() != null) {
        sb.append(" (").append(m.getContext()).append(" that starts at line ")
            .append(m.getContextMark().getLine() + 1).append(')');
      }
      return sb.toString();
    }
    JsonLocation loc = e.getLocation();
    if (loc != null && loc.getLineNr() > 0) {
      sb.append(" at line ").append(loc.getLineNr());
      if (loc.getColumnNr() > 0) {
        sb.append(", column ").append(loc.getColumnNr());
      }
    }
    String msg = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName());
    String first = msg.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
        .orElse(msg);
    return sb.append(": ").append(first).toString();
  }
}
