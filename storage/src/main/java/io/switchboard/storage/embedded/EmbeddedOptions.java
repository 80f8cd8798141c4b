package io.switchboard.storage.embedded;

import java.time.Duration;

/**
 * Settings of the embedded backend beyond its location. Expiry is checked when the storage opens
 * and then hourly, so data may outlive its limit by up to an hour.
 *
 * @param archiveRetention how long archived messages are kept, by their archiving time (their
 *                         {@link io.switchboard.storage.ArchiveId}); {@code null} or zero keeps
 *                         them forever (normalised to {@code null})
 * @param offlineTtl       how long undelivered offline messages are kept, by their
 *                         {@code storedAt}; {@code null} or zero keeps them forever (normalised
 *                         to {@code null})
 */
public record EmbeddedOptions(Duration archiveRetention, Duration offlineTtl) {

    /** Keep everything forever. */
    public static final EmbeddedOptions DEFAULT = new EmbeddedOptions(null, null);

    /** @throws IllegalArgumentException if a duration is negative */
    public EmbeddedOptions {
        archiveRetention = forever(archiveRetention, "archiveRetention");
        offlineTtl = forever(offlineTtl, "offlineTtl");
    }

    public EmbeddedOptions withArchiveRetention(Duration retention) {
        return new EmbeddedOptions(retention, offlineTtl);
    }

    public EmbeddedOptions withOfflineTtl(Duration ttl) {
        return new EmbeddedOptions(archiveRetention, ttl);
    }

    /** Whether anything expires, i.e. whether the storage needs to purge. */
    public boolean expires() {
        return archiveRetention != null || offlineTtl != null;
    }

    private static Duration forever(Duration d, String name) {
        if (d == null || d.isZero()) {
            return null;
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }
}
