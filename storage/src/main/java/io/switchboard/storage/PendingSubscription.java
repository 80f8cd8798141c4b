package io.switchboard.storage;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * An inbound subscription request the user has not answered yet ("Pending In", RFC 6121 §3.1.3):
 * kept until the user approves or denies it, and re-delivered at each login meanwhile.
 *
 * <p>The stanza is opaque to storage and returned byte for byte; it is copied on construction and
 * on access, and {@code equals}/{@code hashCode} compare its content, as for
 * {@link OfflineMessage}.
 *
 * @param from       normalised bare JID of the requester; a user has at most one pending request
 *                   per requester
 * @param receivedAt when the request arrived; {@link RosterStore#pending} returns oldest first.
 *                   Backends keep millisecond precision
 * @param stanza     the serialized {@code <presence type='subscribe'/>} to re-deliver (it may
 *                   carry a status text or a nickname, which is why the whole stanza is kept)
 */
public record PendingSubscription(String from, Instant receivedAt, byte[] stanza) {

    public PendingSubscription {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(stanza, "stanza");
        stanza = stanza.clone();
    }

    @Override
    public byte[] stanza() {
        return stanza.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingSubscription other
                && from.equals(other.from)
                && receivedAt.equals(other.receivedAt)
                && Arrays.equals(stanza, other.stanza);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, receivedAt, Arrays.hashCode(stanza));
    }

    @Override
    public String toString() {
        // The stanza may hold the requester's status text: keep it out of logs.
        return "PendingSubscription[from=" + from + ", receivedAt=" + receivedAt
                + ", stanza=" + stanza.length + " bytes]";
    }
}
