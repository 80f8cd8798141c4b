package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageContractTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract against a real Cassandra ({@code SharedCassandra}: one node per test JVM,
 * started on first use, or an external one named by {@code SWITCHBOARD_TEST_CASSANDRA}).
 *
 * <p>Speed: the class creates one keyspace (one schema migration) and shares one driver session;
 * each test gets a storage attached to that session ({@link CassandraStorage#open(CqlSession,
 * CassandraSettings)}: statements are already in the driver's prepared-statement cache) after the
 * tables the previous test wrote were truncated (see {@link CassandraTestSupport#empty}).
 * {@link #reopen} closes the storage and opens a new one on the same session: a new session per
 * reopen would add about two seconds to each of the seven persistence tests, and
 * {@code CassandraStorageTest} covers the full {@link CassandraStorage#open(CassandraSettings)}
 * path (connect, migrate, prepare, close) separately.
 */
class CassandraStorageContractTest extends StorageContractTest {

    private static String keyspace;
    private static CassandraSettings settings;
    private static CqlSession session;

    @BeforeAll
    static void createKeyspace() {
        keyspace = CassandraTestSupport.freshKeyspace("sb_contract");
        settings = CassandraTestSupport.settings(keyspace);
        session = CassandraTestSupport.session();
        CassandraSchema.migrate(session, settings);
    }

    @AfterAll
    static void dropKeyspace() {
        if (session != null && keyspace != null) {
            CassandraTestSupport.dropKeyspace(session, keyspace);
        }
    }

    @Override
    protected Storage createStorage() {
        CassandraTestSupport.empty(session, keyspace);
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
