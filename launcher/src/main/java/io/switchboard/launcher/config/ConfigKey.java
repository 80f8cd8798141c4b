package io.switchboard.launcher.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One leaf of the config tree: where it lives, how it is spelled in the environment, its built-in
 * default and how its text becomes a typed value.
 *
 * <p>Defaults are kept as text and run through the same converter as operator input, so a
 * default can never bypass validation and the example file can be checked against them.
 */
final class ConfigKey<T> {

  static final String ENV_PREFIX = "SWITCHBOARD_";

  /** Turns the raw text (one element per list item; exactly one for scalars) into a value. */
  @FunctionalInterface
  interface Converter<T> {
    T convert(List<String> raw) throws InvalidValue;
  }

  /** A value was rejected; the message reads as the tail of "config key 'x': ...". */
  static final class InvalidValue extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidValue(String message) {
      super(message, null, false, false);
    }
  }

  private final String path;
  private final boolean list;
  private final String defaultText;
  private final Converter<T> converter;

  ConfigKey(String path, boolean list, String defaultText, Converter<T> converter) {
    this.path = path;
    this.list = list;
    this.defaultText = defaultText;
    this.converter = converter;
  }

  /** Dotted kebab-case path, e.g. {@code listeners.c2s-direct-tls.port}. */
  String path() {
    return path;
  }

  boolean isList() {
    return list;
  }

  /** Empty for keys the operator must set. Lists are comma-separated. */
  Optional<String> defaultText() {
    return Optional.ofNullable(defaultText);
  }

  String envName() {
    return envName(path);
  }

  static String envName(String path) {
    return ENV_PREFIX + path.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  T convert(List<String> raw) throws InvalidValue {
    return converter.convert(raw);
  }

  @Override
  public String toString() {
    return path;
  }
}
