package io.switchboard.storage;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Messages kept for offline users until they are delivered.
 *
 * <p>Delivery is fetch, send, then delete by id, so a crash between send and delete re-delivers
 * rather than loses (XMPP clients de-duplicate far more easily than they recover lost messages).
 *
 * <p>Same conventions as {@link AccountStore}: non-blocking, failures as {@link StorageException}
 * in the stage, argument errors thrown synchronously.
 */
public interface OfflineStore {

    /**
     * Stores a message. Storing a message whose id that user already has is a no-op (the first
     * copy is kept), so a retried store does not duplicate.
     *
     * <p>Fails with {@link NoSuchAccountException} if {@code m.bareJid()} has no account: messages
     * for unknown users would otherwise linger and be delivered to whoever registers that JID next.
     */
    CompletionStage<Void> store(OfflineMessage m);

    /**
     * Up to {@code limit} ({@code > 0}) of the user's messages, oldest {@code storedAt} first;
     * messages with equal {@code storedAt} come in the order they were stored (XMPP requires
     * per-sender ordering, and senders often store several within one millisecond).
     * Does not remove them. Unknown users have no messages.
     */
    CompletionStage<List<OfflineMessage>> fetch(String bareJid, int limit);

    /**
     * Deletes the user's messages with the given ids. Ids the user does not have (including other
     * users' ids) are ignored; an empty collection is a no-op.
     */
    CompletionStage<Void> delete(String bareJid, Collection<String> ids);

    /** Number of messages stored for the user (0 for unknown users). */
    CompletionStage<Integer> count(String bareJid);
}
