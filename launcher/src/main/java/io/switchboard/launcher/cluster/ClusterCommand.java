package io.switchboard.launcher.cluster;

import io.switchboard.connector.tls.TlsMaterial;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.Set;

/**
 * {@code switchboard cluster up|down|status}: a whole cluster on this machine, one process per
 * role instance, on loopback: a local Cassandra (the {@code cassandra-fixture}), connectors
 * (client ports 5222, 6222, ...), routers and presence services, all on Cassandra storage.
 *
 * <p>State lives in one directory ({@code data/cluster} from {@code bin/switchboard}):
 * {@code cluster.nodes} (one line per node: id, role, ports, data dir), {@code run/<node>.pid},
 * {@code logs/<node>.log}, {@code nodes/<node>/} (data dirs), {@code tls/} (the one certificate
 * every connector presents) and {@code cassandra/}.
 */
public final class ClusterCommand {
    public static final String DOMAIN = "localhost";
    static final String CLUSTER_NAME = "switchboard-local";
    static final String KEYSPACE = "switchboard";
    static final String NODES_FILE = "cluster.nodes";
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private static final Set<String> UP_OPTIONS = Set.of("--dir", "--connectors", "--routers", "--presence", "--heap",
            "--cassandra-port", "--timeout");

    private final PrintStream out;
    private final PrintStream err;

    public ClusterCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public int run(List<String> args) {
        if (args.isEmpty()) {
            usage(err);
            return 2;
        }
        String sub = args.get(0);
        Map<String, String> options;
        try {
            options = options(args.subList(1, args.size()), sub.equals("up") ? UP_OPTIONS : Set.of("--dir"));
        } catch (IllegalArgumentException e) {
            err.println("switchboard cluster: " + e.getMessage());
            usage(err);
            return 2;
        }
        Path dir = Path.of(options.getOrDefault("--dir", "data/cluster")).toAbsolutePath().normalize();
        try {
            return switch (sub) {
                case "up" -> up(dir, options);
                case "down" -> down(dir);
                case "status" -> status(dir);
                default -> {
                    err.println("switchboard cluster: unknown command '" + sub + "'");
                    usage(err);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("switchboard cluster: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("switchboard cluster " + sub + " failed: " + e.getMessage());
            return 1;
        }
    }

    // ---- up ---------------------------------------------------------------------------------------

    private int up(Path dir, Map<String, String> options) {
        int connectors = intOption(options, "--connectors", 2);
        int routers = intOption(options, "--routers", 2);
        int presence = intOption(options, "--presence", 1);
        String heap = options.getOrDefault("--heap", "512m");
        int timeout = intOption(options, "--timeout", 180);

        List<NodeSpec> existing = readNodes(dir);
        if (!existing.isEmpty()) {
            List<NodeProcess> alive = alive(dir, existing);
            if (alive.size() == existing.size()) {
                out.println("The local cluster in " + dir + " is already up.");
                printHowToConnect(existing, dir);
                return 0;
            }
            if (!alive.isEmpty()) {
                err.println("The local cluster in " + dir + " is partly up (" + alive.size() + " of " + existing.size()
                        + " nodes running). Run `switchboard cluster down` first.");
                return 1;
            }
            deleteState(dir); // every node is gone: stale state of a crashed or rebooted cluster
        }

        List<NodeSpec> nodes = ClusterLayout.plan(dir.resolve("nodes"), connectors, routers, presence,
                ClusterLayout.Ports.standard());
        checkPortsFree(nodes);
        long began = System.nanoTime();

        String cassandra = startCassandra(dir, options);
        TlsMaterial.loadOrGenerate(null, null, dir, DOMAIN); // one certificate for every connector
        NodeSpec.Shared shared = new NodeSpec.Shared(DOMAIN, CLUSTER_NAME, ClusterLayout.members(nodes),
                certificate(dir), privateKey(dir), cassandra, "datacenter1", KEYSPACE);

        writeNodes(dir, nodes);
        NodeProcess.Launch launch = NodeProcess.Launch.current(heap).detached(true);
        List<NodeProcess> started = new ArrayList<>();
        try {
            Files.createDirectories(dir.resolve("run"));
            for (NodeSpec node : nodes) {
                NodeProcess p = NodeProcess.start(node, shared, launch, log(dir, node), pidFile(dir, node));
                started.add(p);
                err.println("started " + p + ", log " + p.log());
            }
            err.print("waiting for " + nodes.size() + " nodes to be ready and form one cluster ");
            ClusterLayout.awaitFormed(started, Duration.ofSeconds(timeout), new Dots(err));
            err.println();
        } catch (IOException | RuntimeException e) {
            err.println();
            err.println("The cluster did not come up: " + e.getMessage());
            err.println("Stopping the nodes that were started (Cassandra keeps running; `switchboard cluster down`"
                    + " stops it) ...");
            stopNodes(dir, nodes);
            return 1;
        }
        out.printf("Local cluster up in %.1f s: %d connector(s), %d router(s), %d presence service(s), Cassandra at %s%n",
                (System.nanoTime() - began) / 1e9, connectors, routers, presence, cassandra);
        printHowToConnect(nodes, dir);
        return 0;
    }

    private void printHowToConnect(List<NodeSpec> nodes, Path dir) {
        out.println();
        out.printf("  %-12s %-9s %7s %7s %10s %6s %6s %9s %s%n", "node", "role", "pid", "c2s", "direct-tls", "http",
                "https", "metrics", "hazelcast");
        for (NodeSpec n : nodes) {
            String pid = readPid(pidFile(dir, n)).map(Object::toString).orElse("-");
            out.printf("  %-12s %-9s %7s %7s %10s %6s %6s %9d %d%n", n.nodeId(), n.role(), pid,
                    n.isConnector() ? Integer.toString(n.c2sPort()) : "-",
                    n.isConnector() ? Integer.toString(n.directTlsPort()) : "-",
                    n.isConnector() && n.httpPort() > 0 ? Integer.toString(n.httpPort()) : "-",
                    n.isConnector() && n.httpsPort() > 0 ? Integer.toString(n.httpsPort()) : "-",
                    n.metricsPort(), n.clusterPort());
        }
        List<NodeSpec> connectors = nodes.stream().filter(NodeSpec::isConnector).toList();
        out.println();
        out.println("Connect an XMPP client to 127.0.0.1 on port "
                + String.join(" or ", connectors.stream().map(c -> Integer.toString(c.c2sPort())).toList())
                + " (STARTTLS), domain " + DOMAIN + ".");
        List<String> webSockets = connectors.stream().filter(c -> c.httpsPort() > 0)
                .map(c -> "wss://" + DOMAIN + ":" + c.httpsPort() + "/xmpp-websocket").toList();
        if (!webSockets.isEmpty()) {
            out.println("Web clients (XMPP over WebSocket, RFC 7395): " + String.join(" or ", webSockets)
                    + " (ws:// on the http ports).");
        }
        out.println("Accounts: register in-band from the client (XEP-0077), e.g. alice@" + DOMAIN
                + ", or `bin/switchboard user add alice` with SWITCHBOARD_STORAGE_TYPE=cassandra.");
        out.println("Every connector presents the same self-signed certificate: " + certificate(dir));
        out.println("Logs: " + dir.resolve("logs") + "    Stop everything: bin/switchboard cluster down");
    }

    private String startCassandra(Path dir, Map<String, String> options) {
        Path cassandraDir = dir.resolve("cassandra");
        if (cassandraCli("status", cassandraDir, List.of(), true) == 0) {
            err.println("Cassandra in " + cassandraDir + " is already running");
        } else {
            List<String> extra = new ArrayList<>(List.of("--cluster-name", CLUSTER_NAME));
            if (options.containsKey("--cassandra-port")) {
                extra.addAll(List.of("--port", options.get("--cassandra-port")));
            }
            if (cassandraCli("start", cassandraDir, extra, false) != 0) {
                throw new IllegalStateException("the local Cassandra did not start (its log: "
                        + cassandraDir.resolve("logs") + ")");
            }
        }
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(cassandraDir.resolve("fixture.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Cassandra settings in " + cassandraDir, e);
        }
        return "127.0.0.1:" + p.getProperty("native_port");
    }

    /** Runs the fixture's own CLI ({@code LocalCassandra start|stop|status}) in a JVM of its own. */
    private int cassandraCli(String command, Path cassandraDir, List<String> extra, boolean quiet) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), "io.switchboard.cassandra.LocalCassandra",
                command, "--dir", cassandraDir.toString()));
        cmd.addAll(extra);
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (quiet) {
                builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            } else {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT);
            }
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static void checkPortsFree(List<NodeSpec> nodes) {
        List<String> taken = new ArrayList<>();
        for (NodeSpec n : nodes) {
            List<Integer> ports = new ArrayList<>(List.of(n.clusterPort(), n.metricsPort()));
            if (n.isConnector()) {
                ports.add(n.c2sPort());
                ports.add(n.directTlsPort());
                if (n.httpPort() > 0) {
                    ports.add(n.httpPort());
                }
                if (n.httpsPort() > 0) {
                    ports.add(n.httpsPort());
                }
            }
            for (int port : ports) {
                if (!bindable(port)) {
                    taken.add(port + " (" + n.nodeId() + ")");
                }
            }
        }
        if (!taken.isEmpty()) {
            throw new IllegalStateException("port(s) already in use on 127.0.0.1: " + String.join(", ", taken)
                    + ". Is a single-node `switchboard start` or another cluster running?");
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---- down -------------------------------------------------------------------------------------

    private int down(Path dir) {
        List<NodeSpec> nodes = readNodes(dir);
        if (nodes.isEmpty()) {
            err.println("No cluster nodes recorded in " + dir);
        } else {
            stopNodes(dir, nodes);
        }
        if (Files.isDirectory(dir.resolve("cassandra"))) {
            cassandraCli("stop", dir.resolve("cassandra"), List.of(), false);
        }
        deleteState(dir);
        out.println("Local cluster in " + dir + " is down.");
        return 0;
    }

    /** Connectors first (their clients get a clean {@code <system-shutdown/>} while routers still run), then the rest. */
    private void stopNodes(Path dir, List<NodeSpec> nodes) {
        stopGroup(dir, nodes.stream().filter(NodeSpec::isConnector).toList());
        stopGroup(dir, nodes.stream().filter(n -> !n.isConnector()).toList());
    }

    private void stopGroup(Path dir, List<NodeSpec> group) {
        List<NodeProcess> running = alive(dir, group);
        long began = System.nanoTime();
        running.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy)); // SIGTERM all at once
        for (NodeProcess p : running) {
            boolean clean = p.terminate(STOP_GRACE);
            err.printf("stopped %s %s after %.1f s%n", p, clean ? "(SIGTERM)" : "(SIGKILL after " + STOP_GRACE.toSeconds()
                    + " s)", (System.nanoTime() - began) / 1e9);
        }
        for (NodeSpec n : group) {
            try {
                Files.deleteIfExists(pidFile(dir, n));
            } catch (IOException e) {
                // left behind; find() ignores pid files of dead processes
            }
        }
    }

    // ---- status -----------------------------------------------------------------------------------

    private int status(Path dir) {
        List<NodeSpec> nodes = readNodes(dir);
        boolean cassandraUp = Files.isDirectory(dir.resolve("cassandra"))
                && cassandraCli("status", dir.resolve("cassandra"), List.of(), true) == 0;
        if (nodes.isEmpty()) {
            out.println("No local cluster in " + dir + (cassandraUp ? " (its Cassandra is running)" : ""));
            return 3;
        }
        int ok = 0;
        out.printf("%-12s %-9s %7s %-8s %7s %s%n", "node", "role", "pid", "state", "members", "ports (c2s/metrics)");
        for (NodeSpec n : nodes) {
            Optional<NodeProcess> p = NodeProcess.find(n, pidFile(dir, n), log(dir, n));
            String state = p.isEmpty() ? "down" : p.get().healthy() ? "ready" : "starting";
            OptionalDouble members = p.isPresent() ? p.get().clusterMembers() : OptionalDouble.empty();
            if (state.equals("ready") && members.isPresent() && members.getAsDouble() == nodes.size()) {
                ok++;
            }
            out.printf("%-12s %-9s %7s %-8s %7s %s%n", n.nodeId(), n.role(),
                    p.map(x -> Long.toString(x.pid())).orElse("-"), state,
                    members.isPresent() ? Long.toString((long) members.getAsDouble()) : "-",
                    (n.isConnector() ? n.c2sPort() + "/" : "-/") + n.metricsPort());
        }
        out.println("cassandra: " + (cassandraUp ? "running" : "not running"));
        out.println(ok == nodes.size() && cassandraUp ? "cluster: up (" + ok + " nodes)"
                : "cluster: NOT fully up (" + ok + " of " + nodes.size() + " nodes ready)");
        return ok == nodes.size() && cassandraUp ? 0 : 1;
    }

    // ---- state files ------------------------------------------------------------------------------

    static Path certificate(Path dir) {
        return dir.resolve("tls").resolve(DOMAIN + ".crt.pem");
    }

    static Path privateKey(Path dir) {
        return dir.resolve("tls").resolve(DOMAIN + ".key.pem");
    }

    private static Path log(Path dir, NodeSpec node) {
        return dir.resolve("logs").resolve(node.nodeId() + ".log");
    }

    private static Path pidFile(Path dir, NodeSpec node) {
        return dir.resolve("run").resolve(node.nodeId() + ".pid");
    }

    private static List<NodeProcess> alive(Path dir, List<NodeSpec> nodes) {
        List<NodeProcess> alive = new ArrayList<>();
        for (NodeSpec n : nodes) {
            NodeProcess.find(n, pidFile(dir, n), log(dir, n)).ifPresent(alive::add);
        }
        return alive;
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<NodeSpec> readNodes(Path dir) {
        Path file = dir.resolve(NODES_FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(NodeSpec::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeNodes(Path dir, List<NodeSpec> nodes) {
        StringBuilder sb = new StringBuilder("# node-id role hazelcast-port metrics-port c2s-port direct-tls-port data-dir\n");
        nodes.forEach(n -> sb.append(n.toLine()).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(NODES_FILE), sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteState(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(NODES_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- options ----------------------------------------------------------------------------------

    private static Map<String, String> options(List<String> args, Set<String> allowed) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            options.put(name, value);
        }
        return options;
    }

    private static int intOption(Map<String, String> options, String name, int def) {
        String v = options.get(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1 || n > 50) {
                throw new IllegalArgumentException(name + " must be between 1 and 50, got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }

    public static void usage(PrintStream out) {
        out.println("""
                usage: switchboard cluster up [--connectors 2] [--routers 2] [--presence 1] [--heap 512m]
                                              [--cassandra-port 9042] [--timeout 180] [--dir data/cluster]
                       switchboard cluster down   [--dir data/cluster]
                       switchboard cluster status [--dir data/cluster]
                  up      starts a local Cassandra and one process per node on 127.0.0.1, waits until they
                          form one cluster, prints the ports
                  down    stops every node (SIGTERM, SIGKILL after 20 s), then Cassandra
                  status  one line per node; exit 0 when everything is up""");
    }

    /** Prints a dot every few seconds while waiting. */
    private static final class Dots implements Runnable {
        private final PrintStream err;
        private long last = System.nanoTime();

        Dots(PrintStream err) {
            this.err = err;
        }

        @Override
        public void run() {
            if (System.nanoTime() - last > 2_000_000_000L) {
                err.print('.');
                err.flush();
                last = System.nanoTime();
            }
        }
    }
}
