package io.switchboard.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SharedCassandraTest {

    @Test
    void getStartsOneNodePerJvmUnderTheConfiguredDirectoryAndReturnsTheSameEndpointEveryTime() {
        assumeTrue(Settings.lookup(Settings.TEST_CASSANDRA).isEmpty(), "an external Cassandra is configured");

        CassandraEndpoint first = SharedCassandra.get();

        assertThat(SharedCassandra.get()).isSameAs(first);
        assertThat(CqlProbe.isReady(first.contactPoint(), Duration.ofSeconds(5))).isTrue();
        assertThat(first.localDatacenter()).isEqualTo("datacenter1");
        LocalCassandra local = SharedCassandra.local().orElseThrow();
        assertThat(local.contactPoint()).isEqualTo(first.contactPoint());
        assertThat(local.dataDir()).startsWith(Path.of(System.getProperty("sb.cassandra.dir")));
        assertThat(local.dataDir().getFileName().toString()).startsWith("cassandra-");
    }

    @Test
    void externalCassandraIsUsedWithoutStartingAProcessWhenItAnswersCql() {
        CassandraEndpoint running = SharedCassandra.get();
        int port = running.contactPoint().getPort();

        CassandraEndpoint external = SharedCassandra.useExternal("127.0.0.1:" + port + ":dc-east", Duration.ofSeconds(10));

        assertThat(external.contactPoint().getPort()).isEqualTo(port);
        assertThat(external.localDatacenter()).isEqualTo("dc-east");
    }

    @Test
    void externalCassandraThatDoesNotAnswerFailsNamingTheSetting() {
        int nothingListens = FreePorts.pick();

        assertThatThrownBy(() -> SharedCassandra.useExternal("127.0.0.1:" + nothingListens, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SWITCHBOARD_TEST_CASSANDRA=127.0.0.1:" + nothingListens);
    }
}
