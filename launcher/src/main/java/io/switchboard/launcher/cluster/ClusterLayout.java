package io.switchboard.launcher.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;

/**
 * The processes of a local multi-process cluster: {@code connector-1..N}, {@code router-1..M},
 * {@code presence-1..P}, each with its own node id, Hazelcast port, metrics port and data
 * directory, and the wait until they form one cluster.
 */
public final class ClusterLayout {

    private ClusterLayout() {
    }

    /**
     * Port numbering. Each function maps a 0-based index to a port: {@code cluster} and
     * {@code metrics} over every node, {@code c2s}, {@code directTls}, {@code http} and
     * {@code https} over the connectors (0: that listener is off).
     */
    public record Ports(IntUnaryOperator cluster, IntUnaryOperator metrics, IntUnaryOperator c2s,
                        IntUnaryOperator directTls, IntUnaryOperator http, IntUnaryOperator https) {
        /** Without HTTP listeners (no WebSocket, no discovery). */
        public Ports(IntUnaryOperator cluster, IntUnaryOperator metrics, IntUnaryOperator c2s,
                     IntUnaryOperator directTls) {
            this(cluster, metrics, c2s, directTls, i -> 0, i -> 0);
        }

        /**
         * The fixed numbering of {@code switchboard cluster up}: connectors listen on 5222, 6222,
         * 7222, ... (direct TLS 5223, 6223, ...; WebSocket on HTTP 5280, 6280, ... and HTTPS 5443,
         * 6443, ...), Hazelcast on 5701 + i, metrics on 9464 + i.
         */
        public static Ports standard() {
            return new Ports(i -> 5701 + i, i -> 9464 + i, i -> 5222 + 1000 * i, i -> 5223 + 1000 * i,
                    i -> 5280 + 1000 * i, i -> 5443 + 1000 * i);
        }
    }

    /** Node specs in start order: connectors, routers, presence services. Data dirs are {@code baseDir/<node id>}. */
    public static List<NodeSpec> plan(Path baseDir, int connectors, int routers, int presence, Ports ports) {
        if (connectors < 1 || routers < 1 || presence < 1) {
            throw new IllegalArgumentException("a cluster needs at least one connector, one router and one presence"
                    + " service (got " + connectors + "/" + routers + "/" + presence + ")");
        }
        List<NodeSpec> nodes = new ArrayList<>();
        int index = 0;
        for (int c = 0; c < connectors; c++, index++) {
            nodes.add(new NodeSpec("connector-" + (c + 1), "connector", baseDir.resolve("connector-" + (c + 1)),
                    ports.cluster().applyAsInt(index), ports.metrics().applyAsInt(index), ports.c2s().applyAsInt(c),
                    ports.directTls().applyAsInt(c), ports.http().applyAsInt(c), ports.https().applyAsInt(c)));
        }
        for (int r = 0; r < routers; r++, index++) {
            nodes.add(node("router-" + (r + 1), "router", baseDir, ports, index));
        }
        for (int p = 0; p < presence; p++, index++) {
            nodes.add(node("presence-" + (p + 1), "presence", baseDir, ports, index));
        }
        return nodes;
    }

    private static NodeSpec node(String id, String role, Path baseDir, Ports ports, int index) {
        return new NodeSpec(id, role, baseDir.resolve(id), ports.cluster().applyAsInt(index),
                ports.metrics().applyAsInt(index), 0, 0, 0, 0);
    }

    /** The Hazelcast TCP-IP member list naming every node. */
    public static String members(List<NodeSpec> nodes) {
        return nodes.stream().map(n -> "127.0.0.1:" + n.clusterPort()).collect(Collectors.joining(","));
    }

    /** A node died or the cluster did not form in time; the message carries the log tails. */
    public static final class NotFormedException extends RuntimeException {
        NotFormedException(String message) {
            super(message);
        }
    }

    /**
     * Waits until every node answers {@code /health} with 200 and sees all of them in its
     * {@code xmpp_cluster_members} gauge.
     *
     * @throws NotFormedException when a node exits or the timeout passes, with the log tails of
     *                            the dead (or, on timeout, the not-ready) nodes
     */
    public static void awaitFormed(List<NodeProcess> nodes, Duration timeout, Runnable onProgress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int expected = nodes.size();
        while (true) {
            List<NodeProcess> dead = nodes.stream().filter(n -> !n.isAlive()).toList();
            if (!dead.isEmpty()) {
                throw new NotFormedException("node(s) exited during start-up: "
                        + dead.stream().map(NodeProcess::toString).collect(Collectors.joining(", "))
                        + tails(dead));
            }
            List<NodeProcess> notReady = new ArrayList<>();
            for (NodeProcess n : nodes) {
                OptionalDouble members = n.healthy() ? n.clusterMembers() : OptionalDouble.empty();
                if (members.isEmpty() || members.getAsDouble() != expected) {
                    notReady.add(n);
                }
            }
            if (notReady.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new NotFormedException("the cluster did not form within " + timeout.toSeconds() + " s; not ready"
                        + " (health, or fewer than " + expected + " members): "
                        + notReady.stream().map(NodeProcess::toString).collect(Collectors.joining(", "))
                        + tails(notReady));
            }
            if (onProgress != null) {
                onProgress.run();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotFormedException("interrupted while waiting for the cluster");
            }
        }
    }

    private static String tails(List<NodeProcess> nodes) {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes) {
            sb.append(System.lineSeparator()).append("---- last lines of ").append(n.log()).append(" (")
                    .append(n.spec().nodeId()).append(") ----").append(System.lineSeparator())
                    .append(n.logTail(30));
        }
        return sb.toString();
    }
}
