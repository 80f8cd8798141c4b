package io.switchboard.connector.limits;

/**
 * A per-connection token bucket over bytes read. A client over its rate is not disconnected: the
 * connection stops reading until the bucket refills, so TCP back-pressure slows the client down
 * while everyone else keeps being served.
 */
public final class RateLimiter {
    private final double bytesPerNano;
    private final long burst;
    private double tokens;
    private long lastRefill;

    public RateLimiter(int bytesPerSecond, int burstBytes) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.burst = burstBytes;
        this.tokens = burstBytes;
        this.lastRefill = System.nanoTime();
    }

    /**
     * Takes {@code bytes} from the bucket.
     *
     * @return 0 when the connection may keep reading, otherwise how many milliseconds to pause
     */
    public long consume(int bytes, long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastRefill) * bytesPerNano);
        lastRefill = nowNanos;
        tokens -= bytes;
        if (tokens >= 0) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil(-tokens / bytesPerNano / 1_000_000));
    }
}
