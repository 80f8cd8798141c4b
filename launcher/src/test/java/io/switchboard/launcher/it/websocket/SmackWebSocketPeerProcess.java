package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Drives {@code src/test/smack-websocket-peer/SmackWebSocketPeer.java}, a Smack 4.5 WebSocket
 * client, in a JVM of its own (Smack 4.5 and the 4.4.8 on the test class path cannot share one):
 * commands go to its standard input, its event lines come back from its standard output.
 */
final class SmackWebSocketPeerProcess implements AutoCloseable {
    /** The child compiles its source file at start; generous on a busy two-core machine. */
    static final Duration START = Duration.ofSeconds(90);

    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path errors;
    private final Path trustStore;

    private SmackWebSocketPeerProcess(Process process, Path errors, Path trustStore) {
        this.process = process;
        this.errors = errors;
        this.trustStore = trustStore;
        this.commands = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    events.add(line);
                }
            } catch (IOException e) {
                events.add("EOF " + e);
            }
        }, "smack-websocket-peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the peer and waits until it has logged in over {@code wss://}; returns it. */
    static SmackWebSocketPeerProcess login(TestServer server, String user, String password, String resource)
            throws Exception {
        String lib = System.getProperty("sb.smackWebSocketPeer.lib");
        String source = System.getProperty("sb.smackWebSocketPeer.source");
        if (lib == null || source == null || !Files.isDirectory(Path.of(lib))) {
            throw new IllegalStateException("the Smack WebSocket peer is set up by the launcher's pom (surefire"
                    + " properties sb.smackWebSocketPeer.lib/.source); run this test through Maven");
        }
        Path trustStore = trustStore(server);
        Path errors = Files.createTempFile("smack-websocket-peer-", ".err");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // Smack's java.net.http client uses the default SSL context: trust exactly the test server.
                "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-cp", lib + "/*", source,
                "wss://localhost:" + server.httpsPort() + "/xmpp-websocket", TestServer.DOMAIN, user, password,
                resource);
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        SmackWebSocketPeerProcess peer = new SmackWebSocketPeerProcess(process, errors, trustStore);
        try {
            peer.await(line -> line.startsWith("READY "), START);
        } catch (AssertionError e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    private static Path trustStore(TestServer server) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : ServerTrust.certificates(server.dataDir())) {
            store.setCertificateEntry("switchboard-" + i++, c);
        }
        Path file = Files.createTempFile("switchboard-trust-", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }
        return file;
    }

    void command(String line) {
        try {
            commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the peer is gone: " + describe(), e);
        }
    }

    /** The first event line matching {@code wanted} (earlier ones are remembered for failure messages). */
    String await(Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String line = events.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000),
                        TimeUnit.MILLISECONDS);
                if (line == null) {
                    break;
                }
                synchronized (seen) {
                    seen.add(line);
                }
                if (wanted.test(line)) {
                    return line;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the Smack WebSocket peer did not report what was expected within " + timeout
                + "; " + describe());
    }

    String describe() {
        String stderr;
        try {
            stderr = Files.readString(errors);
        } catch (IOException e) {
            stderr = e.toString();
        }
        synchronized (seen) {
            return "alive=" + process.isAlive() + ", its events: " + seen + ", its stderr:\n" + stderr;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                command("QUIT");
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (RuntimeException | InterruptedException ignored) {
                // fall through to destroy
            }
        }
        process.destroyForcibly();
        try {
            Files.deleteIfExists(trustStore);
            Files.deleteIfExists(errors);
        } catch (IOException ignored) {
            // temporary files; the OS cleans up eventually
        }
    }
}
