package io.switchboard.storage.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How storage calls are guarded (see {@link ResilientStorage}).
 *
 * @param callTimeout           a call that has not completed after this fails with a timeout
 * @param failureRateThreshold  percentage of failed calls in the window that opens the breaker
 * @param slidingWindowSize     calls the failure rate is computed over
 * @param minimumCalls          calls needed in the window before the breaker may open
 * @param waitInOpenState       how long an open breaker refuses calls before it lets a few probe
 *                              calls through (half-open) to see whether the backend is back
 * @param maxConcurrentCalls    bulkhead: calls in flight at once; more fail at once instead of
 *                              queueing behind a slow backend
 * @param fallbackCacheEntries  users whose last successful reads (account, roster, block list,
 *                              archive prefs) are kept to answer those reads while storage fails;
 *                              0 disables the fallback
 */
public record ResilienceSettings(Duration callTimeout, float failureRateThreshold, int slidingWindowSize,
                                 int minimumCalls, Duration waitInOpenState, int maxConcurrentCalls,
                                 int fallbackCacheEntries) {

    public static final ResilienceSettings DEFAULTS = new ResilienceSettings(Duration.ofSeconds(2), 50f, 50, 10,
            Duration.ofSeconds(5), 512, 100_000);

    public ResilienceSettings {
        Objects.requireNonNull(callTimeout, "callTimeout");
        Objects.requireNonNull(waitInOpenState, "waitInOpenState");
        if (callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("callTimeout must be positive");
        }
        if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("failureRateThreshold must be in (0, 100]");
        }
        if (slidingWindowSize < 1 || minimumCalls < 1 || maxConcurrentCalls < 1 || fallbackCacheEntries < 0) {
            throw new IllegalArgumentException("window, minimum calls and concurrency must be >= 1, cache >= 0");
        }
        if (waitInOpenState.isNegative() || waitInOpenState.isZero()) {
            throw new IllegalArgumentException("waitInOpenState must be positive");
        }
    }
}
