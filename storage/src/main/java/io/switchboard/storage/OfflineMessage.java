package io.switchboard.storage;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stanza kept for a user who was offline when it arrived.
 *
 * <p>The stanza is the serialized XML as bytes and is opaque to storage: backends must return it
 * byte for byte (it may contain any UTF-8, including characters outside the BMP).
 *
 * <p>The array is copied on construction and on access so a stored or fetched message cannot be
 * changed behind the store's back; {@code equals}/{@code hashCode} compare its content (a plain
 * record would compare array identity).
 *
 * @param id       caller-chosen id, unique per user (e.g. a UUID); storing the same id twice for
 *                 the same user keeps the first copy, so a retried store does not duplicate
 * @param bareJid  normalised bare JID of the recipient
 * @param storedAt when the message was stored; fetch order is by this instant. Backends keep
 *                 at least millisecond precision, so callers wanting exact round trips should
 *                 truncate to milliseconds
 * @param stanza   serialized stanza bytes
 */
public record OfflineMessage(String id, String bareJid, Instant storedAt, byte[] stanza) {

    public OfflineMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bareJid, "bareJid");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(stanza, "stanza");
        stanza = stanza.clone();
    }

    @Override
    public byte[] stanza() {
        return stanza.clone();
    }

    /** Stanza size in bytes, without copying. */
    public int size() {
        return stanza.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfflineMessage other
                && id.equals(other.id)
                && bareJid.equals(other.bareJid)
                && storedAt.equals(other.storedAt)
                && Arrays.equals(stanza, other.stanza);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, bareJid, storedAt, Arrays.hashCode(stanza));
    }

    @Override
    public String toString() {
        // Stanza content stays out of logs: it is user message content.
        return "OfflineMessage[id=" + id + ", bareJid=" + bareJid + ", storedAt=" + storedAt
                + ", stanza=" + stanza.length + " bytes]";
    }
}
