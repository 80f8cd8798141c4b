package io.switchboard.protocol.jid;

/**
 * Punycode (RFC 3492) for single labels, without the "xn--" prefix.
 *
 * <p>The JDK only exposes IDNA2003 through {@link java.net.IDN}, whose toUnicode silently refuses
 * A-labels for IDNA2008-valid labels such as "fußball" (IDNA2003 maps ß to "ss" and the
 * round-trip check fails). Having our own codec lets us convert A-labels to U-labels as RFC 7622
 * §3.2.1 requires and measure the real A-label length of a U-label.
 */
final class Punycode {

    private static final int BASE = 36;
    private static final int TMIN = 1;
    private static final int TMAX = 26;
    private static final int SKEW = 38;
    private static final int DAMP = 700;
    private static final int INITIAL_BIAS = 72;
    private static final int INITIAL_N = 0x80;
    private static final char DELIMITER = '-';

    private Punycode() {
    }

    /** Encodes a label's code points; the result is ASCII and never includes the ACE prefix. */
    static String encode(String input) {
        int[] cps = input.codePoints().toArray();
        StringBuilder out = new StringBuilder(cps.length + 8);
        for (int cp : cps) {
            if (cp < INITIAL_N) {
                out.append((char) cp);
            }
        }
        int basic = out.length();
        int handled = basic;
        if (basic > 0) {
            out.append(DELIMITER);
        }
        long n = INITIAL_N;
        long delta = 0;
        int bias = INITIAL_BIAS;
        while (handled < cps.length) {
            long m = Long.MAX_VALUE;
            for (int cp : cps) {
                if (cp >= n && cp < m) {
                    m = cp;
                }
            }
            delta += (m - n) * (handled + 1);
            checkOverflow(delta);
            n = m;
            for (int cp : cps) {
                if (cp < n) {
                    delta++;
                    checkOverflow(delta);
                } else if (cp == n) {
                    long q = delta;
                    for (int k = BASE; ; k += BASE) {
                        int t = threshold(k, bias);
                        if (q < t) {
                            break;
                        }
                        out.append(digit((int) (t + (q - t) % (BASE - t))));
                        q = (q - t) / (BASE - t);
                    }
                    out.append(digit((int) q));
                    bias = adapt(delta, handled + 1, handled == basic);
                    delta = 0;
                    handled++;
                }
            }
            delta++;
            n++;
        }
        return out.toString();
    }

    /**
     * Decodes a label (without the ACE prefix).
     *
     * @throws IllegalArgumentException if the input is not well-formed Punycode
     */
    static String decode(String input) {
        int delimiter = input.lastIndexOf(DELIMITER);
        StringBuilder basic = new StringBuilder();
        for (int j = 0; j < Math.max(delimiter, 0); j++) {
            char c = input.charAt(j);
            if (c >= INITIAL_N) {
                throw new IllegalArgumentException("non-basic code point before delimiter");
            }
            basic.append(c);
        }
        int[] out = new int[input.length()];
        int length = 0;
        for (int j = 0; j < basic.length(); j++) {
            out[length++] = basic.charAt(j);
        }
        long n = INITIAL_N;
        long i = 0;
        int bias = INITIAL_BIAS;
        int in = delimiter > 0 ? delimiter + 1 : 0;
        while (in < input.length()) {
            long oldi = i;
            long w = 1;
            for (int k = BASE; ; k += BASE) {
                if (in >= input.length()) {
                    throw new IllegalArgumentException("truncated Punycode");
                }
                int digit = digitValue(input.charAt(in++));
                i += digit * w;
                checkOverflow(i);
                int t = threshold(k, bias);
                if (digit < t) {
                    break;
                }
                w *= BASE - t;
                checkOverflow(w);
            }
            bias = adapt(i - oldi, length + 1, oldi == 0);
            n += i / (length + 1);
            i %= length + 1;
            if (n > Character.MAX_CODE_POINT
                    || (n >= Character.MIN_SURROGATE && n <= Character.MAX_SURROGATE)) {
                throw new IllegalArgumentException("Punycode decodes to an invalid code point");
            }
            // Each loop iteration consumes at least one input char, so out never overflows.
            System.arraycopy(out, (int) i, out, (int) i + 1, length - (int) i);
            out[(int) i] = (int) n;
            length++;
            i++;
        }
        return new String(out, 0, length);
    }

    private static int threshold(int k, int bias) {
        if (k <= bias) {
            return TMIN;
        }
        return Math.min(k - bias, TMAX);
    }

    private static int adapt(long delta, int numPoints, boolean first) {
        delta = first ? delta / DAMP : delta / 2;
        delta += delta / numPoints;
        int k = 0;
        while (delta > ((BASE - TMIN) * TMAX) / 2) {
            delta /= BASE - TMIN;
            k += BASE;
        }
        return (int) (k + (BASE - TMIN + 1) * delta / (delta + SKEW));
    }

    private static char digit(int d) {
        return (char) (d < 26 ? 'a' + d : '0' + (d - 26));
    }

    private static int digitValue(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 26;
        }
        throw new IllegalArgumentException("invalid Punycode digit");
    }

    // Labels are tiny, so anything this large is hostile input rather than a real label.
    private static void checkOverflow(long value) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Punycode overflow");
        }
    }
}
