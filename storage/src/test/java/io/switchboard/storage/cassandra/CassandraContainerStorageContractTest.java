package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageContractTest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.cassandra.CassandraContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The storage contract against the official Cassandra image, for machines with Docker (CI
 * runners): the same server version as {@link CassandraStorageContractTest}, but started the way
 * most projects do. Without a Docker engine the whole class is skipped (reported as skipped, not
 * failed); the non-Docker variant covers the same ground.
 */
@Testcontainers(disabledWithoutDocker = true)
class CassandraContainerStorageContractTest extends StorageContractTest {

    /** Same release as the non-Docker fixture (cassandra-all in the root pom). */
    @Container
    private static final CassandraContainer CASSANDRA = new CassandraContainer("cassandra:5.0.9");

    private static CassandraSettings settings;
    private static CqlSession session;

    @BeforeAll
    static void connect() {
        InetSocketAddress contactPoint = CASSANDRA.getContactPoint();
        settings = CassandraSettings.defaults(List.of(contactPoint.getHostString() + ":" + contactPoint.getPort()),
                        CASSANDRA.getLocalDatacenter())
                .withKeyspace(CassandraTestSupport.freshKeyspace("sb_container"))
                .withRequestTimeout(Duration.ofSeconds(20));
        session = CassandraStorage.connect(settings);
        CassandraSchema.migrate(session, settings);
    }

    @AfterAll
    static void disconnect() {
        if (session != null) {
            session.close();
        }
    }

    @Override
    protected Storage createStorage() {
        CassandraTestSupport.empty(session, settings.keyspace());
        return CassandraStorage.open(session, settings);
    }

    @Override
    protected Storage reopen(Storage old) {
        old.close();
        return CassandraStorage.open(session, settings);
    }

    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }
}
