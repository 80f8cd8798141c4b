package io.switchboard.storage.cassandra;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one at a time per key (e.g. per roster owner), in submission
 * order, without holding a thread while waiting.
 *
 * <p>Used for writes that are lightweight transactions on one partition: Paxos rounds on the same
 * partition from one process would only compete with each other (and retry after losing), so this
 * process queues them locally and only competes with other processes. Correctness does not depend
 * on it; the conditional writes stay correct across processes.
 */
final class KeyedSequencer {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final Executor executor;

    KeyedSequencer(Executor executor) {
        this.executor = executor;
    }

    <T> CompletableFuture<T> run(String key, Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(key, done);
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> started;
            try {
                started = operation.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, failure) -> {
                tails.remove(key, done);
                done.complete(null);
                if (failure == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(failure);
                }
            });
        };
        if (previous == null) {
            start.run();
        } else {
            // Async: a long queue must not grow the stack of whichever thread completes the head.
            previous.whenCompleteAsync((ignored, failure) -> start.run(), executor);
        }
        return result;
    }
}
