package io.switchboard.storage;

import java.util.Comparator;

/**
 * Unicode code point order, which is also UTF-8 byte order: the order SQLite's BINARY collation
 * and Cassandra's {@code text} clustering columns sort by. {@link String#compareTo} compares
 * UTF-16 units instead and puts characters outside the BMP before U+E000..U+FFFF.
 */
public final class CodePointOrder implements Comparator<String> {

    /** The one instance; also used by backends that merge sorted results in code. */
    public static final CodePointOrder INSTANCE = new CodePointOrder();

    private CodePointOrder() {
    }

    @Override
    public int compare(String a, String b) {
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

    /**
     * Moves surrogates (which only occur in code points above U+FFFF) above U+E000..U+FFFF and
     * those down to close the gap, so comparing the first differing unit gives code point order.
     */
    private static int rank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
}
