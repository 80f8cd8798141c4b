package io.switchboard.storage;

import java.time.Instant;

/**
 * A filter and one page of an archive query (XEP-0313 §4.1 filters, XEP-0059 paging).
 *
 * <p>The messages that match are those with {@code start <= timestamp <= end},
 * {@code afterId < id < beforeId} and, if {@code with} is set, a matching {@link ArchivedMessage#with}:
 * a bare {@code with} (no '/') matches every message whose {@link ArchivedMessage#withBare()} equals
 * it, a full one only messages whose {@code with} equals it exactly. Absent bounds do not limit.
 * Times compare at the ids' millisecond precision: {@code start} and {@code end} are truncated to
 * their millisecond ({@link ArchiveId#lowest}, {@link ArchiveId#highest}).
 *
 * @param with     contact filter, or null
 * @param start    inclusive lower time bound, or null
 * @param end      inclusive upper time bound, or null
 * @param afterId  exclusive lower id bound (XEP-0059 {@code <after/>} or XEP-0313 {@code after-id}), or null
 * @param beforeId exclusive upper id bound (XEP-0059 {@code <before>id</before>} or {@code before-id}), or null
 * @param limit    page size, {@code > 0}
 * @param last     which end of the matching messages the page is taken from: {@code false} the
 *                 oldest {@code limit} ones (paging forward), {@code true} the newest {@code limit}
 *                 ones (paging backward, XEP-0059 §2.5 {@code <before/>})
 */
public record ArchiveQuery(String with, Instant start, Instant end, Long afterId, Long beforeId, int limit,
                           boolean last) {

    public ArchiveQuery {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, was " + limit);
        }
    }

    /** The oldest {@code limit} messages, no filter. */
    public static ArchiveQuery first(int limit) {
        return new ArchiveQuery(null, null, null, null, null, limit, false);
    }

    /** The newest {@code limit} messages, no filter. */
    public static ArchiveQuery latest(int limit) {
        return new ArchiveQuery(null, null, null, null, null, limit, true);
    }

    public ArchiveQuery withContact(String jid) {
        return new ArchiveQuery(jid, start, end, afterId, beforeId, limit, last);
    }

    public ArchiveQuery between(Instant from, Instant to) {
        return new ArchiveQuery(with, from, to, afterId, beforeId, limit, last);
    }

    public ArchiveQuery after(Long id) {
        return new ArchiveQuery(with, start, end, id, beforeId, limit, last);
    }

    public ArchiveQuery before(Long id) {
        return new ArchiveQuery(with, start, end, afterId, id, limit, last);
    }

    /** Whether a message matches the filter and id bounds (not the page size). For backends and tests. */
    public boolean matches(ArchivedMessage m) {
        if (afterId != null && m.id() <= afterId) {
            return false;
        }
        if (beforeId != null && m.id() >= beforeId) {
            return false;
        }
        if (start != null && m.id() < ArchiveId.lowest(start)) {
            return false;
        }
        if (end != null && m.id() > ArchiveId.highest(end)) {
            return false;
        }
        if (with == null) {
            return true;
        }
        return with.indexOf('/') < 0 ? m.withBare().equals(with) : m.with().equals(with);
    }

    /**
     * The smallest id that can match (combining {@code start} and {@code afterId}). Together with
     * {@link #highestId()} an inclusive range: nothing can match when it is empty
     * ({@code lowestId() > highestId()}).
     */
    public long lowestId() {
        long low = start == null ? 0 : ArchiveId.lowest(start);
        // Saturating: afterId comes from clients (ArchiveId.parse accepts Long.MAX_VALUE).
        return afterId == null ? low : Math.max(low, afterId == Long.MAX_VALUE ? Long.MAX_VALUE : afterId + 1);
    }

    /** The largest id that can match (combining {@code end} and {@code beforeId}); negative when nothing can. */
    public long highestId() {
        if (afterId != null && afterId == Long.MAX_VALUE) {
            return -1; // no id is above it
        }
        long high = end == null ? Long.MAX_VALUE : ArchiveId.highest(end);
        return beforeId == null ? high : Math.min(high, beforeId <= 0 ? -1 : beforeId - 1);
    }
}
