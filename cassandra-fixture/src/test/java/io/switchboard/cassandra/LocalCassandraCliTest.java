package io.switchboard.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The command line, run as users run it: each command in its own JVM, so the test also shows that
 * the started Cassandra outlives the JVM that launched it.
 */
class LocalCassandraCliTest {

    private final Path dir = TestDirs.fresh("cli");

    @AfterEach
    void killLeftovers() {
        new CassandraFiles(dir).readPid()
                .flatMap(pid -> Processes.cassandraOf(pid, new CassandraFiles(dir)))
                .ifPresent(Processes::kill);
    }

    @Test
    void startStatusStopRoundTripWithDetachedNodeThatKeepsItsDataAcrossRestarts() throws Exception {
        int port = FreePorts.pick();

        Result start = cli("start", "--dir", dir.toString(), "--port", Integer.toString(port), "--heap", "320m");

        assertThat(start.exitCode).as(start.toString()).isZero();
        assertThat(start.stdout.strip()).isEqualTo("127.0.0.1:" + port);
        long pid = pidFromFile();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("Cassandra outlives the CLI JVM").hasValue(true);

        Result status = cli("status", "--dir", dir.toString());
        assertThat(status.exitCode).as(status.toString()).isZero();
        assertThat(status.stdout).contains("running", "pid " + pid, "127.0.0.1:" + port);

        Result again = cli("start", "--dir", dir.toString());
        assertThat(again.exitCode).as(again.toString()).isEqualTo(LocalCassandraCli.FAILED);
        assertThat(again.stderr).contains("already running");

        InetSocketAddress contact = new InetSocketAddress("127.0.0.1", port);
        try (TinyCqlClient cql = new TinyCqlClient(contact)) {
            cql.query("CREATE KEYSPACE dev WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            cql.query("CREATE TABLE dev.kv (k text PRIMARY KEY, v text)");
            cql.query("INSERT INTO dev.kv (k, v) VALUES ('kept', 'across restarts')");
        }

        Result stop = cli("stop", "--dir", dir.toString());
        assertThat(stop.exitCode).as(stop.toString()).isZero();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dir.resolve("cassandra.pid")).doesNotExist();

        Result restart = cli("start", "--dir", dir.toString());
        assertThat(restart.exitCode).as(restart.toString()).isZero();
        assertThat(restart.stdout.strip()).as("port remembered in the directory").isEqualTo("127.0.0.1:" + port);
        try (TinyCqlClient cql = new TinyCqlClient(contact)) {
            assertThat(cql.query("SELECT v FROM dev.kv WHERE k = 'kept'")).containsExactly(List.of("across restarts"));
        }
        long restartedPid = pidFromFile();

        assertThat(cli("stop", "--dir", dir.toString()).exitCode).isZero();
        assertThat(ProcessHandle.of(restartedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        Result stopped = cli("status", "--dir", dir.toString());
        assertThat(stopped.exitCode).as(stopped.toString()).isEqualTo(LocalCassandraCli.NOT_RUNNING);
        assertThat(stopped.stdout).contains("not running");
    }

    private long pidFromFile() throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("cassandra.pid")).trim());
    }

    @Test
    void startFailsWithClearMessageWhenCqlPortIsTaken() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Result start = cli("start", "--dir", dir.toString(), "--port", Integer.toString(taken.getLocalPort()));

            assertThat(start.exitCode).as(start.toString()).isEqualTo(LocalCassandraCli.FAILED);
            assertThat(start.stderr).contains("CQL native port " + taken.getLocalPort(), "already in use");
            assertThat(dir.resolve("cassandra.pid")).doesNotExist();
        }
    }

    @Test
    void missingDirOrUnknownCommandIsAUsageError() throws Exception {
        assertThat(cli("start").exitCode).isEqualTo(LocalCassandraCli.USAGE);
        assertThat(cli("frobnicate", "--dir", dir.toString()).exitCode).isEqualTo(LocalCassandraCli.USAGE);
        assertThat(cli("start", "--dir", dir.toString(), "--heap", "lots").exitCode).isEqualTo(LocalCassandraCli.USAGE);
    }

    @Test
    void stopAndStatusOnNeverStartedDirectoryReportNotRunning() throws Exception {
        assertThat(cli("status", "--dir", dir.toString()).exitCode).isEqualTo(LocalCassandraCli.NOT_RUNNING);
        assertThat(cli("stop", "--dir", dir.toString()).exitCode).isZero();
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs the CLI in a fresh JVM (the test JVM's java, the module's classes). */
    private static Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", CassandraJvm.fixtureCodeLocation().toString(),
                LocalCassandra.class.getName()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("cli-out", ".txt");
        Path stderr = Files.createTempFile("cli-err", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("CLI " + String.join(" ", args) + " did not finish in 3 minutes");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
