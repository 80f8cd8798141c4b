package io.switchboard.launcher.it.cluster;

import io.switchboard.cassandra.CassandraEndpoint;
import io.switchboard.cassandra.FreePorts;
import io.switchboard.cassandra.SharedCassandra;
import io.switchboard.connector.tls.TlsMaterial;
import io.switchboard.launcher.cluster.ClusterLayout;
import io.switchboard.launcher.cluster.NodeProcess;
import io.switchboard.launcher.cluster.NodeSpec;
import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;

import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Switchboard cluster of separate JVMs started by the test ({@code io.switchboard.launcher.Main
 * start} with {@code SWITCHBOARD_*} settings, the test class path, {@code java} of this JVM), one
 * process per node, on free loopback ports, sharing the test run's Cassandra ({@link SharedCassandra},
 * a keyspace of its own) and one TLS certificate. Each node runs under the fixture's
 * {@code ParentWatchdog}, so a test JVM killed hard takes its nodes with it.
 *
 * <p>Nodes can be stopped cleanly ({@link #stop}, SIGTERM), crashed ({@link #kill}, SIGKILL) or
 * frozen and thawed ({@link #freeze}, {@link #thaw}: SIGSTOP, SIGCONT).
 */
public final class ProcessCluster implements AutoCloseable {
    /** Small heaps: five of these and a Cassandra share a 2-core CI machine. */
    static final String HEAP = "256m";
    static final Duration FORM_TIMEOUT = Duration.ofSeconds(150);
    /** C1 only and the serial collector: faster start-up, fewer threads on 2 cores; the tests are light. */
    static final List<String> TEST_JVM_ARGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:CICompilerCount=1");

    private final Path baseDir;
    private final Map<String, NodeProcess> nodes;
    private final NodeSpec.Shared shared;
    private final NodeProcess.Launch launch;
    /** Node ids stopped with SIGSTOP: their management port accepts connections but never answers. */
    private final Set<String> frozen = ConcurrentHashMap.newKeySet();

    private ProcessCluster(Path baseDir, Map<String, NodeProcess> nodes, NodeSpec.Shared shared,
                           NodeProcess.Launch launch) {
        this.baseDir = baseDir;
        this.nodes = new LinkedHashMap<>(nodes);
        this.shared = shared;
        this.launch = launch;
    }

    /** Starts {@code connectors} + {@code routers} + {@code presence} processes and waits until they form one cluster. */
    public static ProcessCluster start(int connectors, int routers, int presence) {
        return start(connectors, routers, presence, Map.of());
    }

    /**
     * Like {@link #start(int, int, int)}, with extra settings for every node (e.g.
     * {@code SWITCHBOARD_CLUSTER_FAILURE_DETECTION_TIMEOUT}); they also apply to restarted nodes.
     */
    public static ProcessCluster start(int connectors, int routers, int presence, Map<String, String> settings) {
        CassandraEndpoint cassandra = SharedCassandra.get();
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path baseDir = baseDirectory().resolve("process-cluster-" + id);
        // Below the ephemeral range, so the test run's many outgoing connections cannot take them first.
        ClusterLayout.Ports ports = new ClusterLayout.Ports(i -> FreePorts.pick(), i -> FreePorts.pick(),
                i -> FreePorts.pick(), i -> FreePorts.pick());
        List<NodeSpec> specs = ClusterLayout.plan(baseDir, connectors, routers, presence, ports);
        TlsMaterial.loadOrGenerate(null, null, baseDir, TestServer.DOMAIN);
        NodeSpec.Shared shared = new NodeSpec.Shared(TestServer.DOMAIN, "pc-" + id, ClusterLayout.members(specs),
                ServerTrust.certificatePath(baseDir), baseDir.resolve("tls").resolve(TestServer.DOMAIN + ".key.pem"),
                cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
                cassandra.localDatacenter(), "pc_" + id);

        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("SWITCHBOARD_")); // only what the cluster sets applies
        env.putAll(settings);
        NodeProcess.Launch launch = NodeProcess.Launch.current(HEAP)
                .withExtraJvmArgs(TEST_JVM_ARGS)
                .withMainPrefix(List.of("io.switchboard.cassandra.ParentWatchdog",
                        Long.toString(ProcessHandle.current().pid())))
                .withBaseEnvironment(env);

        Map<String, NodeProcess> started = new LinkedHashMap<>();
        long began = System.nanoTime();
        try {
            for (NodeSpec spec : specs) {
                started.put(spec.nodeId(), NodeProcess.start(spec, shared, launch,
                        baseDir.resolve("logs").resolve(spec.nodeId() + ".log"), null));
            }
            ClusterLayout.awaitFormed(List.copyOf(started.values()), FORM_TIMEOUT, null);
        } catch (RuntimeException | Error e) {
            started.values().forEach(NodeProcess::kill);
            throw e;
        }
        System.out.printf("[process-cluster] %d nodes formed one cluster in %.1f s (%s)%n", specs.size(),
                (System.nanoTime() - began) / 1e9, baseDir);
        return new ProcessCluster(baseDir, started, shared, launch);
    }

    public NodeProcess node(String nodeId) {
        NodeProcess n = nodes.get(nodeId);
        if (n == null) {
            throw new IllegalArgumentException("no node " + nodeId + " in " + nodes.keySet());
        }
        return n;
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<NodeProcess> connectors() {
        return nodes.values().stream().filter(n -> n.spec().isConnector()).toList();
    }

    public List<NodeProcess> withRole(String role) {
        return nodes.values().stream().filter(n -> n.spec().role().equals(role)).toList();
    }

    /** Client port (STARTTLS) of connector {@code i} (0-based). */
    public int c2sPort(int connector) {
        return connectors().get(connector).spec().c2sPort();
    }

    /** Trusts exactly the certificate every connector of this cluster presents. */
    public X509TrustManager trustManager() {
        return ServerTrust.trustManager(baseDir);
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Sum of a metric's samples over every running node, frozen ones left out (e.g. a counter each router keeps for itself). */
    public double sum(String metric, String... labels) {
        double total = 0;
        for (NodeProcess n : nodes.values()) {
            if (isRunning(n)) {
                total += n.metric(metric, labels).orElse(0);
            }
        }
        return total;
    }

    /** SIGTERM: the node shuts down cleanly (connectors send {@code <system-shutdown/>}); SIGKILL after 20 s. */
    public boolean stop(String nodeId) {
        return node(nodeId).terminate(Duration.ofSeconds(20));
    }

    /** SIGKILL: the node crashes; the others notice when Hazelcast drops it. */
    public void kill(String nodeId) {
        node(nodeId).kill();
    }

    /**
     * SIGSTOP: the whole JVM stops, as in a long GC pause or a frozen VM. Its sockets stay open
     * (the kernel still accepts connections and buffers data), but it sends no heartbeat: once the
     * failure-detection timeout passes, the others drop it, exactly as in a network split.
     */
    public void freeze(String nodeId) {
        signal(node(nodeId), "STOP");
        frozen.add(nodeId);
    }

    /** SIGCONT: a frozen node runs on, unaware of what the others decided meanwhile. */
    public void thaw(String nodeId) {
        signal(node(nodeId), "CONT");
        frozen.remove(nodeId);
    }

    private static void signal(NodeProcess node, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes()).strip();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + node + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + node);
        }
    }

    private boolean isRunning(NodeProcess n) {
        return n.isAlive() && !frozen.contains(n.spec().nodeId());
    }

    /**
     * Starts a node that was stopped or killed again, with the same settings (node id, ports, data
     * directory; its log is appended to), and waits until every node sees the whole cluster again.
     */
    public synchronized NodeProcess restart(String nodeId) {
        NodeProcess old = node(nodeId);
        if (old.isAlive()) {
            throw new IllegalStateException(old + " is still running");
        }
        NodeProcess fresh = NodeProcess.start(old.spec(), shared, launch, old.log(), null);
        nodes.put(nodeId, fresh);
        long began = System.nanoTime();
        try {
            // Other nodes may be down on purpose (killed by the test): wait for the live ones.
            ClusterLayout.awaitFormed(nodes().stream().filter(this::isRunning).toList(), FORM_TIMEOUT, null);
        } catch (RuntimeException e) {
            fresh.kill();
            throw e;
        }
        System.out.printf("[process-cluster] %s restarted and the cluster re-formed in %.1f s%n", nodeId,
                (System.nanoTime() - began) / 1e9);
        return fresh;
    }

    /** Waits until every live node (frozen ones left out) counts exactly {@code members} members in the cluster. */
    public void awaitMembers(int members, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<NodeProcess> alive = nodes.values().stream().filter(this::isRunning).toList();
            if (alive.stream().allMatch(n -> n.clusterMembers().orElse(-1) == members)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder seen = new StringBuilder();
                alive.forEach(n -> seen.append(' ').append(n.spec().nodeId()).append('=')
                        .append(n.clusterMembers().orElse(-1)));
                throw new AssertionError("not every live node saw " + members + " members within "
                        + timeout.toSeconds() + " s:" + seen);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /**
     * Stops every node still running: connectors first, then the rest, with SIGTERM (SIGKILL after
     * 10 s). Frozen nodes are thawed first: a stopped process would only act on SIGTERM once
     * continued, and would cost the full grace period.
     */
    @Override
    public void close() {
        for (String nodeId : List.copyOf(frozen)) {
            try {
                if (node(nodeId).isAlive()) {
                    thaw(nodeId);
                }
            } catch (RuntimeException e) {
                System.out.printf("[process-cluster] could not thaw %s (%s); SIGKILL ends it%n", nodeId, e);
            }
            frozen.remove(nodeId);
        }
        terminateAll(connectors());
        terminateAll(nodes.values().stream().filter(n -> !n.spec().isConnector()).toList());
    }

    private static void terminateAll(List<NodeProcess> group) {
        group.stream().filter(NodeProcess::isAlive).forEach(n -> ProcessHandle.of(n.pid()).ifPresent(ProcessHandle::destroy));
        for (NodeProcess n : group) {
            n.terminate(Duration.ofSeconds(10));
        }
    }

    private static Path baseDirectory() {
        String cassandraDir = System.getProperty("sb.cassandra.dir");
        try {
            if (cassandraDir != null && !cassandraDir.isBlank()) {
                Path dir = Path.of(cassandraDir).toAbsolutePath().getParent();
                Files.createDirectories(dir);
                return dir;
            }
            return Files.createTempDirectory("switchboard-pc-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
