package io.switchboard.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import io.switchboard.storage.cassandra.CassandraSettings.Replication;
import io.switchboard.storage.cassandra.CassandraSettings.SchemaMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation and defaults of {@link CassandraSettings}; no Cassandra needed. */
class CassandraSettingsTest {

    private static final CassandraSettings DEFAULTS = CassandraSettings.defaults(List.of("127.0.0.1:9042"), "dc1");

    @Test
    void defaults() {
        assertThat(DEFAULTS.keyspace()).isEqualTo("switchboard");
        assertThat(DEFAULTS.replication()).isEqualTo(Replication.simple(1));
        assertThat(DEFAULTS.consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(DEFAULTS.serialConsistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_SERIAL);
        assertThat(DEFAULTS.schemaMode()).isEqualTo(SchemaMode.AUTO);
        assertThat(DEFAULTS.offlineTtl()).isEqualTo(Duration.ofDays(30));
        assertThat(DEFAULTS.archiveRetention()).isEqualTo(Duration.ZERO);
        assertThat(DEFAULTS.archiveBucketWidth()).isEqualTo(Duration.ofDays(7));
        assertThat(DEFAULTS.offlineTtlSeconds()).isEqualTo(30 * 24 * 3600);
        assertThat(DEFAULTS.archiveTtlSeconds()).isZero();
        assertThat(DEFAULTS.username()).isNull();
    }

    @Test
    void contactPoints() {
        CassandraSettings s = CassandraSettings.defaults(List.of(" cass1.example.com:9142 ", "10.0.0.2", "[::1]:9043", "[fe80::1]"), "dc1");
        assertThat(s.contactPoints()).containsExactly("cass1.example.com:9142", "10.0.0.2", "[::1]:9043", "[fe80::1]");
        assertThat(s.contactAddresses()).extracting(a -> a.getHostString() + "|" + a.getPort())
                .containsExactly("cass1.example.com|9142", "10.0.0.2|9042", "::1|9043", "fe80::1|9042");

        for (String bad : List.of("", ":9042", "host:", "host:port", "host:0", "host:70000", "::1:9042", "[::1", "[::1]x")) {
            assertThatThrownBy(() -> CassandraSettings.defaults(List.of(bad), "dc1"))
                    .as("'%s'", bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contact point");
        }
        assertThatThrownBy(() -> CassandraSettings.defaults(List.of(), "dc1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void rejectsInvalidValuesWithClearMessages() {
        assertThatThrownBy(() -> CassandraSettings.defaults(List.of("h:1"), " "))
                .hasMessageContaining("local datacenter");
        assertThatThrownBy(() -> DEFAULTS.withKeyspace("Switchboard")).hasMessageContaining("keyspace 'Switchboard'");
        assertThatThrownBy(() -> DEFAULTS.withKeyspace("1abc")).hasMessageContaining("not a valid keyspace name");
        assertThatThrownBy(() -> DEFAULTS.withKeyspace("a".repeat(49))).hasMessageContaining("not a valid keyspace name");
        assertThat(DEFAULTS.withKeyspace("a".repeat(48)).keyspace()).hasSize(48);
        assertThatThrownBy(() -> DEFAULTS.withConsistency(DefaultConsistencyLevel.SERIAL, DefaultConsistencyLevel.SERIAL))
                .hasMessageContaining("serial level");
        assertThatThrownBy(() -> DEFAULTS.withConsistency(DefaultConsistencyLevel.QUORUM, DefaultConsistencyLevel.QUORUM))
                .hasMessageContaining("SERIAL or LOCAL_SERIAL");
        assertThatThrownBy(() -> DEFAULTS.withRequestTimeout(Duration.ZERO)).hasMessageContaining("request timeout");
        assertThatThrownBy(() -> DEFAULTS.withOfflineTtl(Duration.ofSeconds(-1))).hasMessageContaining("offline message TTL");
        assertThatThrownBy(() -> DEFAULTS.withOfflineTtl(Duration.ofMillis(500))).hasMessageContaining("at least 1 s");
        assertThatThrownBy(() -> DEFAULTS.withArchiveRetention(Duration.ofDays(365 * 21)))
                .hasMessageContaining("maximum TTL of 20 years");
        assertThatThrownBy(() -> DEFAULTS.withArchiveBucketWidth(Duration.ofMillis(10))).hasMessageContaining("bucket width");
        assertThatThrownBy(() -> DEFAULTS.withCredentials("user", null)).hasMessageContaining("set together");
        assertThatThrownBy(() -> DEFAULTS.withCredentials(" ", "pw")).hasMessageContaining("username");
        assertThatThrownBy(() -> DEFAULTS.withSchemaMode(null)).isInstanceOf(NullPointerException.class);
        assertThat(DEFAULTS.withArchiveRetention(Duration.ofDays(365)).archiveTtlSeconds()).isEqualTo(365 * 24 * 3600);
    }

    @Test
    void passwordIsNotPrinted() {
        CassandraSettings s = DEFAULTS.withCredentials("switchboard", "s3cret");
        assertThat(s.toString()).contains("username=switchboard").doesNotContain("s3cret");
    }

    @Test
    void replication() {
        assertThat(Replication.simple(3).toCql()).isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 3}");
        assertThat(Replication.parse("SimpleStrategy:1")).isEqualTo(Replication.simple(1));
        Replication nts = Replication.parse("NetworkTopologyStrategy: eu-west=3, us-east=2");
        assertThat(nts.factors()).containsExactly(Map.entry("eu-west", 3), Map.entry("us-east", 2));
        assertThat(nts.toCql()).isEqualTo("{'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 2}");
        assertThat(new Replication("org.apache.cassandra.locator.NetworkTopologyStrategy", Map.of("dc1", 3)).strategy())
                .isEqualTo("NetworkTopologyStrategy");

        assertThatThrownBy(() -> Replication.parse("SimpleStrategy")).hasMessageContaining("SimpleStrategy:<factor>");
        assertThatThrownBy(() -> Replication.parse("SimpleStrategy:x")).hasMessageContaining("numbers");
        assertThatThrownBy(() -> Replication.parse("LocalStrategy:1")).hasMessageContaining("must be SimpleStrategy or");
        assertThatThrownBy(() -> Replication.parse("NetworkTopologyStrategy:dc1")).hasMessageContaining("<datacenter>=<factor>");
        assertThatThrownBy(() -> Replication.simple(0)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> Replication.networkTopology(Map.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Replication.networkTopology(Map.of("replication_factor", 3)))
                .hasMessageContaining("per datacenter");
    }

    @Test
    void consistencyNames() {
        assertThat(CassandraSettings.parseConsistency("local_quorum")).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(CassandraSettings.parseConsistency(" LOCAL-SERIAL ")).isEqualTo(DefaultConsistencyLevel.LOCAL_SERIAL);
        assertThatThrownBy(() -> CassandraSettings.parseConsistency("most")).hasMessageContaining("unknown cassandra consistency");
    }
}
