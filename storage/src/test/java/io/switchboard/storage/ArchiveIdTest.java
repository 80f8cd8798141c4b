package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArchiveIdTest {

    private static final long T = Instant.parse("2024-03-01T12:00:00Z").toEpochMilli();
    private static final Instant FIRST = Instant.ofEpochMilli(ArchiveId.EPOCH_MILLIS);
    /** The last millisecond ids can express (41 bits after the epoch). */
    private static final Instant LAST = Instant.ofEpochMilli(ArchiveId.EPOCH_MILLIS + (1L << 41) - 1);

    @Test
    void idsFromTheClockStrictlyIncrease() {
        ArchiveId ids = ArchiveId.generator();
        long previous = -1;
        for (int i = 0; i < 100_000; i++) {
            long id = ids.next();
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
        Instant now = Instant.now();
        assertThat(ArchiveId.instant(previous)).isBetween(now.minusSeconds(5), now.plusSeconds(5));
    }

    @Test
    void idCarriesItsMillisecond() {
        ArchiveId ids = ArchiveId.generator();
        for (long millis : new long[] {ArchiveId.EPOCH_MILLIS, T, T + 1, LAST.toEpochMilli() - 10}) {
            long id = ids.next(millis);
            assertThat(ArchiveId.instant(id)).isEqualTo(Instant.ofEpochMilli(millis));
            assertThat(id).isBetween(ArchiveId.lowest(Instant.ofEpochMilli(millis)), ArchiveId.highest(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void moreThan4096IdsInOneMillisecondStayUniqueAndIncreasing() {
        ArchiveId ids = ArchiveId.generator();
        long previous = -1;
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 3 * 4096 + 17; i++) {
            long id = ids.next(T);
            assertThat(id).as("id %d", i).isGreaterThan(previous);
            assertThat(seen.add(id)).isTrue();
            previous = id;
            // The first 4096 fit the millisecond; later ones spill into the following ones.
            Instant expected = Instant.ofEpochMilli(T + i / 4096);
            assertThat(ArchiveId.instant(id)).as("instant of id %d", i).isEqualTo(expected);
        }
        // Time then catches up without going back.
        assertThat(ids.next(T + 1)).isGreaterThan(previous);
        long later = ids.next(T + 10);
        assertThat(later).isGreaterThan(previous);
        assertThat(ArchiveId.instant(later)).isEqualTo(Instant.ofEpochMilli(T + 10));
    }

    @Test
    void clockGoingBackDoesNotGoBackInIds() {
        ArchiveId ids = ArchiveId.generator();
        long a = ids.next(T);
        long b = ids.next(T - 60_000);
        long c = ids.next(T - 1);

        assertThat(b).isGreaterThan(a);
        assertThat(c).isGreaterThan(b);
        assertThat(ArchiveId.instant(c)).isEqualTo(Instant.ofEpochMilli(T));
    }

    @Test
    void concurrentCallersGetDistinctIncreasingIds() throws Exception {
        ArchiveId ids = ArchiveId.generator();
        Set<Long> all = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    long previous = -1;
                    for (int i = 0; i < 5000; i++) {
                        // All in one millisecond, to force the sequence through its carries.
                        long id = ids.next(T);
                        assertThat(id).isGreaterThan(previous);
                        assertThat(all.add(id)).isTrue();
                        previous = id;
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(all).hasSize(8 * 5000);
    }

    @Test
    void nextRejectsTimesOutsideTheRange() {
        ArchiveId ids = ArchiveId.generator();
        assertThatThrownBy(() -> ids.next(ArchiveId.EPOCH_MILLIS - 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ids.next(LAST.toEpochMilli() + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ids.next(LAST.toEpochMilli())).isPositive();
    }

    @Test
    void formatAndParseRoundTrip() {
        ArchiveId ids = ArchiveId.generator();
        Random random = new Random(1);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 31L, 32L, Long.MAX_VALUE, ids.next(), ids.next(T)));
        for (int i = 0; i < 1000; i++) {
            values.add(random.nextLong() & Long.MAX_VALUE);
        }
        for (long id : values) {
            String text = ArchiveId.format(id);
            assertThat(text).hasSize(13).matches("[0-9a-hjkmnp-tv-z]{13}");
            assertThat(ArchiveId.parse(text)).isEqualTo(id);
        }
        assertThat(ArchiveId.format(0)).isEqualTo("0000000000000");
        assertThat(ArchiveId.format(Long.MAX_VALUE)).isEqualTo("7zzzzzzzzzzzz");
    }

    @Test
    void textOrderIsNumericOrder() {
        Random random = new Random(2);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            // Mixed magnitudes, so widths would differ without the fixed-width padding.
            values.add((random.nextLong() & Long.MAX_VALUE) >>> random.nextInt(63));
        }
        List<Long> byNumber = values.stream().sorted().toList();
        List<Long> byText = values.stream().sorted(Comparator.comparing(ArchiveId::format)).toList();

        assertThat(byText).isEqualTo(byNumber);
    }

    @Test
    void parseRejectsWhatFormatCannotProduce() {
        for (String bad : new String[] {
                null, "", "000000000000", "00000000000000", "8000000000000", "zzzzzzzzzzzzz",
                "000000000000A", "000000000000i", "000000000000l", "000000000000o", "000000000000u",
                " 000000000000", "000000000000 ", "-000000000001", "00000000000é0", "0000000000\uD83D\uDE00"}) {
            assertThatThrownBy(() -> ArchiveId.parse(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ArchiveId.format(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lowestAndHighestBracketAMillisecond() {
        Instant t = Instant.ofEpochMilli(T);

        assertThat(ArchiveId.highest(t) + 1).isEqualTo(ArchiveId.lowest(t.plusMillis(1)));
        assertThat(ArchiveId.instant(ArchiveId.lowest(t))).isEqualTo(t);
        assertThat(ArchiveId.instant(ArchiveId.highest(t))).isEqualTo(t);
        // Sub-millisecond parts are truncated.
        assertThat(ArchiveId.lowest(t.plusNanos(999_999))).isEqualTo(ArchiveId.lowest(t));
        assertThat(ArchiveId.highest(t.plusNanos(1))).isEqualTo(ArchiveId.highest(t));
        assertThat(ArchiveId.lowest(FIRST)).isZero();
    }

    @Test
    void lowestAndHighestClampOutsideTheRange() {
        for (Instant before : new Instant[] {FIRST.minusNanos(1), FIRST.minusMillis(1), Instant.EPOCH, Instant.MIN}) {
            assertThat(ArchiveId.lowest(before)).as("lowest(%s)", before).isZero();
            assertThat(ArchiveId.highest(before)).as("highest(%s)", before).isNegative();
        }
        assertThat(ArchiveId.highest(LAST)).isEqualTo(Long.MAX_VALUE);
        assertThat(ArchiveId.lowest(LAST)).isEqualTo(Long.MAX_VALUE & ~((1L << 22) - 1));
        for (Instant after : new Instant[] {LAST.plusMillis(1), Instant.parse("2100-01-01T00:00:00Z"), Instant.MAX}) {
            assertThat(ArchiveId.lowest(after)).as("lowest(%s)", after).isEqualTo(Long.MAX_VALUE);
            assertThat(ArchiveId.highest(after)).as("highest(%s)", after).isEqualTo(Long.MAX_VALUE);
        }
    }
}
