package io.switchboard.launcher.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration notation of the config file: a whole number followed by one unit, e.g.
 * {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 30d}. Fractions, compound forms and a missing
 * unit are rejected on purpose: a bare {@code 30} could mean seconds or milliseconds, and
 * guessing wrong turns a timeout into something a thousand times off.
 */
final class Durations {

  static final String EXPECTED = "a duration such as 250ms, 30s, 5m, 1h or 30d";

  // Lower case only, so that "5M" cannot be misread as months.
  private static final Pattern FORMAT = Pattern.compile("([0-9]{1,18})(ms|s|m|h|d)");

  private Durations() {
  }

  /** Empty when {@code text} is not in the notation or does not fit a {@link Duration}. */
  static Optional<Duration> parse(String text) {
    Matcher m = FORMAT.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    try {
      return Optional.of(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofSeconds(Math.multiplyExact(amount, 60L));
        case "h" -> Duration.ofSeconds(Math.multiplyExact(amount, 3600L));
        case "d" -> Duration.ofSeconds(Math.multiplyExact(amount, 86400L));
        default -> throw new IllegalStateException(m.group(2));
      });
    } catch (ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** The shortest notation {@link #parse} reads back as the same duration. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s > 86400 && s % 86400 == 0) {
      return s / 86400 + "d"; // a single day stays "24h", the way people write timeouts
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
