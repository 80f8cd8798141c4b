package io.switchboard.connector;

import io.switchboard.cluster.bus.Delivery;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.vertx.core.Future;

/**
 * How node-level code reaches one connection. Implementations hop onto the connection's own
 * event loop, so callers on any thread may use it.
 */
public interface ConnectionHandle {
    void deliver(Delivery delivery);

    /** Delivers and completes once written; fails when the connection is gone or not bound. */
    Future<Void> deliverConfirmed(Delivery delivery);

    void closeWithError(StreamErrorCondition condition, String text);
}
