package io.switchboard.storage;

import io.switchboard.protocol.sasl.ScramCredential;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * User accounts, keyed by normalised bare JID ({@code "alice@localhost"}). The caller normalises;
 * the store compares keys as exact strings.
 *
 * <p>Every method returns immediately; I/O happens elsewhere. Stages fail with
 * {@link StorageException}. Invalid arguments throw {@link NullPointerException} or
 * {@link IllegalArgumentException} synchronously. Stages may complete on a storage thread, so
 * callers must not block in non-async continuations (Vert.x code should re-enter its context,
 * e.g. {@code Future.fromCompletionStage(stage, context)}).
 *
 * <p>A completed write is visible to every later read through the same {@link Storage}.
 */
public interface AccountStore {

    /**
     * Creates an account with the given credentials (at most one per algorithm; may be empty,
     * which yields an account nobody can log in to).
     *
     * @return {@code true} if created, {@code false} if an account with that JID already existed
     *         (its credentials are left untouched). Atomic: of any number of concurrent creates of
     *         one JID, across processes/nodes sharing the storage, exactly one yields {@code true}.
     */
    CompletionStage<Boolean> create(String bareJid, Collection<ScramCredential> credentials);

    /** The account, or empty if there is none. */
    CompletionStage<Optional<Account>> find(String bareJid);

    /** Whether the account exists. */
    CompletionStage<Boolean> exists(String bareJid);

    /**
     * Replaces all credentials of an existing account (algorithms not in {@code credentials} are
     * removed). Never creates an account.
     *
     * @return {@code false} if there is no such account
     */
    CompletionStage<Boolean> updateCredentials(String bareJid, Collection<ScramCredential> credentials);

    /**
     * Deletes the account together with its credentials, its offline messages, its roster (items
     * and version, see {@link RosterStore}), the subscription requests waiting for its answer, its
     * message archive and archiving preferences, its vCard, its private XML and its block list,
     * so a later account with the same JID starts clean. Other users' rosters are left alone: their
     * items for this JID stay, as they would for a contact on another server that went away.
     *
     * @return {@code false} if there was no such account
     */
    CompletionStage<Boolean> delete(String bareJid);

    /**
     * One page of account JIDs in ascending Unicode code point order (the same as UTF-8 byte
     * order, which every backend can sort by; note that {@link String#compareTo} differs for
     * characters outside the BMP).
     *
     * @param afterBareJid exclusive lower bound, typically the last JID of the previous page;
     *                     need not exist; {@code null} starts at the beginning
     * @param limit        maximum page size, {@code > 0}; a shorter page means the end was reached
     */
    CompletionStage<List<String>> list(String afterBareJid, int limit);

    /** Number of accounts. */
    CompletionStage<Long> count();
}
