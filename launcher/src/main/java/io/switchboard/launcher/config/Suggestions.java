package io.switchboard.launcher.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and environment variables. */
final class Suggestions {

  private Suggestions() {
  }

  /**
   * The candidate closest to {@code wrong}, if close enough to be a plausible slip: case and
   * '-' versus '_' are ignored outright, beyond that about one edit per three characters.
   */
  static Optional<String> closest(String wrong, Collection<String> candidates) {
    String w = normalise(wrong);
    int limit = Math.max(1, Math.min(3, w.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(w, normalise(c));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  private static String normalise(String s) {
    return s.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Optimal string alignment distance: Levenshtein plus adjacent transposition, because swapped
   * letters ("prot" for "port") are the most common typing slip and should cost one edit, not two.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
