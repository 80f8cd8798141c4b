package io.switchboard.loadtest.run;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The receiving side of the exactly-once check, for one client. Every chat body names the run, the
 * sender, a sequence number and the send time ({@link #body}); when a sender is done it sends an
 * end marker with the number it sent ({@link #endBody}). The receiver remembers which sequence
 * numbers it has seen per sender, so it knows how many arrived once, how many twice, and — once the
 * end marker is in — how many never arrived. Bodies of other runs (offline messages left over from
 * an earlier run) are told apart by the run id.
 *
 * <p>The end marker travels the same path as the messages, and RFC 6120 §10.1 keeps stanzas between
 * two entities in order, so when it arrives everything sent before it should have too; the receiver
 * still waits a little for stragglers before declaring loss.
 */
public final class DeliveryTracker {
    public static final String PREFIX = "LT|";
    public static final String END_PREFIX = "LT-END|";

    public enum Outcome { FIRST, DUPLICATE, END, STALE, NOT_OURS }

    private static final class Track {
        final BitSet seen = new BitSet();
        long distinct;
        long duplicates;
        long expected = -1;
    }

    private final String runId;
    private final Map<Integer, Track> senders = new HashMap<>(2);
    private long lastLatencyMicros;
    private int lastSender;

    public DeliveryTracker(String runId) {
        this.runId = runId;
    }

    public static String body(String runId, int sender, long seq, long sentMicros) {
        return PREFIX + runId + "|" + sender + "|" + seq + "|" + sentMicros;
    }

    public static String endBody(String runId, int sender, long count) {
        return END_PREFIX + runId + "|" + sender + "|" + count;
    }

    /** Accounts for one received body; after {@link Outcome#FIRST}, {@link #lastLatencyMicros()} is its latency. */
    public Outcome accept(String body, long readMicros) {
        if (body == null) {
            return Outcome.NOT_OURS;
        }
        boolean end = body.startsWith(END_PREFIX);
        if (!end && !body.startsWith(PREFIX)) {
            return Outcome.NOT_OURS;
        }
        String[] f = body.split("\\|");
        if (f.length < 4 || !f[1].equals(runId)) {
            return Outcome.STALE;
        }
        int sender = Integer.parseInt(f[2]);
        lastSender = sender;
        Track t = senders.computeIfAbsent(sender, k -> new Track());
        if (end) {
            t.expected = Long.parseLong(f[3]);
            return Outcome.END;
        }
        int seq = Integer.parseInt(f[3]);
        if (t.seen.get(seq)) {
            t.duplicates++;
            return Outcome.DUPLICATE;
        }
        t.seen.set(seq);
        t.distinct++;
        lastLatencyMicros = f.length > 4 ? readMicros - Long.parseLong(f[4]) : 0;
        return Outcome.FIRST;
    }

    public long lastLatencyMicros() {
        return lastLatencyMicros;
    }

    public int lastSender() {
        return lastSender;
    }

    /** Whether the sender's end marker is in and every message it announced arrived. */
    public boolean complete(int sender) {
        Track t = senders.get(sender);
        return t != null && t.expected >= 0 && t.distinct >= t.expected;
    }

    public boolean ended(int sender) {
        Track t = senders.get(sender);
        return t != null && t.expected >= 0;
    }

    public long received(int sender) {
        Track t = senders.get(sender);
        return t == null ? 0 : t.distinct;
    }

    public long duplicates(int sender) {
        Track t = senders.get(sender);
        return t == null ? 0 : t.duplicates;
    }

    /** Announced but not received (0 while no end marker is in). */
    public long missing(int sender) {
        Track t = senders.get(sender);
        return t == null || t.expected < 0 ? 0 : Math.max(0, t.expected - t.distinct);
    }
}
