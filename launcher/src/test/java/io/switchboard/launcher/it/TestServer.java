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
    private final int httpPort;
    private final int httpsPort;

    private TestServer(SwitchboardServer server, Path dataDir, int c2sPort, int directTlsPort, int httpPort,
                       int httpsPort) {
        this.server = server;
        this.dataDir = dataDir;
        this.c2sPort = c2sPort;
        this.directTlsPort = directTlsPort;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** @param overrides extra SWITCHBOARD_* settings, e.g. SWITCHBOARD_LISTENERS_C2S_STARTTLS=optional */
    public static TestServer start(Map<String, String> overrides) {
        try {
            Path dataDir = Files.createTempDirectory("switchboard-it-");
            int[] ports = freePorts(6); // distinct: picked while all are held open
            int c2s = ports[0];
            int tls = ports[1];
            int http = ports[2];
            int https = ports[3];
            int cluster = ports[4];
            Map<String, String> env = new HashMap<>();
            env.put("SWITCHBOARD_SERVER_DATA_DIR", dataDir.toString());
            env.put("SWITCHBOARD_SERVER_NODE_ID", "it-" + UUID.randomUUID().toString().substring(0, 8));
            env.put("SWITCHBOARD_LISTENERS_C2S_PORT", Integer.toString(c2s));
            env.put("SWITCHBOARD_LISTENERS_C2S_DIRECT_TLS_PORT", Integer.toString(tls));
            env.put("SWITCHBOARD_LISTENERS_HTTP_PORT", Integer.toString(http));
            env.put("SWITCHBOARD_LISTENERS_HTTPS_PORT", Integer.toString(https));
            env.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(cluster));
            env.put("SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:" + cluster);
            env.put("SWITCHBOARD_CLUSTER_CLUSTER_NAME", "it-" + UUID.randomUUID());
            env.put("SWITCHBOARD_METRICS_PORT", Integer.toString(ports[5]));
            env.putAll(overrides);
            SwitchboardConfig config = ConfigLoader.loadDefaultsFromResource("switchboard-dev.yaml", env);
            return new TestServer(SwitchboardServer.start(config), dataDir, c2s, tls, http, https);
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

    /** Plain HTTP: ws:// (RFC 7395) and XEP-0156 discovery. */
    public int httpPort() {
        return httpPort;
    }

    /** HTTPS with the server's certificate: wss:// and discovery. */
    public int httpsPort() {
        return httpsPort;
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

    /**
     * Waits until the session directory holds {@code bareJid/resource} as available. A client's
     * initial presence is written before login returns but processed by the server afterwards;
     * until then the resource is not available, and a message to the bare JID goes to offline
     * storage (RFC 6121 §8.5.2.2.1). Tests that message a user right after it logged in wait here.
     */
    public void awaitAvailable(String bareJid, String resource) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        try {
            while (server.cluster().directory().sessions(bareJid).toCompletableFuture().get().stream()
                    .noneMatch(s -> s.available() && s.resource().equals(resource))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(bareJid + "/" + resource + " not available within 20 s");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code n} different free ports: each socket stays open until all are chosen. */
    public static int[] freePorts(int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                sockets[i].setReuseAddress(true);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // it was only holding the number
                    }
                }
            }
        }
    }
}
