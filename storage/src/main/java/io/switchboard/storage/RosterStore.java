package io.switchboard.storage;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Rosters (RFC 6121 §2) and unanswered inbound subscription requests (RFC 6121 §3.1.3), keyed by
 * the owner's normalised bare JID. Callers normalise; stores compare JIDs as exact strings.
 *
 * <p><b>Versions.</b> Each owner's roster has a version, {@code 0} until its first change. Every
 * change ({@link #put} of a new or different item, {@link #remove} of an existing one) increases
 * it by exactly one, atomically with the change, so concurrent writers (also on other nodes) never
 * get the same version for different content; a write that changes nothing leaves it alone. That
 * is what roster versioning (RFC 6121 §2.6) needs: a client that has version {@code v} is up to
 * date exactly when {@link #version} still returns {@code v}. Deleting the account resets the
 * roster to version {@code 0}, so a re-registered JID counts from the start again; a protocol
 * layer that hands versions to clients should therefore mix in something that changes on
 * re-registration (e.g. {@link Account#createdAt()}), or a client that cached the old account's
 * roster could be told it is up to date.
 *
 * <p>Storage does not interpret items (see {@link RosterItem}) or tie pending requests to items:
 * keeping them consistent, e.g. removing the pending request when the user approves it, is the
 * presence layer's job.
 *
 * <p>Same conventions as {@link AccountStore}: non-blocking, failures as {@link StorageException}
 * in the stage, argument errors thrown synchronously. Writes for a JID without an account fail
 * with {@link NoSuchAccountException} (a roster left for an unknown JID would be inherited by
 * whoever registers it next); reads for one return empty results.
 */
public interface RosterStore {

    /** The owner's roster, items and version from one snapshot; {@link Roster#EMPTY} if it has none. */
    CompletionStage<Roster> roster(String owner);

    /** The owner's current roster version; {@code 0} if it was never changed (or the owner is unknown). */
    CompletionStage<Long> version(String owner);

    /** The owner's item for {@code contact}, if any. */
    CompletionStage<Optional<RosterItem>> item(String owner, String contact);

    /**
     * Inserts the item, or replaces the owner's item with the same contact (all of it: name,
     * groups, subscription and flags).
     *
     * @return the roster version after the write: one more than before if the item changed
     *         anything, or the current version if the owner already had an equal item
     * @throws NullPointerException if an argument is null (sizes are checked by {@link RosterItem})
     */
    CompletionStage<Long> put(String owner, RosterItem item);

    /**
     * Removes the owner's item for {@code contact}.
     *
     * @return the new roster version, or the current one unchanged if there was no such item
     *         (including for an unknown owner, where it is {@code 0})
     */
    CompletionStage<Long> remove(String owner, String contact);

    /**
     * The owners whose roster has an item for {@code contact}, whatever its subscription state,
     * in Unicode code point order: who to tell when the contact's account goes away, or who may
     * hold state about a JID.
     *
     * <p>Backends must answer this from an index, not by scanning all rosters. In SQLite that is
     * an index on the contact column; Cassandra partitions rosters by owner, so it will need a
     * reverse table ({@code contact -> owner}) written in the same logged batch as the item.
     */
    CompletionStage<List<String>> owners(String contact);

    /**
     * Records an inbound subscription request for {@code owner}, replacing any earlier one from
     * the same requester ({@code p.from()}), including its time, so the newest stanza is what gets
     * re-delivered.
     *
     * <p>Fails with {@link NoSuchAccountException} if the owner has no account.
     */
    CompletionStage<Void> addPending(String owner, PendingSubscription p);

    /**
     * Forgets the owner's pending request from {@code from} (the user answered it, or the
     * requester cancelled it).
     *
     * @return whether there was one
     */
    CompletionStage<Boolean> removePending(String owner, String from);

    /**
     * The owner's pending requests, oldest {@code receivedAt} first; requests with equal times are
     * ordered by {@code from} in code point order, so every backend returns the same sequence.
     * Empty for an unknown owner.
     */
    CompletionStage<List<PendingSubscription>> pending(String owner);
}
