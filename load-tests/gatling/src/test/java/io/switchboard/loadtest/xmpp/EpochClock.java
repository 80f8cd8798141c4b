package io.switchboard.loadtest.xmpp;

import java.time.Instant;

/**
 * Wall-clock time in microseconds. Delivery latency is measured by the receiver against a timestamp
 * the sender put in the message, possibly in another generator process on the same machine, so it
 * must be the shared system clock rather than {@code nanoTime}.
 */
public final class EpochClock {
    private EpochClock() {
    }

    public static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
