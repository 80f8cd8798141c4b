package io.switchboard.storage.cassandra;

import java.util.Comparator;

/**
 * Unicode code point order, which equals UTF-8 byte order: how Cassandra sorts {@code text}
 * clustering columns. Used wherever results of several partitions are merged in code.
 * ({@link String#compareTo} differs for characters outside the BMP.)
 */
final class CodePoints {

    static final Comparator<String> ORDER = CodePoints::compare;

    private CodePoints() {
    }

    static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return rank(x) - rank(y);
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above U+E000..U+FFFF, so comparing the first differing unit gives code point order. */
    private static int rank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
