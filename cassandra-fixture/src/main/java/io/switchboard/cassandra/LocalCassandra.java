package io.switchboard.cassandra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * One real Apache Cassandra node, run as a separate JDK 17 JVM on 127.0.0.1.
 *
 * <p>Configuration is immutable (see {@link #builder(Path)}); the node can be started, stopped,
 * killed and started again any number of times on the same data directory and ports, so tests can
 * SIGKILL it mid-traffic and check what survives commit log replay. The defaults favour exactly
 * that: every acknowledged write, schema included, survives {@link #kill()} (see
 * {@link Builder#commitLogSync(CommitLogSync)} and {@link Builder#unsafeSystem(boolean)} for the
 * faster, less durable settings). Tests that only need "a Cassandra" use {@link SharedCassandra}.
 *
 * <pre>{@code
 * try (LocalCassandra cassandra = LocalCassandra.builder(dir).build().start()) {
 *     CqlSession session = CqlSession.builder()
 *         .addContactPoint(cassandra.contactPoint())
 *         .withLocalDatacenter(cassandra.localDatacenter()).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Also a command line tool: {@code java -cp <fixture jar> io.switchboard.cassandra.LocalCassandra
 * start|stop|status --dir DIR}, see {@link LocalCassandraCli}.
 */
public final class LocalCassandra implements AutoCloseable {

    /** The datacenter name SimpleSnitch reports; CQL drivers need it as "local datacenter". */
    public static final String DATACENTER = "datacenter1";
    public static final String DEFAULT_HEAP = "384m";
    public static final String DEFAULT_CLUSTER_NAME = "switchboard-test";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    /** Time SIGTERM gets (Cassandra drains: flushes memtables) before SIGKILL follows. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** How the commit log reaches the disk; see {@link Builder#commitLogSync(CommitLogSync)}. */
    public enum CommitLogSync {
        /**
         * Cassandra's production default: fsync every 10 s, sync markers every ~100 ms. Commit log
         * replay stops at the last marker, so writes acknowledged in the last ~100 ms before a
         * SIGKILL can be missing after the restart. Measured here: ~1.3 ms per sequential insert.
         */
        PERIODIC,
        /**
         * Every write is fsynced before it is acknowledged, so nothing acknowledged is lost to a
         * SIGKILL. Measured here: ~2.8 ms per sequential insert.
         */
        BATCH
    }

    private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");

    private final CassandraFiles files;
    private final int nativePort;
    private final int storagePort;
    private final int jmxPort;
    private final String heap;
    private final String clusterName;
    private final Duration startTimeout;
    private final boolean detached;
    private final boolean unsafeSystem;
    private final CommitLogSync commitLogSync;

    /** The JVM this object launched last; null before the first start. Guarded by this. */
    private Process child;
    private Duration lastStartDuration;

    private LocalCassandra(Builder b) {
        this.files = new CassandraFiles(b.dataDir);
        this.nativePort = b.nativePort;
        this.storagePort = b.storagePort;
        this.jmxPort = b.jmxPort;
        this.heap = b.heap;
        this.clusterName = b.clusterName;
        this.startTimeout = b.startTimeout;
        this.detached = b.detached;
        this.unsafeSystem = b.unsafeSystem;
        this.commitLogSync = b.commitLogSync;
    }

    /** A builder for a node keeping its files in {@code dataDir} (created if missing). */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /**
     * A builder preset with the ports, heap, cluster name and durability settings last used in
     * {@code dataDir} (saved in {@code fixture.properties} on every start), so a restart from
     * another JVM finds the same node. Falls back to the defaults when the directory was never used.
     */
    public static Builder inDirectory(Path dataDir) {
        Builder b = new Builder(dataDir);
        try {
            Optional<Properties> saved = new CassandraFiles(b.dataDir).readProperties();
            saved.ifPresent(p -> {
                b.nativePort(Integer.parseInt(p.getProperty("native_port", "0")));
                b.storagePort(Integer.parseInt(p.getProperty("storage_port", "0")));
                b.jmxPort(Integer.parseInt(p.getProperty("jmx_port", "0")));
                b.heap(p.getProperty("heap", DEFAULT_HEAP));
                b.clusterName(p.getProperty("cluster_name", DEFAULT_CLUSTER_NAME));
                b.commitLogSync(CommitLogSync.valueOf(p.getProperty("commit_log_sync", CommitLogSync.PERIODIC.name())));
                b.unsafeSystem(Boolean.parseBoolean(p.getProperty("unsafe_system", "false")));
            });
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read " + b.dataDir.resolve(CassandraFiles.PROPERTIES_FILE), e);
        }
        return b;
    }

    /**
     * Writes the config, launches the JVM and blocks until CQL answers (see {@link CqlProbe}).
     * Works again after {@link #stop()} or {@link #kill()}, on the same data and ports.
     *
     * @return this
     * @throws IllegalStateException if already running, a port is taken, or Cassandra dies or is not
     *                               ready within the start timeout (the message has the log tails)
     */
    public synchronized LocalCassandra start() {
        Optional<ProcessHandle> running = runningProcess();
        if (running.isPresent()) {
            throw new IllegalStateException("Cassandra in " + dataDir() + " is already running (pid " + running.get().pid() + ")");
        }
        checkPortsFree();
        long systemLogOffset = Processes.sizeOf(files.systemLog());
        long stdoutOffset = Processes.sizeOf(files.stdoutLog());
        long startedAt = System.nanoTime();
        try {
            files.write(this);
            List<String> command = CassandraJvm.command(this, files,
                    detached ? OptionalLong.empty() : OptionalLong.of(ProcessHandle.current().pid()), detached);
            child = new ProcessBuilder(command)
                    .directory(files.dir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(files.stdoutLog().toFile()))
                    .start();
            files.writePid(child.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot launch Cassandra in " + dataDir(), e);
        }
        awaitReady(startedAt, systemLogOffset, stdoutOffset);
        lastStartDuration = Duration.ofNanos(System.nanoTime() - startedAt);
        return this;
    }

    private void awaitReady(long startedAt, long systemLogOffset, long stdoutOffset) {
        long deadline = startedAt + startTimeout.toNanos();
        InetSocketAddress address = contactPoint();
        while (true) {
            if (!child.isAlive()) {
                files.deletePid();
                throw new IllegalStateException(failure("exited with code " + child.exitValue() + " before CQL was ready",
                        systemLogOffset, stdoutOffset));
            }
            if (CqlProbe.isReady(address, Duration.ofSeconds(5))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                Processes.kill(child.toHandle());
                files.deletePid();
                throw new IllegalStateException(failure("was not ready after " + startTimeout.toSeconds()
                        + " s and was killed", systemLogOffset, stdoutOffset));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Processes.kill(child.toHandle());
                files.deletePid();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting Cassandra in " + dataDir(), e);
            }
        }
    }

    private String failure(String what, long systemLogOffset, long stdoutOffset) {
        return "Cassandra (pid " + child.pid() + ", CQL port " + nativePort + ", data " + dataDir() + ") " + what
                + "\n--- tail of " + files.systemLog() + " ---\n" + Processes.tail(files.systemLog(), systemLogOffset, 40)
                + "\n--- tail of " + files.stdoutLog() + " ---\n" + Processes.tail(files.stdoutLog(), stdoutOffset, 20);
    }

    /** Fails fast with a clear message instead of a bind error buried in Cassandra's log. */
    private void checkPortsFree() {
        checkPortFree(nativePort, "CQL native");
        checkPortFree(storagePort, "storage");
        checkPortFree(jmxPort, "JMX");
    }

    private static void checkPortFree(int port, String name) {
        if (!FreePorts.isBindableOnLoopback(port)) {
            throw new IllegalStateException("The " + name + " port " + port + " on 127.0.0.1 is already in use");
        }
    }

    /**
     * Graceful stop: SIGTERM (Cassandra drains and flushes), up to {@link #STOP_GRACE}, then SIGKILL.
     * Also stops a node of this directory started by another JVM (found through its pid file).
     * Does nothing if it is not running.
     */
    public synchronized void stop() {
        runningProcess().ifPresent(p -> Processes.terminate(p, STOP_GRACE));
        files.deletePid();
    }

    /** SIGKILL, at once, like a crash; the next {@link #start()} replays the commit log. */
    public synchronized void kill() {
        runningProcess().ifPresent(Processes::kill);
        files.deletePid();
    }

    /** {@link #stop()} if running, then {@link #start()}. */
    public synchronized LocalCassandra restart() {
        stop();
        return start();
    }

    /** Same as {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return runningProcess().isPresent();
    }

    /**
     * Pid of the running Cassandra JVM, else of the one this object started last (to check it is
     * gone after {@link #kill()}).
     *
     * @throws IllegalStateException if it was never started and is not running
     */
    public synchronized long pid() {
        return runningProcess().map(ProcessHandle::pid).or(() -> Optional.ofNullable(child).map(Process::pid))
                .orElseThrow(() -> new IllegalStateException("Cassandra in " + dataDir() + " was never started"));
    }

    /** Resident memory of the running JVM (Linux /proc), for measurements. */
    public synchronized OptionalLong residentMemoryBytes() {
        return runningProcess().map(p -> Processes.residentBytes(p.pid())).orElse(OptionalLong.empty());
    }

    /** Wall time of the last successful {@link #start()}: launch until CQL answered. */
    public synchronized Optional<Duration> lastStartDuration() {
        return Optional.ofNullable(lastStartDuration);
    }

    /**
     * Our own child if alive, else the live Cassandra named in this directory's pid file (a node
     * started by another JVM, e.g. the CLI), verified by its command line.
     */
    private Optional<ProcessHandle> runningProcess() {
        if (child != null && child.isAlive()) {
            return Optional.of(child.toHandle());
        }
        return files.readPid().flatMap(pid -> Processes.cassandraOf(pid, files));
    }

    public InetSocketAddress contactPoint() {
        return new InetSocketAddress("127.0.0.1", nativePort);
    }

    public String localDatacenter() {
        return DATACENTER;
    }

    public CassandraEndpoint endpoint() {
        return new CassandraEndpoint(contactPoint(), localDatacenter());
    }

    public Path dataDir() {
        return files.dir();
    }

    /** Cassandra's own log (INFO and up); start failures quote its tail. */
    public Path systemLog() {
        return files.systemLog();
    }

    public int nativePort() {
        return nativePort;
    }

    public int storagePort() {
        return storagePort;
    }

    /** Local-only JMX (for nodetool); the RMI server uses the same port. */
    public int jmxPort() {
        return jmxPort;
    }

    public String heap() {
        return heap;
    }

    public String clusterName() {
        return clusterName;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    public boolean detached() {
        return detached;
    }

    public boolean unsafeSystem() {
        return unsafeSystem;
    }

    public CommitLogSync commitLogSync() {
        return commitLogSync;
    }

    @Override
    public String toString() {
        return "LocalCassandra[" + contactPoint().getHostString() + ":" + nativePort + ", storage " + storagePort
                + ", jmx " + jmxPort + ", heap " + heap + ", dir " + dataDir() + "]";
    }

    /** Command line entry point; see {@link LocalCassandraCli}. */
    public static void main(String[] args) {
        System.exit(new LocalCassandraCli(System.out, System.err).run(args));
    }

    /** Settings of a {@link LocalCassandra}; ports left at 0 are picked free when {@link #build()} runs. */
    public static final class Builder {
        private final Path dataDir;
        private int nativePort;
        private int storagePort;
        private int jmxPort;
        private String heap = DEFAULT_HEAP;
        private String clusterName = DEFAULT_CLUSTER_NAME;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private boolean detached;
        private boolean unsafeSystem;
        private CommitLogSync commitLogSync = CommitLogSync.BATCH;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        }

        public Builder nativePort(int port) {
            this.nativePort = checkPort(port);
            return this;
        }

        public Builder storagePort(int port) {
            this.storagePort = checkPort(port);
            return this;
        }

        /** JMX and its RMI server, both on this one port. */
        public Builder jmxPort(int port) {
            this.jmxPort = checkPort(port);
            return this;
        }

        /** -Xms and -Xmx, JVM syntax ({@code 384m}, {@code 1g}). */
        public Builder heap(String heap) {
            if (!HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("Heap size must look like 384m or 1g, got '" + heap + "'");
            }
            this.heap = heap;
            return this;
        }

        /** Must stay the same across restarts on one data directory (Cassandra checks it). */
        public Builder clusterName(String clusterName) {
            if (clusterName == null || clusterName.isBlank()) {
                throw new IllegalArgumentException("Cluster name must not be blank");
            }
            this.clusterName = clusterName;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("Start timeout must be positive");
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Detached: the Cassandra JVM gets its own session and outlives this JVM (for the CLI and
         * scripts). Not detached (the default, for tests): it halts itself when this JVM is gone.
         */
        public Builder detached(boolean detached) {
            this.detached = detached;
            return this;
        }

        /**
         * {@code -Dcassandra.unsafesystem=true}: schema changes skip the flush of the schema tables
         * and are faster, but a {@link LocalCassandra#kill()} then loses every keyspace and table
         * created since the start, and with them the rows written to them (Cassandra loads the
         * schema before replaying the commit log). Default false; fine for a node that is only ever
         * stopped gracefully or thrown away, like {@link SharedCassandra}'s. Measured here: a fresh
         * start 3.5-8 s instead of 9-13 s, a keyspace plus 5 tables 0.4 s instead of 2.7-3.4 s.
         */
        public Builder unsafeSystem(boolean unsafeSystem) {
            this.unsafeSystem = unsafeSystem;
            return this;
        }

        /**
         * Default BATCH: a node built here is mostly for tests that {@link LocalCassandra#kill()} it
         * and check what survived, and with BATCH every acknowledged write does, deterministically.
         * Choose PERIODIC (production's setting) for speed when no test depends on that.
         */
        public Builder commitLogSync(CommitLogSync commitLogSync) {
            this.commitLogSync = Objects.requireNonNull(commitLogSync, "commitLogSync");
            return this;
        }

        public LocalCassandra build() {
            if (nativePort == 0) {
                nativePort = FreePorts.pick();
            }
            if (storagePort == 0) {
                storagePort = FreePorts.pick();
            }
            if (jmxPort == 0) {
                jmxPort = FreePorts.pick();
            }
            if (nativePort == storagePort || nativePort == jmxPort || storagePort == jmxPort) {
                throw new IllegalArgumentException("Native, storage and JMX ports must differ: "
                        + nativePort + ", " + storagePort + ", " + jmxPort);
            }
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + dataDir, e);
            }
            return new LocalCassandra(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port out of range: " + port);
            }
            return port;
        }
    }
}
