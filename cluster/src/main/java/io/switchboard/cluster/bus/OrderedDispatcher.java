package io.switchboard.cluster.bus;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs asynchronous work strictly one item after another per key, and concurrently across keys.
 * Routers key by origin connection (RFC 6120 §10.1: a server MUST process the stanzas it receives
 * from one entity in order); the presence service keys by user so a user's updates stay ordered.
 * Without it a later item whose look-ups finish first would overtake an earlier one.
 *
 * <p>Confined to one event loop (one instance per verticle): no locking.
 */
public final class OrderedDispatcher<T> {
    private final Function<T, String> keyOf;
    private final Function<T, Future<Void>> work;
    private final Map<String, Future<Void>> tails = new HashMap<>();

    public OrderedDispatcher(Function<T, String> keyOf, Function<T, Future<Void>> work) {
        this.keyOf = keyOf;
        this.work = work;
    }

    /** @return completes (never fails) once this item's work is done, e.g. to acknowledge it to its sender */
    public Future<Void> dispatch(T item) {
        String key = keyOf.apply(item);
        Future<Void> previous = tails.get(key);
        Future<Void> current = previous == null ? safely(item) : previous.transform(ignored -> safely(item));
        tails.put(key, current);
        current.onComplete(done -> tails.remove(key, current)); // only what is in flight is kept
        return current;
    }

    private Future<Void> safely(T item) {
        try {
            return work.apply(item).recover(e -> Future.succeededFuture());
        } catch (RuntimeException e) {
            return Future.succeededFuture();
        }
    }

    /** Keys with work in flight. */
    public int inFlight() {
        return tails.size();
    }
}
