package io.switchboard.launcher;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.storage.Account;
import io.switchboard.storage.embedded.EmbeddedStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The switchboard command line: user administration and configuration errors at start-up. */
class MainCommandTest {
    @TempDir
    Path dir;
    private Path config;
    private InputStream originalIn;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeConfig() throws Exception {
        originalIn = System.in;
        config = dir.resolve("switchboard.yaml");
        Files.writeString(config, """
                server:
                  domain: chat.example.com
                  data-dir: %s
                registration:
                  min-password-length: 8
                """.formatted(dir.resolve("data")));
    }

    @AfterEach
    void restoreStdin() {
        System.setIn(originalIn);
    }

    private int run(String stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void userAddStoresOnlyScramKeysAndTheAccountCanBeChangedListedAndDeleted() throws Exception {
        assertThat(run("correct horse\n", "user", "add", "alice", "--config", config.toString())).isZero();
        assertThat(run("another one\n", "user", "add", "Bob@chat.example.com", "--config", config.toString()))
                .isZero();
        assertThat(out.toString()).contains("created alice@chat.example.com", "created bob@chat.example.com");

        try (EmbeddedStorage storage = EmbeddedStorage.open(dir.resolve("data"))) {
            Account alice = storage.accounts().find("alice@chat.example.com").toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(alice.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_1, ScramAlgorithm.SHA_256);
            assertThat(alice.credentials().get(ScramAlgorithm.SHA_256).iterations()).isGreaterThanOrEqualTo(4096);
            assertThat(alice.credentials().get(ScramAlgorithm.SHA_256).verifyPassword("correct horse")).isTrue();
        }
        // No plaintext password anywhere in the data directory.
        try (var files = Files.walk(dir.resolve("data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain("correct horse");
            }
        }

        assertThat(run("brand new pw\n", "user", "passwd", "alice", "--config", config.toString())).isZero();
        try (EmbeddedStorage storage = EmbeddedStorage.open(dir.resolve("data"))) {
            Account alice = storage.accounts().find("alice@chat.example.com").toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).orElseThrow();
            assertThat(alice.credentials().get(ScramAlgorithm.SHA_1).verifyPassword("brand new pw")).isTrue();
            assertThat(alice.credentials().get(ScramAlgorithm.SHA_1).verifyPassword("correct horse")).isFalse();
        }

        out.reset();
        assertThat(run("", "user", "list", "--config", config.toString())).isZero();
        assertThat(out.toString().lines()).containsExactly("alice@chat.example.com", "bob@chat.example.com");

        assertThat(run("", "user", "delete", "bob", "--config", config.toString())).isZero();
        out.reset();
        run("", "user", "list", "--config", config.toString());
        assertThat(out.toString().lines()).containsExactly("alice@chat.example.com");
    }

    @Test
    void userCommandsReportProblemsWithoutStackTraces() {
        assertThat(run("x\n", "user", "add", "carol", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("at least 8 characters");
        assertThat(run("", "user", "delete", "nobody", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no account nobody@chat.example.com");
        assertThat(run("", "user", "add", "dave@other.org", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("not an account of chat.example.com");
        assertThat(run("goodpassword\n", "user", "add", "carol", "--config", config.toString())).isZero();
        assertThat(run("goodpassword\n", "user", "add", "carol", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("already exists");
    }

    @Test
    void aBadConfigStopsStartUpWithAMessageNamingTheKey() throws Exception {
        Files.writeString(config, """
                server:
                  domain: chat.example.com
                limits:
                  max-stanza-bytes: lots
                listeners:
                  c2s:
                    prot: 5222
                """);
        assertThat(run("", "start", "--config", config.toString())).isEqualTo(3);
        assertThat(err.toString()).contains("limits.max-stanza-bytes").contains("listeners.c2s.prot")
                .contains("listeners.c2s.port");
    }

    @Test
    void unknownCommandsPrintUsage() {
        assertThat(run("", "frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown command 'frobnicate'").contains("usage: switchboard");
    }

    @Test
    void theDevProfileIsUsedWithoutAConfigFileAndGetsANodeId() {
        var config = Main.loadConfig(Optional.empty(), java.util.Map.of());
        assertThat(config.server().domain()).isEqualTo("localhost");
        assertThat(config.registration().inBand()).isTrue();
        assertThat(config.server().nodeId()).isPresent();
    }
}
