package io.switchboard.cassandra;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@code java -cp <fixture jar> io.switchboard.cassandra.LocalCassandra <command> --dir DIR [options]}
 *
 * <ul>
 *   <li>{@code start --dir DIR [--port 9042] [--storage-port N] [--jmx-port N] [--heap 512m]
 *       [--cluster-name NAME] [--timeout SECONDS] [--commitlog-sync periodic|batch]}: starts a
 *       detached node that outlives this command, writes {@code DIR/cassandra.pid}, waits until
 *       CQL answers and prints the contact point ({@code 127.0.0.1:9042}) on stdout. Settings are
 *       remembered in DIR
 *       ({@code fixture.properties}), so a later start on the same DIR reuses them and keeps the
 *       data. The commit log defaults to periodic, as in production.</li>
 *   <li>{@code stop --dir DIR}: SIGTERM, up to 30 s for the drain, then SIGKILL; removes the pid file.
 *       Not running is not an error.</li>
 *   <li>{@code status --dir DIR}: one line about the node.</li>
 * </ul>
 *
 * Exit codes: 0 ok (status: running and answering CQL); 1 failure (port in use, already running,
 * did not become ready, ...); 2 usage error; 3 status: not running; 4 status: process alive but
 * CQL not answering (starting, or hung); 5 status: dead, stale pid file left behind.
 */
final class LocalCassandraCli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_RUNNING = 3;
    static final int NOT_ANSWERING = 4;
    static final int STALE_PID_FILE = 5;

    static final int DEFAULT_CLI_PORT = 9042;
    static final String DEFAULT_CLI_CLUSTER = "switchboard-dev";

    private static final Set<String> OPTIONS = Set.of(
            "--dir", "--port", "--storage-port", "--jmx-port", "--heap", "--cluster-name", "--timeout", "--commitlog-sync");

    private final PrintStream out;
    private final PrintStream err;

    LocalCassandraCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage();
            return args.length == 0 ? USAGE : OK;
        }
        Map<String, String> options;
        try {
            options = parseOptions(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            usage();
            return USAGE;
        }
        if (!options.containsKey("--dir")) {
            err.println("error: --dir DIR is required");
            usage();
            return USAGE;
        }
        Path dir = Path.of(options.get("--dir")).toAbsolutePath().normalize();
        try {
            switch (args[0]) {
                case "start":
                    return start(dir, options);
                case "stop":
                    return stop(dir);
                case "status":
                    return status(dir);
                default:
                    err.println("error: unknown command '" + args[0] + "'");
                    usage();
                    return USAGE;
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    private int start(Path dir, Map<String, String> options) {
        LocalCassandra.Builder builder = LocalCassandra.inDirectory(dir).detached(true);
        boolean firstStart = !Files.exists(dir.resolve(CassandraFiles.PROPERTIES_FILE));
        if (firstStart) {
            // A dev node is found on the well-known CQL port; storage and JMX ports are picked free.
            // Periodic commit log like production: a dev cluster is for running the server, load included.
            builder.nativePort(DEFAULT_CLI_PORT).clusterName(DEFAULT_CLI_CLUSTER)
                    .commitLogSync(LocalCassandra.CommitLogSync.PERIODIC);
        }
        intOption(options, "--port").ifPresent(builder::nativePort);
        intOption(options, "--storage-port").ifPresent(builder::storagePort);
        intOption(options, "--jmx-port").ifPresent(builder::jmxPort);
        Optional.ofNullable(options.get("--heap")).ifPresent(builder::heap);
        Optional.ofNullable(options.get("--cluster-name")).ifPresent(builder::clusterName);
        intOption(options, "--timeout").map(Duration::ofSeconds).ifPresent(builder::startTimeout);
        Optional.ofNullable(options.get("--commitlog-sync")).map(LocalCassandraCli::commitLogSync).ifPresent(builder::commitLogSync);

        LocalCassandra cassandra = builder.build();
        err.println("Starting Cassandra in " + dir + " (CQL port " + cassandra.nativePort() + ", heap "
                + cassandra.heap() + ", logs in " + cassandra.systemLog().getParent() + ") ...");
        cassandra.start();
        err.printf("Cassandra is ready: pid %d, datacenter %s, ready in %.1f s%n", cassandra.pid(),
                cassandra.localDatacenter(), cassandra.lastStartDuration().orElseThrow().toMillis() / 1000.0);
        InetSocketAddress contact = cassandra.contactPoint();
        out.println(contact.getHostString() + ":" + contact.getPort());
        return OK;
    }

    private int stop(Path dir) {
        CassandraFiles files = new CassandraFiles(dir);
        Optional<Long> pid = files.readPid();
        if (pid.isEmpty()) {
            err.println("Cassandra in " + dir + " is not running (no " + CassandraFiles.PID_FILE + ")");
            return OK;
        }
        Optional<ProcessHandle> process = Processes.cassandraOf(pid.get(), files);
        if (process.isEmpty()) {
            files.deletePid();
            err.println("Cassandra in " + dir + " is not running (removed stale pid file, pid " + pid.get() + ")");
            return OK;
        }
        long began = System.nanoTime();
        boolean graceful = Processes.terminate(process.get(), LocalCassandra.STOP_GRACE);
        files.deletePid();
        err.printf("Stopped Cassandra pid %d %s in %.1f s%n", pid.get(),
                graceful ? "(SIGTERM)" : "(SIGKILL after " + LocalCassandra.STOP_GRACE.toSeconds() + " s)",
                (System.nanoTime() - began) / 1e9);
        return OK;
    }

    private int status(Path dir) {
        CassandraFiles files = new CassandraFiles(dir);
        Optional<Long> pid = files.readPid();
        if (pid.isEmpty()) {
            out.println("not running (no " + CassandraFiles.PID_FILE + " in " + dir + ")");
            return NOT_RUNNING;
        }
        if (Processes.cassandraOf(pid.get(), files).isEmpty()) {
            out.println("not running (stale pid file: pid " + pid.get() + " is gone)");
            return STALE_PID_FILE;
        }
        int port = savedNativePort(files);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        if (CqlProbe.isReady(address, Duration.ofSeconds(5))) {
            out.println("running: pid " + pid.get() + ", CQL at 127.0.0.1:" + port + ", datacenter " + LocalCassandra.DATACENTER);
            return OK;
        }
        out.println("process alive (pid " + pid.get() + ") but CQL at 127.0.0.1:" + port + " does not answer");
        return NOT_ANSWERING;
    }

    private static int savedNativePort(CassandraFiles files) {
        try {
            return files.readProperties()
                    .map(p -> Integer.parseInt(p.getProperty("native_port", "0")))
                    .orElse(DEFAULT_CLI_PORT);
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_CLI_PORT;
        }
    }

    private static LocalCassandra.CommitLogSync commitLogSync(String value) {
        try {
            return LocalCassandra.CommitLogSync.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--commitlog-sync must be periodic or batch, got '" + value + "'");
        }
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            if (!OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            options.put(name, value);
        }
        return options;
    }

    private static Optional<Integer> intOption(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }

    private void usage() {
        err.println("""
                usage: java -cp <switchboard-cassandra-fixture jar> io.switchboard.cassandra.LocalCassandra <command> --dir DIR [options]
                  start   --dir DIR [--port 9042] [--storage-port N] [--jmx-port N] [--heap 384m]
                          [--cluster-name NAME] [--timeout 120] [--commitlog-sync periodic|batch]
                          start a detached Cassandra, wait until CQL answers, print host:port
                  stop    --dir DIR    SIGTERM, wait up to 30 s, then SIGKILL
                  status  --dir DIR    exit 0 running, 3 not running, 4 not answering CQL, 5 stale pid file
                Needs a JDK 17 (SWITCHBOARD_CASSANDRA_JAVA, JAVA_HOME, or the running java).""");
    }
}
