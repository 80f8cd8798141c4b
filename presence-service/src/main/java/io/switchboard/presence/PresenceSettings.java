package io.switchboard.presence;

import java.time.Duration;

/**
 * @param domain         the served domain
 * @param coalesceWindow updates from one resource closer together than this are coalesced: the
 *                       first goes out at once, the latest of the rest when the window closes
 * @param naiveFanOut    benchmark baseline only: one event-bus message per recipient, no
 *                       deduplication, no coalescing
 */
public record PresenceSettings(String domain, Duration coalesceWindow, boolean naiveFanOut) {
}
