package io.switchboard.launcher.it.web;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser chat page end to end, in a real headless Chromium: {@code src/test/browser/setup.sh}
 * installs Debian's chromium and playwright-core (once; later runs find them), then
 * {@code two-users-chat.mjs} drives two pages against this server: alice over ws:// on
 * http://127.0.0.1, bob over wss:// creating his account in the page (XEP-0077), a mutual
 * subscription, presence, messages both ways and the archive after a reload (XEP-0313).
 *
 * <p>A failsafe test because it installs software and starts a browser. When the tools cannot be
 * installed it fails with the installer's message: a CI that silently skipped would never notice
 * the page had stopped working.
 */
class BrowserChatE2EIT {
    static final long SETUP_TIMEOUT_S = 600; // apt-get + npm on a cold machine; ~11 s measured, seconds when cached
    static final long SCRIPT_TIMEOUT_S = 180;

    static TestServer server;

    @BeforeAll
    static void start() {
        // Explicit though the dev profile has both: the test depends on them, not on the profile's choice.
        server = TestServer.start(Map.of(
                "SWITCHBOARD_LISTENERS_HTTP_ENABLED", "true",
                "SWITCHBOARD_LISTENERS_HTTPS_ENABLED", "true",
                "SWITCHBOARD_REGISTRATION_IN_BAND", "true"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("RFC 7395 + RFC 6121 + XEP-0077 + XEP-0313 in Chromium: two pages log in, add each other, see"
            + " each other online, chat both ways, and a reloaded page shows the history")
    void twoBrowserPagesChat() throws Exception {
        Path scripts = Path.of(System.getProperty("sb.browser.scripts", "src/test/browser")).toAbsolutePath();
        Path out = Path.of(System.getProperty("sb.browser.out", "target/e2e")).toAbsolutePath();
        Path nodeDir = out.resolve("node");
        Path screenshot = out.resolve("chat.png");
        Files.createDirectories(out);
        for (String stale : List.of("chat.png", "chat-bob.png", "failure-alice.png", "failure-bob.png")) {
            Files.deleteIfExists(out.resolve(stale)); // a screenshot must come from this run
        }

        long setupStarted = System.nanoTime();
        Result setup = run(List.of("sh", scripts.resolve("setup.sh").toString(), nodeDir.toString()), Map.of(),
                SETUP_TIMEOUT_S);
        assertThat(setup.exitCode())
                .as("installing chromium and playwright-core failed (needs apt-get and the npm registry):%n%s",
                        setup.tail())
                .isZero();
        System.out.printf("[e2e] setup took %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setupStarted));

        String alicePassword = "alice-" + UUID.randomUUID();
        RawXmppClient.registerAccount(server, "alice", alicePassword); // bob registers in the page
        double pagesServed = server.counter("xmpp_http_requests_total", "endpoint=\"web-client\"", "status=\"200\"");
        double webSockets = server.counter("xmpp_connections_accepted_total", "transport=\"websocket\"");

        long scriptStarted = System.nanoTime();
        Result chat = run(List.of("node", scripts.resolve("two-users-chat.mjs").toString(), nodeDir.toString(),
                        "http://127.0.0.1:" + server.httpPort(), "https://127.0.0.1:" + server.httpsPort(),
                        out.toString()),
                Map.of("ALICE_PASSWORD", alicePassword, "BOB_PASSWORD", "bob-" + UUID.randomUUID()),
                SCRIPT_TIMEOUT_S);
        System.out.printf("[e2e] browser script took %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - scriptStarted));

        assertThat(chat.exitCode()).as("the browser script failed:%n%s", chat.tail()).isZero();
        assertThat(screenshot).as("screenshot kept as a test artifact").isRegularFile();
        assertThat(Files.size(screenshot)).isGreaterThan(1000);
        // The pages came from this server, and three streams (alice twice, bob once) went through its
        // WebSocket listeners, not somewhere else.
        assertThat(server.counter("xmpp_http_requests_total", "endpoint=\"web-client\"", "status=\"200\""))
                .isGreaterThanOrEqualTo(pagesServed + 4);
        assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"websocket\""))
                .isGreaterThanOrEqualTo(webSockets + 3);
    }

    record Result(int exitCode, String tail) {
    }

    /** Runs a command with its output forwarded to the test log; the last lines are kept for the failure message. */
    static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(-1, "cannot start " + command.get(0) + ": " + e.getMessage());
        }
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    System.out.println("[e2e] " + line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 40) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "e2e-output");
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(2000);
            synchronized (tail) {
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + String.join("\n", command)
                        + "\n" + String.join("\n", tail));
            }
        }
        pump.join(5000);
        synchronized (tail) {
            return new Result(process.exitValue(), String.join("\n", tail));
        }
    }
}
