package io.switchboard.launcher.cluster;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One process of a multi-process cluster on this machine: its role, node id, ports and data
 * directory, and the {@code SWITCHBOARD_*} settings that make {@code switchboard start} run it.
 *
 * @param role          {@code connector}, {@code router} or {@code presence} (a {@code server.roles} value)
 * @param c2sPort       client port (STARTTLS); only used by connectors
 * @param directTlsPort client port with direct TLS (XEP-0368); only used by connectors
 * @param httpPort      WebSocket (RFC 7395) and discovery over plain HTTP; connectors only, 0 for off
 * @param httpsPort     the same over HTTPS; connectors only, 0 for off
 */
public record NodeSpec(String nodeId, String role, Path dataDir, int clusterPort, int metricsPort, int c2sPort,
                       int directTlsPort, int httpPort, int httpsPort) {
    public NodeSpec {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    /** Without HTTP listeners. */
    public NodeSpec(String nodeId, String role, Path dataDir, int clusterPort, int metricsPort, int c2sPort,
                    int directTlsPort) {
        this(nodeId, role, dataDir, clusterPort, metricsPort, c2sPort, directTlsPort, 0, 0);
    }

    public boolean isConnector() {
        return role.equals("connector");
    }

    /**
     * Settings shared by every node of one cluster.
     *
     * @param members        Hazelcast TCP-IP member list, {@code 127.0.0.1:5701,...}
     * @param certificate    PEM certificate every connector presents (one for all, so clients see the same)
     * @param cassandra      {@code host:port} of the Cassandra every node stores to
     */
    public record Shared(String domain, String clusterName, String members, Path certificate, Path privateKey,
                         String cassandra, String datacenter, String keyspace) {
    }

    /** The environment overrides for this node (on top of the dev profile or SWITCHBOARD_CONFIG). */
    public Map<String, String> environment(Shared shared) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SWITCHBOARD_SERVER_DOMAIN", shared.domain());
        env.put("SWITCHBOARD_SERVER_NODE_ID", nodeId);
        env.put("SWITCHBOARD_SERVER_ROLES", role);
        env.put("SWITCHBOARD_SERVER_DATA_DIR", dataDir.toString());
        env.put("SWITCHBOARD_CLUSTER_CLUSTER_NAME", shared.clusterName());
        env.put("SWITCHBOARD_CLUSTER_MEMBERS", shared.members());
        env.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(clusterPort));
        env.put("SWITCHBOARD_CLUSTER_INTERFACE", "127.0.0.1");
        env.put("SWITCHBOARD_METRICS_ENABLED", "true");
        env.put("SWITCHBOARD_METRICS_HOST", "127.0.0.1");
        env.put("SWITCHBOARD_METRICS_PORT", Integer.toString(metricsPort));
        env.put("SWITCHBOARD_STORAGE_TYPE", "cassandra");
        env.put("SWITCHBOARD_STORAGE_CASSANDRA_CONTACT_POINTS", shared.cassandra());
        env.put("SWITCHBOARD_STORAGE_CASSANDRA_LOCAL_DATACENTER", shared.datacenter());
        env.put("SWITCHBOARD_STORAGE_CASSANDRA_KEYSPACE", shared.keyspace());
        env.put("SWITCHBOARD_REGISTRATION_IN_BAND", "true");
        if (isConnector()) {
            env.put("SWITCHBOARD_LISTENERS_C2S_ENABLED", "true");
            env.put("SWITCHBOARD_LISTENERS_C2S_HOST", "127.0.0.1");
            env.put("SWITCHBOARD_LISTENERS_C2S_PORT", Integer.toString(c2sPort));
            env.put("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_ENABLED", "true");
            env.put("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_HOST", "127.0.0.1");
            env.put("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_PORT", Integer.toString(directTlsPort));
            // Set either way: the dev profile turns both on at fixed ports, which connectors sharing a host would fight over.
            putHttpListener(env, "HTTP", httpPort);
            putHttpListener(env, "HTTPS", httpsPort);
            env.put("SWITCHBOARD_TLS_CERTIFICATE", shared.certificate().toString());
            env.put("SWITCHBOARD_TLS_PRIVATE_KEY", shared.privateKey().toString());
        }
        return env;
    }

    private static void putHttpListener(Map<String, String> env, String listener, int port) {
        env.put("SWITCHBOARD_LISTENERS_" + listener + "_ENABLED", Boolean.toString(port > 0));
        if (port > 0) {
            env.put("SWITCHBOARD_LISTENERS_" + listener + "_HOST", "127.0.0.1");
            env.put("SWITCHBOARD_LISTENERS_" + listener + "_PORT", Integer.toString(port));
        }
    }

    /** One line of the cluster's state file; see {@link #parse(String)}. */
    String toLine() {
        return String.join(" ", nodeId, role, Integer.toString(clusterPort), Integer.toString(metricsPort),
                Integer.toString(c2sPort), Integer.toString(directTlsPort), Integer.toString(httpPort),
                Integer.toString(httpsPort), dataDir.toString());
    }

    /** Also reads the lines of clusters started before the HTTP ports were recorded (seven fields). */
    static NodeSpec parse(String line) {
        String[] f = line.trim().split(" ", 9);
        boolean withHttp = f.length == 9 && f[6].chars().allMatch(Character::isDigit)
                && f[7].chars().allMatch(Character::isDigit);
        if (!withHttp) {
            f = line.trim().split(" ", 7);
            if (f.length != 7) {
                throw new IllegalArgumentException("malformed node line: " + line);
            }
            return new NodeSpec(f[0], f[1], Path.of(f[6]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]));
        }
        return new NodeSpec(f[0], f[1], Path.of(f[8]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]));
    }
}
