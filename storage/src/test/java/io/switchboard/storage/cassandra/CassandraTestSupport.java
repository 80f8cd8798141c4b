package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.switchboard.cassandra.CassandraEndpoint;
import io.switchboard.cassandra.SharedCassandra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Shared plumbing for the Cassandra tests: the JVM-wide Cassandra ({@link SharedCassandra}, or an
 * external one via {@code SWITCHBOARD_TEST_CASSANDRA=host:port[:dc]}), one driver session for the
 * whole test JVM, a fresh keyspace per test class, and a cheap way to empty a keyspace between
 * tests.
 */
final class CassandraTestSupport {

    private static CqlSession session;

    private CassandraTestSupport() {
    }

    static CassandraEndpoint endpoint() {
        return SharedCassandra.get();
    }

    /** A unique keyspace name, e.g. {@code sb_contract_1a2b3c4d}. */
    static String freshKeyspace(String prefix) {
        return (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10)).toLowerCase(Locale.ROOT);
    }

    /** Settings for the shared Cassandra and the given keyspace; a generous timeout for a busy machine. */
    static CassandraSettings settings(String keyspace) {
        CassandraEndpoint endpoint = endpoint();
        String host = endpoint.contactPoint().getHostString();
        String point = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + endpoint.contactPoint().getPort();
        return CassandraSettings.defaults(List.of(point), endpoint.localDatacenter())
                .withKeyspace(keyspace)
                .withRequestTimeout(Duration.ofSeconds(20));
    }

    /** One session for all test classes of this JVM (connecting costs seconds); closed at exit. */
    static synchronized CqlSession session() {
        if (session == null) {
            session = CassandraStorage.connect(settings("unused"));
            CqlSession created = session;
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "cassandra-test-session-close"));
        }
        return session;
    }

    static void dropKeyspace(CqlSession session, String keyspace) {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(Duration.ofSeconds(60)));
    }

    /**
     * Empties every data table of a keyspace, touching only tables that have rows: a
     * {@code SELECT ... LIMIT 1} per table (all in parallel) is a few milliseconds, while a
     * {@code TRUNCATE} costs a flush on every node, so only the tables a test actually wrote pay it.
     *
     * @return the number of tables truncated
     */
    static int empty(CqlSession session, String keyspace) {
        List<CompletableFuture<String>> checks = new ArrayList<>();
        for (String table : CassandraSchema.dataTables()) {
            CompletionStage<String> check = session.executeAsync(SimpleStatement.newInstance(
                            "SELECT * FROM " + keyspace + "." + table + " LIMIT 1"))
                    .thenApply(rs -> rs.one() == null ? null : table);
            checks.add(check.toCompletableFuture());
        }
        List<CompletableFuture<?>> truncates = new ArrayList<>();
        for (CompletableFuture<String> check : checks) {
            String table = check.join();
            if (table != null) {
                truncates.add(session.executeAsync(SimpleStatement.newInstance("TRUNCATE " + keyspace + "." + table)
                        .setTimeout(Duration.ofSeconds(60))).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(truncates.toArray(CompletableFuture[]::new)).join();
        return truncates.size();
    }
}
