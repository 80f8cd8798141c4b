package io.switchboard.bench;

import io.switchboard.cassandra.LocalCassandra;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.Storage;
import io.switchboard.storage.cassandra.CassandraSettings;
import io.switchboard.storage.cassandra.CassandraStorage;
import io.switchboard.storage.embedded.EmbeddedStorage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Archive write throughput and MAM query latency at a realistic archive size (default 1,000,000
 * messages over 1,000 users with 20 contacts each, spread over 60 days so queries cross time
 * buckets), against a real store through the same {@code ArchiveStore} API the MAM module uses.
 *
 * <pre>
 *   load-tests/archive_bench.sh --backend cassandra --messages 1000000
 *   load-tests/archive_bench.sh --backend embedded  --messages 1000000
 *   load-tests/archive_bench.sh --backend cassandra --cassandra 127.0.0.1:9042   (an existing node)
 * </pre>
 *
 * Writes run with a fixed number in flight (like many routers archiving at once); queries run one
 * at a time, so their latencies are not queueing artefacts. Prints progress every 5 s and a
 * summary table at the end.
 */
public final class ArchiveBench {

    private static final int CONTACTS = 20;
    private static final Duration SPREAD = Duration.ofDays(60);

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String backend = o.getOrDefault("backend", "cassandra");
        int messages = Integer.parseInt(o.getOrDefault("messages", "1000000"));
        int users = Integer.parseInt(o.getOrDefault("users", "1000"));
        int inFlight = Integer.parseInt(o.getOrDefault("in-flight", "128"));
        int queries = Integer.parseInt(o.getOrDefault("queries", "2000"));
        int stanzaBytes = Integer.parseInt(o.getOrDefault("stanza-bytes", "300"));
        Path work = Path.of(o.getOrDefault("dir", "load-tests/archive-bench/target/bench-" + System.currentTimeMillis()));
        Files.createDirectories(work);

        LocalCassandra local = null;
        Storage storage;
        String where;
        if (backend.equals("cassandra")) {
            String contact = o.get("cassandra");
            if (contact == null) {
                local = LocalCassandra.builder(work.resolve("cassandra")).heap(o.getOrDefault("heap", "1g")).build();
                System.out.println("starting a local Cassandra in " + work.resolve("cassandra") + " ...");
                local.start();
                contact = "127.0.0.1:" + local.nativePort();
            }
            CassandraSettings settings = CassandraSettings.defaults(List.of(contact), "datacenter1")
                    .withKeyspace("bench_" + System.currentTimeMillis());
            storage = CassandraStorage.open(settings);
            where = "Cassandra " + contact + " keyspace " + settings.keyspace();
        } else {
            storage = EmbeddedStorage.open(work.resolve("embedded"));
            where = storage.description();
        }
        System.out.printf("archive bench: %s, %,d messages, %,d users x %d contacts, %d in flight, %d-byte stanzas%n",
                where, messages, users, CONTACTS, inFlight, stanzaBytes);
        try {
            run(storage, messages, users, inFlight, queries, stanzaBytes);
        } finally {
            storage.close();
            if (local != null) {
                local.stop();
            }
        }
    }

    private static void run(Storage storage, int messages, int users, int inFlight, int queries, int stanzaBytes)
            throws Exception {
        List<String> owners = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            owners.add("user" + u + "@bench.example");
        }
        for (String owner : owners) {
            storage.accounts().create(owner, List.of()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        // ---- writes ------------------------------------------------------------------------------
        ArchiveId ids = ArchiveId.generator();
        long startMillis = Instant.now().minus(SPREAD).toEpochMilli();
        long stepMillis = Math.max(1, SPREAD.toMillis() / messages);
        SplittableRandom random = new SplittableRandom(42);
        byte[] padding = "x".repeat(Math.max(0, stanzaBytes - 120)).getBytes(StandardCharsets.UTF_8);
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] latencies = new long[messages];
        long writeStart = System.nanoTime();
        long nextReport = writeStart + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < messages; i++) {
            String owner = owners.get(random.nextInt(users));
            String with = "contact" + random.nextInt(CONTACTS) + "@bench.example/res";
            long id = ids.next(startMillis + i * stepMillis);
            byte[] stanza = ("<message xmlns='jabber:client' type='chat' to='" + owner + "' from='" + with
                    + "'><body>" + new String(padding, StandardCharsets.UTF_8) + i + "</body></message>")
                    .getBytes(StandardCharsets.UTF_8);
            ArchivedMessage m = new ArchivedMessage(owner, id, with, stanza);
            permits.acquire();
            if (failure.get() != null) {
                throw new IllegalStateException("append failed", failure.get());
            }
            int index = i;
            long sent = System.nanoTime();
            storage.archive().append(m).whenComplete((v, e) -> {
                latencies[index] = System.nanoTime() - sent;
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                done.incrementAndGet();
                permits.release();
            });
            if (System.nanoTime() > nextReport) {
                double secs = (System.nanoTime() - writeStart) / 1e9;
                System.out.printf("  %,d / %,d archived (%.0f msg/s)%n", done.get(), messages, done.get() / secs);
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
        }
        permits.acquire(inFlight);
        if (failure.get() != null) {
            throw new IllegalStateException("append failed", failure.get());
        }
        double writeSecs = (System.nanoTime() - writeStart) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("WRITE  %,d messages in %.1f s = %,.0f msg/s; append latency p50 %.2f ms, p99 %.2f ms%n",
                messages, writeSecs, messages / writeSecs, ms(latencies, 0.50), ms(latencies, 0.99));

        // ---- queries (one at a time) ---------------------------------------------------------------
        Instant end = Instant.now();
        Map<String, Supplier<ArchiveQuery>> kinds = new HashMap<>();
        kinds.put("latest 50 (login sync)", () -> ArchiveQuery.latest(50));
        kinds.put("with contact, latest 50", () -> ArchiveQuery.latest(50)
                .withContact("contact" + random.nextInt(CONTACTS) + "@bench.example"));
        kinds.put("1-day window, first 50", () -> {
            Instant from = end.minus(Duration.ofDays(1 + random.nextInt((int) SPREAD.toDays() - 1)));
            return ArchiveQuery.first(50).between(from, from.plus(Duration.ofDays(1)));
        });
        kinds.put("page after a cursor", () -> ArchiveQuery.first(50)
                .after(ArchiveId.lowest(end.minus(Duration.ofDays(random.nextInt((int) SPREAD.toDays()))))));
        System.out.println("QUERY  kind                        n      p50 ms   p99 ms   max ms  avg rows");
        for (Map.Entry<String, Supplier<ArchiveQuery>> kind : kinds.entrySet()) {
            long[] took = new long[queries];
            long rows = 0;
            for (int q = 0; q < queries; q++) {
                String owner = owners.get(random.nextInt(users));
                ArchiveQuery query = kind.getValue().get();
                long t = System.nanoTime();
                CompletionStage<ArchivePage> page = storage.archive().query(owner, query);
                rows += page.toCompletableFuture().get(30, TimeUnit.SECONDS).messages().size();
                took[q] = System.nanoTime() - t;
            }
            Arrays.sort(took);
            System.out.printf("QUERY  %-26s %5d  %7.2f  %7.2f  %7.2f  %8.1f%n", kind.getKey(), queries,
                    ms(took, 0.50), ms(took, 0.99), took[took.length - 1] / 1e6, rows / (double) queries);
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --backend cassandra|embedded [--messages N] [--users N] "
                        + "[--in-flight N] [--queries N] [--stanza-bytes N] [--cassandra host:port] [--heap 1g] [--dir D]");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
