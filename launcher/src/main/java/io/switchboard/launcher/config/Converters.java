package io.switchboard.launcher.config;

import io.switchboard.launcher.config.ConfigKey.Converter;
import io.switchboard.launcher.config.ConfigKey.InvalidValue;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Text-to-value conversions shared by the keys of {@link ConfigSchema}. */
final class Converters {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Converters() {
  }

  /** Converts the single text of a scalar key. */
  @FunctionalInterface
  interface ScalarConverter<T> {
    T convert(String text) throws InvalidValue;
  }

  static <T> Converter<T> scalar(ScalarConverter<T> c) {
    return raw -> c.convert(raw.get(0));
  }

  static InvalidValue invalid(String expected, String got) {
    return new InvalidValue("expected " + expected + ", got '" + got + "'");
  }

  static String text(String s) {
    return s.strip();
  }

  static String nonBlank(String s) throws InvalidValue {
    String v = s.strip();
    if (v.isEmpty()) {
      throw invalid("a non-empty value", s);
    }
    return v;
  }

  static String host(String s) throws InvalidValue {
    String v = s.strip();
    if (v.isEmpty() || v.chars().anyMatch(Character::isWhitespace)) {
      throw invalid("a host name or IP address", s);
    }
    return v;
  }

  static ScalarConverter<Integer> intBetween(int min, int max) {
    String expected = max == Integer.MAX_VALUE
        ? "an integer of at least " + min
        : "an integer between " + min + " and " + max;
    return s -> {
      int v;
      try {
        v = Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        throw invalid(expected, s);
      }
      if (v < min || v > max) {
        throw invalid(expected, s);
      }
      return v;
    };
  }

  static Integer port(String s) throws InvalidValue {
    try {
      return intBetween(1, 65535).convert(s);
    } catch (InvalidValue e) {
      throw invalid("a port number between 1 and 65535", s);
    }
  }

  // Only the two spellings YAML and shell users agree on; "yes"/"on"/"1" mean different things
  // in different YAML versions, so they are refused rather than guessed.
  static Boolean bool(String s) throws InvalidValue {
    String v = s.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true")) {
      return true;
    }
    if (v.equals("false")) {
      return false;
    }
    throw invalid("true or false", s);
  }

  static ScalarConverter<Duration> durationUpTo(Duration max) {
    String expected = "a duration between 1ms and " + Durations.format(max);
    return s -> {
      Duration d = Durations.parse(s).orElseThrow(() -> invalid(Durations.EXPECTED, s));
      if (d.isZero() || d.compareTo(max) > 0) {
        throw invalid(expected, s);
      }
      return d;
    };
  }

  /** A duration in whole seconds within {@code [min, max]} (e.g. a Hazelcast timeout). */
  static ScalarConverter<Duration> wholeSecondsBetween(Duration min, Duration max) {
    String expected = "a whole number of seconds between " + Durations.format(min) + " and "
        + Durations.format(max);
    return s -> {
      Duration d = Durations.parse(s).orElseThrow(() -> invalid(Durations.EXPECTED, s));
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0 || d.toMillis() % 1000 != 0) {
        throw invalid(expected, s);
      }
      return d;
    };
  }

  /** Like {@link #durationUpTo} but also accepts {@code 0} (any unit or none), meaning "off". */
  static ScalarConverter<Duration> durationOrOffUpTo(Duration max) {
    return offOr(durationUpTo(max));
  }

  /** {@code 0} (any unit or none) means "off" and yields zero; anything else goes to {@code positive}. */
  static ScalarConverter<Duration> offOr(ScalarConverter<Duration> positive) {
    return s -> s.strip().matches("0+(ms|s|m|h|d)?") ? Duration.ZERO : positive.convert(s);
  }

  /** Matches case-insensitively and yields the constant, so {@code level: debug} works too. */
  static <E extends Enum<E>> ScalarConverter<E> oneOf(Class<E> type, Function<E, String> name) {
    E[] constants = type.getEnumConstants();
    String expected = "one of " + Arrays.stream(constants).map(name)
        .collect(Collectors.joining(", "));
    return s -> {
      String v = s.strip();
      for (E e : constants) {
        if (name.apply(e).equalsIgnoreCase(v)) {
          return e;
        }
      }
      throw invalid(expected, s);
    };
  }

  /** Like {@link #oneOf} for string vocabularies; yields the canonical spelling. */
  static ScalarConverter<String> oneOf(List<String> allowed) {
    String expected = "one of " + String.join(", ", allowed);
    return s -> {
      String v = s.strip();
      for (String a : allowed) {
        if (a.equalsIgnoreCase(v)) {
          return a;
        }
      }
      throw invalid(expected, s);
    };
  }

  /**
   * A non-empty list without repeats; a repeat is almost always an editing slip, and in an
   * ordered preference list it hides which position was meant.
   */
  static <T> Converter<List<T>> nonEmptyListOf(ScalarConverter<T> item, String itemDescription) {
    Converter<List<T>> list = listOf(item);
    return raw -> {
      if (raw.isEmpty()) {
        throw new InvalidValue("expected at least one " + itemDescription + ", got an empty list");
      }
      return list.convert(raw);
    };
  }

  /**
   * A list that may be empty (meaning "no restriction"), without repeats; otherwise as
   * {@link #nonEmptyListOf}.
   */
  static <T> Converter<List<T>> listOf(ScalarConverter<T> item) {
    return raw -> {
      List<T> out = new ArrayList<>(raw.size());
      Set<T> seen = new HashSet<>();
      for (String s : raw) {
        T v = item.convert(s);
        if (!seen.add(v)) {
          throw new InvalidValue("lists '" + s.strip() + "' more than once");
        }
        out.add(v);
      }
      return List.copyOf(out);
    };
  }

  /**
   * A web origin as browsers send it in the {@code Origin} header (RFC 6454): {@code http} or
   * {@code https}, a host and an optional port, nothing else. Kept as written, lower-cased.
   */
  static String origin(String s) throws InvalidValue {
    String v = s.strip().toLowerCase(Locale.ROOT);
    String expected = "an origin such as https://chat.example.com or http://localhost:8080";
    java.net.URI uri;
    try {
      uri = new java.net.URI(v);
    } catch (java.net.URISyntaxException e) {
      throw invalid(expected, s);
    }
    boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty();
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getUserInfo() != null || !bare || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(expected, s);
    }
    return v;
  }

  /**
   * Empty for "not set", else an absolute URL with one of {@code schemes}, a host, and no user
   * info or fragment.
   */
  static ScalarConverter<Optional<String>> optionalUrl(List<String> schemes) {
    String expected = "a URL starting with " + String.join("://, ", schemes) + ":// (or empty)";
    return s -> {
      String v = s.strip();
      if (v.isEmpty()) {
        return Optional.empty();
      }
      java.net.URI uri;
      try {
        uri = new java.net.URI(v);
      } catch (java.net.URISyntaxException e) {
        throw invalid(expected, s);
      }
      if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
          || uri.getHost() == null || uri.getUserInfo() != null || uri.getRawFragment() != null) {
        throw invalid(expected, s);
      }
      return Optional.of(v);
    };
  }

  // XMPP domains end up in JIDs, certificates and SRV records, so only plain ASCII DNS names are
  // accepted; IDNs must be given in their xn-- form.
  static String domain(String s) throws InvalidValue {
    String v = s.strip().toLowerCase(Locale.ROOT);
    String expected = "a DNS domain name such as chat.example.com, or localhost";
    if (v.equals("localhost")) {
      return v;
    }
    if (v.isEmpty() || v.length() > 253) {
      throw invalid(expected, s);
    }
    String[] labels = v.split("\\.", -1);
    if (labels.length < 2) {
      throw invalid(expected, s);
    }
    for (String label : labels) {
      if (!DNS_LABEL.matcher(label).matches()) {
        throw invalid(expected, s);
      }
    }
    return v;
  }

  // The node id names this member in the cluster and in logs, so it is kept to characters that
  // need no quoting anywhere.
  static Optional<String> nodeId(String s) throws InvalidValue {
    String v = s.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (!NODE_ID.matcher(v).matches()) {
      throw invalid("an id of at most 64 letters, digits, '.', '_' or '-' "
          + "(or empty to generate one)", s);
    }
    return Optional.of(v);
  }

  static Path path(String s) throws InvalidValue {
    String v = s.strip();
    if (v.isEmpty()) {
      throw invalid("a directory path", s);
    }
    try {
      return Path.of(v);
    } catch (InvalidPathException e) {
      throw invalid("a directory path", s);
    }
  }

  /**
   * Empty text means "not configured"; otherwise the file must be readable now rather than fail
   * at first use, minutes into a start.
   */
  static Optional<Path> optionalReadableFile(String s) throws InvalidValue {
    String v = s.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Path p;
    try {
      p = Path.of(v);
    } catch (InvalidPathException e) {
      throw invalid("a file path", s);
    }
    if (!Files.exists(p)) {
      throw new InvalidValue("file '" + v + "' does not exist");
    }
    if (!Files.isRegularFile(p)) {
      throw new InvalidValue("'" + v + "' is not a regular file");
    }
    if (!Files.isReadable(p)) {
      throw new InvalidValue("file '" + v + "' is not readable");
    }
    return Optional.of(p);
  }

  /** {@code host}, {@code host:port}, {@code [ipv6]:port} or a bare IPv6 address. */
  static String member(String s) throws InvalidValue {
    String v = s.strip();
    String expected = "host or host:port";
    String host;
    String port = null;
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close < 0) {
        throw invalid(expected, s);
      }
      host = v.substring(1, close);
      String rest = v.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw invalid(expected, s);
        }
        port = rest.substring(1);
      }
    } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
      host = v.substring(0, v.indexOf(':'));
      port = v.substring(v.indexOf(':') + 1);
    } else {
      host = v;
    }
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      throw invalid(expected, s);
    }
    if (port != null) {
      try {
        port(port);
      } catch (InvalidValue e) {
        throw invalid("host or host:port with a port between 1 and 65535", s);
      }
    }
    return v;
  }
}
