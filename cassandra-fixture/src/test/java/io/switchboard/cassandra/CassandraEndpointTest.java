package io.switchboard.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CassandraEndpointTest {

    @Test
    void hostAndPortDefaultToTheSimpleSnitchDatacenter() {
        CassandraEndpoint endpoint = CassandraEndpoint.parse("127.0.0.1:9042");

        assertThat(endpoint.contactPoint().getHostString()).isEqualTo("127.0.0.1");
        assertThat(endpoint.contactPoint().getPort()).isEqualTo(9042);
        assertThat(endpoint.localDatacenter()).isEqualTo("datacenter1");
    }

    @Test
    void datacenterAndBracketedIpv6HostAreAccepted() {
        assertThat(CassandraEndpoint.parse("127.0.0.1:9142:dc-east").localDatacenter()).isEqualTo("dc-east");
        CassandraEndpoint v6 = CassandraEndpoint.parse("[::1]:9042:dc1");
        assertThat(v6.contactPoint().getPort()).isEqualTo(9042);
        assertThat(v6.localDatacenter()).isEqualTo("dc1");
    }

    @Test
    void malformedSpecsAreRejectedWithTheExpectedFormat() {
        for (String bad : new String[] {"localhost", ":9042", "127.0.0.1:port", "127.0.0.1:70000", "[::1"}) {
            assertThatThrownBy(() -> CassandraEndpoint.parse(bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port[:datacenter]");
        }
    }
}
