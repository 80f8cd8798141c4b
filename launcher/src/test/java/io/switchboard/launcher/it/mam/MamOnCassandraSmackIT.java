package io.switchboard.launcher.it.mam;

import io.switchboard.cassandra.CassandraEndpoint;
import io.switchboard.cassandra.SharedCassandra;

import java.util.Map;
import java.util.UUID;

/** {@link MamSmackIT}'s tests with the server on a real Cassandra (one per test run, own keyspace). */
class MamOnCassandraSmackIT extends MamSmackIT {

    @Override
    protected Map<String, String> serverSettings() {
        CassandraEndpoint cassandra = SharedCassandra.get();
        return Map.of(
                "SWITCHBOARD_STORAGE_TYPE", "cassandra",
                "SWITCHBOARD_STORAGE_CASSANDRA_CONTACT_POINTS",
                cassandra.contactPoint().getHostString() + ":" + cassandra.contactPoint().getPort(),
                "SWITCHBOARD_STORAGE_CASSANDRA_LOCAL_DATACENTER", cassandra.localDatacenter(),
                "SWITCHBOARD_STORAGE_CASSANDRA_KEYSPACE", "mam_" + UUID.randomUUID().toString().substring(0, 8));
    }
}
