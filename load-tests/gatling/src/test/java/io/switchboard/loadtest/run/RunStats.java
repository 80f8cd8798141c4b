package io.switchboard.loadtest.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one generator process, next to Gatling's own statistics: what the correctness
 * verdict and the one-line summary need (messages sent, received once, duplicated, lost; logins;
 * errors; latency histograms), in a form that adds up across processes. Written as a properties
 * file: {@code progress.properties} every few seconds while running, {@code result.properties} at
 * the end.
 *
 * <p>Naming convention the summary relies on: plain keys are summed over generators, keys ending
 * in {@code .first} take the minimum, {@code .last} the maximum, and {@code hist.*} are
 * {@link LatencyHistogram}s whose buckets are added.
 */
public final class RunStats {
    private static final Map<String, LongAdder> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> EXTREMES = new ConcurrentHashMap<>();
    private static final Map<String, LatencyHistogram> HISTOGRAMS = new ConcurrentHashMap<>();
    private static final AtomicLong CONNECTED = new AtomicLong();
    private static final AtomicLong PEAK_CONNECTED = new AtomicLong();

    private RunStats() {
    }

    public static void count(String key) {
        add(key, 1);
    }

    public static void add(String key, long n) {
        COUNTERS.computeIfAbsent(key, k -> new LongAdder()).add(n);
    }

    public static long get(String key) {
        LongAdder a = COUNTERS.get(key);
        return a == null ? 0 : a.sum();
    }

    /** Keeps the earliest value of a {@code *.first} key. */
    public static void first(String key, long value) {
        EXTREMES.computeIfAbsent(key, k -> new AtomicLong(Long.MAX_VALUE)).accumulateAndGet(value, Math::min);
    }

    /** Keeps the latest value of a {@code *.last} key. */
    public static void last(String key, long value) {
        EXTREMES.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE)).accumulateAndGet(value, Math::max);
    }

    public static LatencyHistogram histogram(String name) {
        return HISTOGRAMS.computeIfAbsent(name, k -> new LatencyHistogram());
    }

    /** A session finished logging in (connected goes up) ... */
    public static void connected() {
        long now = CONNECTED.incrementAndGet();
        PEAK_CONNECTED.accumulateAndGet(now, Math::max);
    }

    /** ... or ended, cleanly or not. */
    public static void disconnected() {
        CONNECTED.decrementAndGet();
    }

    public static long connectedNow() {
        return CONNECTED.get();
    }

    public static Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        COUNTERS.forEach((k, v) -> out.put(k, Long.toString(v.sum())));
        EXTREMES.forEach((k, v) -> out.put(k, Long.toString(v.get())));
        HISTOGRAMS.forEach((k, v) -> out.put("hist." + k, v.encode()));
        out.put("connected.now", Long.toString(CONNECTED.get()));
        out.put("connected.peak", Long.toString(PEAK_CONNECTED.get()));
        return out;
    }

    /** Writes the snapshot (plus {@code extra}) atomically, so a reader never sees half a file. */
    public static void write(Path file, Map<String, String> extra) {
        Map<String, String> all = new TreeMap<>(snapshot());
        all.putAll(extra);
        StringBuilder sb = new StringBuilder();
        all.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
