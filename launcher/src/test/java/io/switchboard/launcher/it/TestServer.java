package io.switchboard.launcher.it;

import io.switchboard.launcher.SwitchboardServer;
import io.switchboard.launcher.config.ConfigLoader;
import io.switchboard.launcher.config.SwitchboardConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real Switchboard server (every role, real Hazelcast member, embedded store on disk) started
 * inside the test JVM on free loopback ports, configured exactly as an operator would: the dev
 * profile plus SWITCHBOARD_* overrides.
 */
public final class TestServer implements AutoCloseable {
    public static final String DOMAIN = "localhost";

    private final SwitchboardServer server;
    private final Path dataDir;
    private final int c2sPort;
    private final int directTlsPort;

    private TestServer(SwitchboardServer server, Path dataDir, int c2sPort, int directTlsPort) {
        this.server = server;
        this.dataDir = dataDir;
        this.c2sPort = c2sPort;
        this.directTlsPort = directTlsPort;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** @param overrides extra SWITCHBOARD_* settings, e.g. SWITCHBOARD_LISTENERS_C2S_STARTTLS=optional */
    public static TestServer start(Map<String, String> overrides) {
        try {
            Path dataDir = Files.createTempDirectory("switchboard-it-");
            int c2s = freePort();
            int tls = freePort();
            int cluster = freePort();
            Map<String, String> env = new HashMap<>();
            env.put("SWITCHBOARD_SERVER_DATA_DIR", dataDir.toString());
            env.put("SWITCHBOARD_SERVER_NODE_ID", "it-" + UUID.randomUUID().toString().substring(0, 8));
            env.put("SWITCHBOARD_LISTENERS_C2S_PORT", Integer.toString(c2s));
            env.put("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_PORT", Integer.toString(tls));
            env.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(cluster));
            env.put("SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + cluster);
            env.put("SWITCHBOARD_CLUSTER_CLUSTER_NAME", "it-" + UUID.randomUUID());
            env.put("SWITCHBOARD_METRICS_PORT", Integer.toString(freePort()));
            env.putAll(overrides);
            SwitchboardConfig config = ConfigLoader.loadDefaultsFromResource("switchboard-dev.yaml", env);
            return new TestServer(SwitchboardServer.start(config), dataDir, c2s, tls);
        } catch (Exception e) {
            throw new IllegalStateException("test server failed to start", e);
        }
    }

    public int c2sPort() {
        return c2sPort;
    }

    public int directTlsPort() {
        return directTlsPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public SwitchboardServer server() {
        return server;
    }

    /** The Prometheus text exposition, as a scrape would see it. */
    public String scrape() {
        return server.meters().scrape();
    }

    /** Sum of a counter's samples whose label set contains every given label (e.g. "kind=\"message\""). */
    public double counter(String name, String... labels) {
        double sum = 0;
        for (String line : scrape().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() {
        server.stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
