package io.switchboard.cassandra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * One Cassandra per test JVM, started on first use: each start costs 7-10 s, so test classes share
 * it (each should use its own keyspace or tables) instead of starting their own.
 *
 * <p>Where it comes from, first match wins:
 * <ol>
 *   <li>{@code SWITCHBOARD_TEST_CASSANDRA=host:port[:datacenter]} (system property, dotted
 *       {@code switchboard.test.cassandra}, or environment): a Cassandra started outside, e.g. by
 *       the CLI once for many Maven modules. No process is started; the datacenter defaults to
 *       {@value LocalCassandra#DATACENTER}.</li>
 *   <li>Otherwise a {@link LocalCassandra} in a fresh {@code cassandra-<random>} directory under
 *       {@code sb.cassandra.dir} (system property), else under {@code <user.dir>/<sb.buildDir or
 *       target>} (Surefire runs in the module directory, so this is the module's build directory).
 *       A shutdown hook kills it and deletes its data; its logs stay for post-mortems.</li>
 * </ol>
 *
 * <p>Tests that kill or restart Cassandra must not use this shared node: build their own
 * {@link LocalCassandra}.
 */
public final class SharedCassandra {

    private static final int START_ATTEMPTS = 3;
    private static final Duration EXTERNAL_READY_TIMEOUT = Duration.ofSeconds(60);

    private static CassandraEndpoint endpoint;
    /** Volatile, not guarded: the shutdown hook must not block on a start in progress. */
    private static volatile LocalCassandra local;
    private static RuntimeException failure;

    private SharedCassandra() {
    }

    /**
     * The shared node's endpoint, starting it on the first call. A failed start is remembered and
     * rethrown by later calls, so a broken setup fails every test quickly instead of retrying.
     */
    public static synchronized CassandraEndpoint get() {
        if (endpoint != null) {
            return endpoint;
        }
        if (failure != null) {
            throw new IllegalStateException("The shared Cassandra failed to start earlier: " + failure.getMessage(), failure);
        }
        try {
            Optional<String> external = Settings.lookup(Settings.TEST_CASSANDRA);
            endpoint = external.isPresent() ? useExternal(external.get(), EXTERNAL_READY_TIMEOUT) : startLocal();
            return endpoint;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** The node this JVM started, or empty if {@code SWITCHBOARD_TEST_CASSANDRA} points elsewhere. */
    public static synchronized Optional<LocalCassandra> local() {
        get();
        return Optional.ofNullable(local);
    }

    /** Waits a while for it: a script may have started that Cassandra just before the build. */
    static CassandraEndpoint useExternal(String spec, Duration timeout) {
        CassandraEndpoint external = CassandraEndpoint.parse(spec);
        try {
            CqlProbe.awaitReady(external.contactPoint(), timeout);
        } catch (IOException e) {
            throw new IllegalStateException(Settings.TEST_CASSANDRA + "=" + spec + ": no CQL answer within "
                    + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + spec, e);
        }
        return external;
    }

    /**
     * Retries with new ports (and a new directory) when another process took a port between the
     * pick and Cassandra's bind: parallel builds on this machine start fixtures at the same time.
     */
    private static CassandraEndpoint startLocal() {
        Path base = baseDirectory();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            // Never killed, data thrown away: trade durability for speed (see the builder's javadoc).
            LocalCassandra candidate = LocalCassandra.builder(base.resolve("cassandra-" + UUID.randomUUID().toString().substring(0, 8)))
                    .unsafeSystem(true)
                    .commitLogSync(LocalCassandra.CommitLogSync.PERIODIC)
                    .build();
            try {
                candidate.start();
                local = candidate;
                Runtime.getRuntime().addShutdownHook(new Thread(SharedCassandra::shutdown, "shared-cassandra-shutdown"));
                return candidate.endpoint();
            } catch (IllegalStateException e) {
                last = e;
                if (!isPortConflict(e)) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private static boolean isPortConflict(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("already in use") || message.contains("Address already in use");
    }

    /**
     * SIGKILL rather than a graceful stop: the data is deleted next, so waiting ~7 s for Cassandra
     * to drain would only slow down the end of every test run.
     */
    private static void shutdown() {
        LocalCassandra node = local;
        if (node == null) {
            return;
        }
        try {
            node.kill();
            for (String sub : new String[] {"data", "commitlog", "saved_caches", "hints", "cdc_raw"}) {
                deleteRecursively(node.dataDir().resolve(sub));
            }
        } catch (RuntimeException e) {
            System.err.println("Could not clean up the shared Cassandra in " + node.dataDir() + ": " + e);
        }
    }

    private static Path baseDirectory() {
        String configured = System.getProperty("sb.cassandra.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String buildDir = System.getProperty("sb.buildDir", "target");
        return Path.of(System.getProperty("user.dir"), buildDir).toAbsolutePath();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
