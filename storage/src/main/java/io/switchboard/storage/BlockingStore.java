package io.switchboard.storage;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Users' block lists (XEP-0191 Blocking Command). Items are JIDs as the user gave them (a domain,
 * a bare or a full JID; the protocol layer normalises and interprets them), compared as exact
 * strings.
 *
 * <p>Deleting the account deletes its block list. Same conventions as {@link AccountStore}.
 */
public interface BlockingStore {

    /** The owner's blocked JIDs in Unicode code point order; empty for an unknown owner. */
    CompletionStage<List<String>> blocked(String owner);

    /**
     * Adds JIDs to the owner's block list (those already there stay). An empty collection is a
     * no-op, which completes normally even for an unknown owner.
     *
     * <p>Fails with {@link NoSuchAccountException} if the owner has no account.
     */
    CompletionStage<Void> block(String owner, Collection<String> jids);

    /** Removes the given JIDs (absent ones are ignored). An empty collection is a no-op. */
    CompletionStage<Void> unblock(String owner, Collection<String> jids);

    /** Empties the owner's block list. */
    CompletionStage<Void> unblockAll(String owner);
}
