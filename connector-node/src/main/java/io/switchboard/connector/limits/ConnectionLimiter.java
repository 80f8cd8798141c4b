package io.switchboard.connector.limits;

import java.util.concurrent.atomic.AtomicInteger;

/** Caps the open connections of this node (the process has a hard open-files limit). */
public final class ConnectionLimiter {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public ConnectionLimiter(int max) {
        this.max = max;
    }

    /** Reserves a slot; false when the node is full. */
    public boolean tryAcquire() {
        while (true) {
            int current = open.get();
            if (current >= max) {
                return false;
            }
            if (open.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void release() {
        open.decrementAndGet();
    }

    public int open() {
        return open.get();
    }
}
