package io.switchboard.storage;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One message in a user's archive (XEP-0313). The stanza is opaque to storage and returned byte
 * for byte; it is copied on construction and on access, as for {@link OfflineMessage}.
 *
 * @param owner  normalised bare JID of the archive's owner
 * @param id     the {@link ArchiveId}: unique within the owner's archive, time-ordered; its time is
 *               the archiving time ({@link #timestamp()})
 * @param with   the other party as the stanza named it: for an incoming message its {@code from},
 *               for an outgoing one its {@code to} (a full or a bare JID). Queries by a bare JID
 *               match every resource of it (XEP-0313 §4.1.1)
 * @param stanza the serialized message as archived
 */
public record ArchivedMessage(String owner, long id, String with, byte[] stanza) {

    public ArchivedMessage {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(with, "with");
        Objects.requireNonNull(stanza, "stanza");
        if (id < 0) {
            throw new IllegalArgumentException("negative archive id " + id);
        }
        stanza = stanza.clone();
    }

    @Override
    public byte[] stanza() {
        return stanza.clone();
    }

    public Instant timestamp() {
        return ArchiveId.instant(id);
    }

    /** {@link #with} without its resource. */
    public String withBare() {
        return bareOf(with);
    }

    /** The bare part of a JID string: everything before the first '/' (RFC 7622 §3.1). */
    public static String bareOf(String jid) {
        int slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(0, slash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArchivedMessage other
                && owner.equals(other.owner)
                && id == other.id
                && with.equals(other.with)
                && Arrays.equals(stanza, other.stanza);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, id, with, Arrays.hashCode(stanza));
    }

    @Override
    public String toString() {
        // Stanza content stays out of logs: it is user message content.
        return "ArchivedMessage[owner=" + owner + ", id=" + ArchiveId.format(id) + ", with=" + with
                + ", stanza=" + stanza.length + " bytes]";
    }
}
