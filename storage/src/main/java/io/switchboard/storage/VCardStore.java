package io.switchboard.storage;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users' vCards (XEP-0054 vcard-temp, whose PHOTO also carries XEP-0153 avatars). The vCard is the
 * serialized {@code <vCard xmlns='vcard-temp'/>} element, opaque to storage and returned byte for
 * byte. Size limits are the protocol layer's job.
 *
 * <p>Deleting the account deletes its vCard. Same conventions as {@link AccountStore}.
 */
public interface VCardStore {

    /** The owner's vCard, or empty if none was stored (or the owner is unknown). */
    CompletionStage<Optional<byte[]>> get(String owner);

    /**
     * Stores (replaces) the owner's vCard.
     *
     * <p>Fails with {@link NoSuchAccountException} if the owner has no account.
     */
    CompletionStage<Void> put(String owner, byte[] vcard);

    /** Removes the owner's vCard; returns whether there was one. */
    CompletionStage<Boolean> delete(String owner);
}
