package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Prepares the stores' statements, each once per storage. CQL is written with {@code {ks}} for the
 * keyspace. Statements are prepared in parallel (a storage has about sixty) and handed out as
 * {@link Ref}s that resolve when {@link #awaitAll} returns.
 *
 * <p>Idempotence is declared per statement so the driver may retry or speculatively execute the
 * idempotent ones (reads, plain upserts and deletes); lightweight transactions and anything whose
 * repetition would differ are marked non-idempotent.
 */
final class Cql {

    private final CqlSession session;
    private final String keyspace;
    private final List<Ref> refs = new ArrayList<>();

    Cql(CqlSession session, String keyspace) {
        this.session = session;
        this.keyspace = keyspace;
    }

    String keyspace() {
        return keyspace;
    }

    /** An idempotent statement (read, upsert, delete). */
    Ref idempotent(String cql) {
        return prepare(cql, true);
    }

    /** A statement the driver must not retry on its own (lightweight transactions). */
    Ref conditional(String cql) {
        return prepare(cql, false);
    }

    private Ref prepare(String cql, boolean idempotent) {
        String text = cql.replace("{ks}", keyspace);
        SimpleStatement statement = SimpleStatement.newInstance(text).setIdempotent(idempotent);
        Ref ref = new Ref(text, session.prepareAsync(statement));
        refs.add(ref);
        return ref;
    }

    /** Waits for every statement prepared so far; rethrows the first failure. */
    void awaitAll() {
        CompletableFuture.allOf(refs.stream().map(r -> r.future).toArray(CompletableFuture[]::new)).join();
        for (Ref ref : refs) {
            ref.statement = ref.future.join();
        }
    }

    /** A prepared statement that becomes available once {@link #awaitAll} returned. */
    static final class Ref {

        private final String cql;
        private final CompletableFuture<PreparedStatement> future;
        private volatile PreparedStatement statement;

        private Ref(String cql, CompletionStage<PreparedStatement> stage) {
            this.cql = cql;
            this.future = stage.toCompletableFuture();
        }

        PreparedStatement get() {
            PreparedStatement s = statement;
            if (s == null) {
                throw new IllegalStateException("statement not prepared yet: " + cql);
            }
            return s;
        }

        com.datastax.oss.driver.api.core.cql.BoundStatement bind(Object... values) {
            return get().bind(values);
        }

        @Override
        public String toString() {
            return cql;
        }
    }
}
