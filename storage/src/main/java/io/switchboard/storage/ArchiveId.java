package io.switchboard.storage;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered 63-bit ids for archived messages: the millisecond the message was archived in the
 * high bits, then a per-process salt and a counter. They serve as the archive's clustering key,
 * as the XEP-0359 stanza-id handed to clients and as the XEP-0059 paging cursor, so one number
 * gives order, uniqueness and time: a time filter ({@code start}/{@code end}) becomes an id range.
 *
 * <p>Layout (from the most significant bit): 0 | 41 bits of milliseconds since
 * {@link #EPOCH_MILLIS} | 10 bits process salt | 12 bits sequence. Ids from one generator strictly increase; ids from two processes collide only if both
 * picked the same random salt and the same sequence in the same millisecond, and even then only
 * matter within one user's archive.
 *
 * <p>The text form handed to clients is 13 characters of lower-case base 32 (Crockford's alphabet
 * without ambiguous letters), fixed width so that text order equals numeric order.
 */
public final class ArchiveId {

    /** 2020-01-01T00:00:00Z: 41 bits of milliseconds from here last until the year 2089. */
    public static final long EPOCH_MILLIS = 1_577_836_800_000L;

    private static final int SEQUENCE_BITS = 12;
    private static final int SALT_BITS = 10;
    private static final int LOW_BITS = SEQUENCE_BITS + SALT_BITS;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;
    private static final long MAX_MILLIS = (1L << 41) - 1;
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int TEXT_LENGTH = 13;
    private static final Instant FIRST_INSTANT = Instant.ofEpochMilli(EPOCH_MILLIS);
    /** The last instant whose millisecond ids can represent. */
    private static final Instant LAST_INSTANT = Instant.ofEpochMilli(EPOCH_MILLIS + MAX_MILLIS).plusNanos(999_999);

    private final long salt;
    /** Last id handed out, so ids stay increasing even when the clock steps back. */
    private final AtomicLong last = new AtomicLong();

    private ArchiveId(long salt) {
        this.salt = salt;
    }

    /** A generator with a random salt; keep one per process. */
    public static ArchiveId generator() {
        return new ArchiveId(new SecureRandom().nextInt(1 << SALT_BITS));
    }

    /** The next id for a message archived now. */
    public long next() {
        return next(System.currentTimeMillis());
    }

    /** The next id for a message archived at {@code epochMillis} (or later, if ids already went past it). */
    public long next(long epochMillis) {
        long base = (millisPart(epochMillis) << LOW_BITS) | (salt << SEQUENCE_BITS);
        return last.updateAndGet(previous -> {
            if (previous < base) {
                return base;
            }
            // Same millisecond (or the clock went back): next sequence number, spilling into the
            // next millisecond when 4096 were used, which keeps ids unique and increasing.
            if ((previous & SEQUENCE_MASK) != SEQUENCE_MASK) {
                return previous + 1;
            }
            // previous + 1 would carry into the salt bits and, once reset to this generator's
            // salt, repeat the millisecond's first id: move to the next millisecond instead.
            long nextMillis = (previous >>> LOW_BITS) + 1;
            if (nextMillis > MAX_MILLIS) {
                throw new IllegalStateException("archive ids exhausted");
            }
            return (nextMillis << LOW_BITS) | (salt << SEQUENCE_BITS);
        });
    }

    /**
     * The smallest id of the given instant's millisecond: the lower bound of a {@code start}
     * filter. Instants before the id range give 0, after it the largest id.
     */
    public static long lowest(Instant instant) {
        // Compared as instants: toEpochMilli() throws for instants far outside the long range
        // (e.g. Instant.MAX as an open bound), and those must clamp too.
        if (instant.isBefore(FIRST_INSTANT)) {
            return 0;
        }
        if (instant.isAfter(LAST_INSTANT)) {
            return Long.MAX_VALUE;
        }
        return (instant.toEpochMilli() - EPOCH_MILLIS) << LOW_BITS;
    }

    /** The largest id of the given instant's millisecond: the upper bound of an {@code end} filter (clamped like {@link #lowest}). */
    public static long highest(Instant instant) {
        if (instant.isBefore(FIRST_INSTANT)) {
            return -1; // below every id: an end before the range matches nothing
        }
        return lowest(instant) | ((1L << LOW_BITS) - 1);
    }

    /** When the message with this id was archived (millisecond precision). */
    public static Instant instant(long id) {
        return Instant.ofEpochMilli((id >>> LOW_BITS) + EPOCH_MILLIS);
    }

    /** The fixed-width text form, e.g. for XEP-0359 {@code <stanza-id id='...'/>}. */
    public static String format(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative archive id " + id);
        }
        char[] text = new char[TEXT_LENGTH];
        long v = id;
        for (int i = TEXT_LENGTH - 1; i >= 0; i--) {
            text[i] = ALPHABET[(int) (v & 31)];
            v >>>= 5;
        }
        return new String(text);
    }

    /**
     * Parses {@link #format} output.
     *
     * @throws IllegalArgumentException if {@code text} is not an id this class could have made
     *                                  (clients send these back as paging cursors, so it is input)
     */
    public static long parse(String text) {
        if (text == null || text.length() != TEXT_LENGTH) {
            throw new IllegalArgumentException("not an archive id: " + text);
        }
        long v = 0;
        for (int i = 0; i < TEXT_LENGTH; i++) {
            int digit = digit(text.charAt(i));
            if (digit < 0 || (i == 0 && digit > 7)) {
                throw new IllegalArgumentException("not an archive id: " + text);
            }
            v = (v << 5) | digit;
        }
        return v;
    }

    private static int digit(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static long millisPart(long epochMillis) {
        long millis = epochMillis - EPOCH_MILLIS;
        if (millis < 0 || millis > MAX_MILLIS) {
            throw new IllegalArgumentException("time outside the archive id range: " + Instant.ofEpochMilli(epochMillis));
        }
        return millis;
    }
}
