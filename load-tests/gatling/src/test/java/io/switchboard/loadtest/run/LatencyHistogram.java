package io.switchboard.loadtest.run;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A thread-safe log-linear histogram of microsecond values: 32 buckets per power of two, so any
 * percentile is known to within about 3 %, from 1 µs to hours, in under 10 KiB. Generators write it
 * as text and the summary adds the buckets of every generator, which gives exact merged percentiles
 * (averaging per-process percentiles would not).
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = SUB + (63 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long micros) {
        counts.incrementAndGet(index(Math.max(0, micros)));
    }

    void add(int bucket, long count) {
        counts.addAndGet(bucket, count);
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The value at quantile {@code q} (0..1), as the middle of its bucket; 0 when empty. */
    public long percentile(double q) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return middle(i);
            }
        }
        return middle(BUCKETS - 1);
    }

    public long max() {
        for (int i = BUCKETS - 1; i >= 0; i--) {
            if (counts.get(i) > 0) {
                return upper(i);
            }
        }
        return 0;
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - SUB_BITS;
        return SUB + shift * SUB + (int) ((v >>> shift) & (SUB - 1));
    }

    static long lower(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = (index - SUB) / SUB;
        long sub = (index - SUB) % SUB;
        return (SUB + sub) << shift;
    }

    static long upper(int index) {
        return index < SUB ? index : lower(index + 1) - 1;
    }

    static long middle(int index) {
        return (lower(index) + upper(index)) / 2;
    }

    /** Sparse text form, {@code bucket:count,...}; empty when nothing was recorded. */
    public String encode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            long c = counts.get(i);
            if (c > 0) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(i).append(':').append(c);
            }
        }
        return sb.toString();
    }

    /** Adds the counts of an {@link #encode()}d histogram to this one. */
    public void addEncoded(String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        for (String part : text.split(",")) {
            int colon = part.indexOf(':');
            add(Integer.parseInt(part.substring(0, colon).trim()), Long.parseLong(part.substring(colon + 1).trim()));
        }
    }
}
