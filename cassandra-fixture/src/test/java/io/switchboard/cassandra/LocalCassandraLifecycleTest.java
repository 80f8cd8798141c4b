package io.switchboard.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One node through its whole life: start, kill, start again on the same data, stop. The steps
 * share the node (and run in order) because every Cassandra start costs 5-10 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalCassandraLifecycleTest {

    private LocalCassandra cassandra;

    @BeforeAll
    void startNode() {
        cassandra = LocalCassandra.builder(TestDirs.fresh("lifecycle")).build();
        cassandra.start();
        System.out.printf("[measure] start->ready %d ms, RSS when ready %d MiB (%s)%n",
                cassandra.lastStartDuration().orElseThrow().toMillis(),
                cassandra.residentMemoryBytes().orElse(-1) >> 20, cassandra);
    }

    @AfterAll
    void killLeftovers() {
        if (cassandra != null) {
            cassandra.kill();
        }
    }

    @Test
    @Order(1)
    void startReturnsOnceCqlAnswersOptionsWithSupported() throws Exception {
        Map<String, List<String>> supported = CqlProbe.supportedOptions(cassandra.contactPoint(), Duration.ofSeconds(5));

        assertThat(supported).containsKey("CQL_VERSION");
        assertThat(supported.get("PROTOCOL_VERSIONS")).anyMatch(v -> v.startsWith("4/")).anyMatch(v -> v.startsWith("5/"));
        assertThat(cassandra.isRunning()).isTrue();
        assertThat(cassandra.contactPoint().getHostString()).isEqualTo("127.0.0.1");
        assertThat(cassandra.localDatacenter()).isEqualTo("datacenter1");
        assertThat(Files.readString(cassandra.dataDir().resolve("cassandra.pid")).trim())
                .isEqualTo(Long.toString(cassandra.pid()));
    }

    @Test
    @Order(2)
    void secondStartWhileRunningFailsWithoutLaunchingAnotherJvm() {
        long pid = cassandra.pid();

        assertThatThrownBy(cassandra::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        assertThat(cassandra.pid()).isEqualTo(pid);
    }

    @Test
    @Order(3)
    void killedNodeStartsAgainOnSameDirectoryAndPortsWithWritesReplayedFromCommitLog() throws Exception {
        try (TinyCqlClient cql = new TinyCqlClient(cassandra.contactPoint())) {
            cql.query("CREATE KEYSPACE fixture WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            cql.query("CREATE TABLE fixture.kv (k text PRIMARY KEY, v text)");
            cql.query("INSERT INTO fixture.kv (k, v) VALUES ('before-kill', 'survives')");
        }
        long pid = cassandra.pid();
        long logSizeBeforeRestart = Files.size(cassandra.systemLog());

        cassandra.kill();

        assertThat(cassandra.isRunning()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(CqlProbe.isReady(cassandra.contactPoint(), Duration.ofSeconds(1))).isFalse();

        cassandra.start();
        System.out.printf("[measure] restart after SIGKILL (commit log replay) -> ready %d ms%n",
                cassandra.lastStartDuration().orElseThrow().toMillis());

        assertThat(cassandra.pid()).isNotEqualTo(pid);
        try (TinyCqlClient cql = new TinyCqlClient(cassandra.contactPoint())) {
            assertThat(cql.query("SELECT v FROM fixture.kv WHERE k = 'before-kill'")).containsExactly(List.of("survives"));
        }
        String logOfRestart = Files.readString(cassandra.systemLog()).substring((int) logSizeBeforeRestart);
        assertThat(logOfRestart).contains("Replaying");
    }

    @Test
    @Order(4)
    void stopTerminatesGracefullyAndLeavesNoProcessOrListenerBehind() {
        ProcessHandle process = ProcessHandle.of(cassandra.pid()).orElseThrow();
        List<ProcessHandle> descendants = process.descendants().toList();
        long began = System.nanoTime();

        cassandra.stop();

        System.out.printf("[measure] stop (SIGTERM, drain) %d ms%n", (System.nanoTime() - began) / 1_000_000);
        assertThat(process.isAlive()).isFalse();
        assertThat(descendants).noneMatch(ProcessHandle::isAlive);
        assertThat(cassandra.isRunning()).isFalse();
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> Processes.commandLine(p).orElse("").contains(cassandra.dataDir().toString())))
                .as("processes still using the data directory").isEmpty();
        assertThat(cassandra.dataDir().resolve("cassandra.pid")).doesNotExist();
        assertThat(FreePorts.isBindableOnLoopback(cassandra.nativePort())).isTrue();
        assertThat(FreePorts.isBindableOnLoopback(cassandra.storagePort())).isTrue();
        assertThat(FreePorts.isBindableOnLoopback(cassandra.jmxPort())).isTrue();
    }
}
