package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.QueryConsistencyException;
import com.datastax.oss.driver.api.core.servererrors.ReadFailureException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import io.switchboard.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs statements asynchronously for the stores and owns the rules every store follows:
 *
 * <ul>
 *   <li>Driver futures complete on Netty I/O threads. Every result is handed over to a small
 *       dedicated pool before any store logic or caller continuation runs, so a caller that blocks
 *       in a non-async continuation blocks one of these threads, never the driver's event loop.</li>
 *   <li>Every failure becomes a {@link StorageException} naming the operation and the cause
 *       (timeouts, unavailable replicas, no reachable node, ...).</li>
 *   <li>Operations are counted, so {@link #close} can wait for those already started and refuse
 *       new ones.</li>
 * </ul>
 */
final class CqlExecutor {

    private final CqlSession session;
    private final String keyspace;
    private final ThreadPoolExecutor pool;
    /** Never rejects: after shutdown, continuations run on the completing thread instead of being lost. */
    private final Executor executor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object drained = new Object();

    CqlExecutor(CqlSession session, String keyspace, int threads) {
        this.session = session;
        this.keyspace = keyspace;
        AtomicInteger counter = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new PoolThread(this, task, "cassandra-storage-" + keyspace + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.executor = task -> {
            try {
                pool.execute(task);
            } catch (RejectedExecutionException e) {
                task.run();
            }
        };
    }

    CqlSession session() {
        return session;
    }

    Executor executor() {
        return executor;
    }

    boolean isPoolThread() {
        return Thread.currentThread() instanceof PoolThread thread && thread.owner == this;
    }

    /** A thread of this executor's pool (so {@link #isPoolThread} does not go by names). */
    private static final class PoolThread extends Thread {

        private final CqlExecutor owner;

        PoolThread(CqlExecutor owner, Runnable task, String name) {
            super(task, name);
            this.owner = owner;
        }
    }

    /**
     * Runs one store operation: refuses it after close, counts it while it runs, and makes sure
     * the returned future fails only with {@link StorageException} (or a subclass).
     */
    <T> CompletableFuture<T> run(String what, Supplier<CompletableFuture<T>> operation) {
        inFlight.incrementAndGet();
        if (closed.get()) {
            finished();
            return CompletableFuture.failedFuture(new StorageException(
                    "Cassandra storage (keyspace " + keyspace + ") is closed: cannot " + what));
        }
        CompletableFuture<T> started;
        try {
            started = operation.get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        started.whenComplete((value, failure) -> {
            finished();
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(translate(what, failure));
            }
        });
        return result;
    }

    /** Executes a statement; the future completes on the storage pool. */
    CompletableFuture<AsyncResultSet> execute(Statement<?> statement) {
        CompletableFuture<AsyncResultSet> result = new CompletableFuture<>();
        CompletionStage<AsyncResultSet> stage;
        try {
            stage = session.executeAsync(statement);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        stage.whenCompleteAsync((rs, failure) -> {
            if (failure == null) {
                result.complete(rs);
            } else {
                result.completeExceptionally(unwrap(failure));
            }
        }, executor);
        return result;
    }

    /** The first row, or null. Reads only the first page. */
    CompletableFuture<Row> one(Statement<?> statement) {
        return execute(statement).thenApply(AsyncResultSet::one);
    }

    /** Whether the statement returned any row (first page only). */
    CompletableFuture<Boolean> exists(Statement<?> statement) {
        return execute(statement).thenApply(rs -> rs.one() != null);
    }

    /** Executes a statement whose result does not matter. */
    CompletableFuture<Void> write(Statement<?> statement) {
        return execute(statement).thenApply(rs -> null);
    }

    /** Every row of every page, mapped. */
    <T> CompletableFuture<List<T>> all(Statement<?> statement, Function<Row, T> mapper) {
        return execute(statement).thenCompose(rs -> collect(rs, mapper, new ArrayList<>()));
    }

    private <T> CompletableFuture<List<T>> collect(AsyncResultSet rs, Function<Row, T> mapper, List<T> into) {
        for (Row row : rs.currentPage()) {
            into.add(mapper.apply(row));
        }
        if (!rs.hasMorePages()) {
            return CompletableFuture.completedFuture(into);
        }
        return nextPage(rs).thenCompose(next -> collect(next, mapper, into));
    }

    /** Fetches the next page of a result; completes on the storage pool. */
    CompletableFuture<AsyncResultSet> nextPage(AsyncResultSet rs) {
        CompletableFuture<AsyncResultSet> result = new CompletableFuture<>();
        rs.fetchNextPage().whenCompleteAsync((next, failure) -> {
            if (failure == null) {
                result.complete(next);
            } else {
                result.completeExceptionally(unwrap(failure));
            }
        }, executor);
        return result;
    }

    /**
     * Runs {@code action} for every element, at most {@code parallelism} at a time: that many lanes
     * each take the next element when their previous one finished. Fails with the first failure
     * (lanes already running finish their current element and stop).
     */
    <E> CompletableFuture<Void> forEach(List<E> elements, int parallelism, Function<E, CompletableFuture<?>> action) {
        if (elements.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Queue<E> queue = new ConcurrentLinkedQueue<>(elements);
        AtomicBoolean failed = new AtomicBoolean();
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(parallelism, elements.size())];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = lane(queue, failed, action);
        }
        return CompletableFuture.allOf(lanes);
    }

    private <E> CompletableFuture<Void> lane(Queue<E> queue, AtomicBoolean failed, Function<E, CompletableFuture<?>> action) {
        E next = failed.get() ? null : queue.poll();
        if (next == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<?> step;
        try {
            step = action.apply(next);
        } catch (RuntimeException e) {
            step = CompletableFuture.failedFuture(e);
        }
        return step.handle((ignored, failure) -> {
            if (failure != null) {
                failed.set(true);
                return CompletableFuture.<Void>failedFuture(unwrap(failure));
            }
            return lane(queue, failed, action);
        }).thenCompose(Function.identity());
    }

    /** Marks the executor closed, waits up to {@code wait} for running operations, stops the pool. */
    void close(Duration wait) {
        closed.set(true);
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (drained) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    drained.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    void shutdownPool() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0 && closed.get()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether a failure of a lightweight transaction is contention or a timeout worth retrying. */
    static boolean isRetryableCas(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof WriteTimeoutException || t instanceof ReadTimeoutException
                || t instanceof DriverTimeoutException || t instanceof UnavailableException;
    }

    /** The {@link StorageException} callers see for a failure of operation {@code what}. */
    StorageException translate(String what, Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof StorageException se) {
            return se;
        }
        String prefix = "Cassandra storage (keyspace " + keyspace + "): " + what + " failed: ";
        String reason;
        if (t instanceof NoNodeAvailableException) {
            reason = "no Cassandra node is available (all down, or none in the local datacenter)";
        } else if (t instanceof AllNodesFailedException all) {
            reason = "every node tried failed: " + summarize(all);
        } else if (t instanceof DriverTimeoutException) {
            reason = "no response within the request timeout (" + t.getMessage() + ")";
        } else if (t instanceof WriteTimeoutException wte) {
            reason = "write timed out waiting for replicas (" + wte.getReceived() + " of " + wte.getBlockFor()
                    + " acknowledged at " + wte.getConsistencyLevel() + ", write type " + wte.getWriteType()
                    + (wte.getWriteType() == WriteType.CAS ? "; the conditional write may or may not have been applied" : "")
                    + ")";
        } else if (t instanceof ReadTimeoutException rte) {
            reason = "read timed out waiting for replicas (" + rte.getReceived() + " of " + rte.getBlockFor()
                    + " answered at " + rte.getConsistencyLevel() + ")";
        } else if (t instanceof UnavailableException ue) {
            reason = "not enough replicas alive for " + ue.getConsistencyLevel() + " (" + ue.getAlive() + " of "
                    + ue.getRequired() + " required)";
        } else if (t instanceof ReadFailureException || t instanceof WriteFailureException
                || t instanceof QueryConsistencyException) {
            reason = "replicas reported a failure: " + t.getMessage();
        } else if (t instanceof DriverException) {
            reason = t.getClass().getSimpleName() + ": " + t.getMessage();
        } else if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("closed")) {
            reason = "the Cassandra session is closed";
        } else {
            reason = "unexpected " + t;
        }
        return new StorageException(prefix + reason, t);
    }

    private static String summarize(AllNodesFailedException all) {
        StringBuilder text = new StringBuilder();
        all.getAllErrors().forEach((node, errors) -> {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(node.getEndPoint()).append(": ");
            text.append(errors.isEmpty() ? "?" : errors.get(errors.size() - 1).toString());
        });
        return text.length() == 0 ? String.valueOf(all.getMessage()) : text.toString();
    }
}
