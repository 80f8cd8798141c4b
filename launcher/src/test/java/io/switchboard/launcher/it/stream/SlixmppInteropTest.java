package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interop with a real third-party client: two slixmpp (Debian python3-slixmpp) clients register in-band
 * (XEP-0077), log in over STARTTLS verifying the server's generated certificate, and exchange a message each way
 * (src/test/resources/slixmpp/chat.py). Skipped only when no python3 on this machine can import slixmpp; CI installs
 * the package, so there it runs.
 */
class SlixmppInteropTest {
    private static final long TIMEOUT_SECONDS = 60;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * "python3" from PATH first; when that one lacks slixmpp (e.g. a pyenv or venv interpreter shadowing the
     * system one), the Debian system interpreter, which is where python3-slixmpp installs.
     */
    static Optional<String> pythonWithSlixmpp() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import slixmpp").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(candidate);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed under that name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    @Test
    void twoSlixmppClientsRegisterLogInOverStartTlsAndChat() throws Exception {
        Optional<String> python = pythonWithSlixmpp();
        Assumptions.assumeTrue(python.isPresent(), "python3 -c 'import slixmpp' fails: install python3-slixmpp");

        URL script = SlixmppInteropTest.class.getResource("/slixmpp/chat.py");
        assertThat(script).as("chat.py on the test classpath").isNotNull();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> command = new ArrayList<>(List.of(python.get(), Path.of(script.toURI()).toString(),
                "--host", "127.0.0.1",
                "--port", Integer.toString(server.c2sPort()),
                "--ca", RawXmppClient.certificatePath(server).toString(),
                "--jid-a", "slixa" + suffix + "@localhost",
                "--jid-b", "slixb" + suffix + "@localhost",
                "--password", "p4ss-" + suffix,
                "--register",
                "--timeout", "20",
                "--debug"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONUNBUFFERED", "1");
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread pump = new Thread(() -> copy(process.getInputStream(), output), "slixmpp-output");
        pump.start();
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        pump.join(5_000);
        String log = output.toString(StandardCharsets.UTF_8);
        assertThat(finished).as("chat.py finished within %d s; output:%n%s", TIMEOUT_SECONDS, log).isTrue();
        assertThat(process.exitValue()).as("chat.py exit status; command: %s%noutput:%n%s", command, log).isZero();
        assertThat(log).as("chat.py output").contains("registered in-band").contains("b received: a-to-b")
                .contains("a received: b-to-a");
        log.lines().filter(l -> !l.contains(" DEBUG ")).forEach(l -> System.out.println("[chat.py] " + l));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
