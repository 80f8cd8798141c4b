package io.switchboard.storage;

import java.util.concurrent.CompletionStage;

/**
 * Users' message archives (XEP-0313 Message Archive Management) and their archiving preferences.
 *
 * <p>Each owner has one archive ordered by {@link ArchiveId}. Backends must answer every
 * {@link ArchiveQuery} without scanning other users' data, and a {@code with} query without
 * scanning the owner's whole archive (Cassandra: a table partitioned by owner and contact). An
 * archive may be large (a million messages), so backends partition it by time as well.
 *
 * <p>Deleting the account ({@link AccountStore#delete}) deletes its archive and preferences.
 * Retention (expiring old messages) is backend configuration, not part of this interface.
 *
 * <p>Same conventions as {@link AccountStore}: non-blocking, failures as {@link StorageException}
 * in the stage, argument errors thrown synchronously.
 */
public interface ArchiveStore {

    /**
     * Archives a message. Appending the same message again (a retry, also one racing the first
     * attempt) leaves exactly one copy. Ids are unique by construction ({@link ArchiveId}), so a
     * different message under an id the archive already has is a caller bug; which of the two a
     * backend keeps is unspecified, which spares backends a read or a lightweight transaction on
     * every append.
     *
     * <p>Fails with {@link NoSuchAccountException} if the owner has no account.
     */
    CompletionStage<Void> append(ArchivedMessage m);

    /** One page of the owner's archive; an unknown owner has an empty, complete archive. */
    CompletionStage<ArchivePage> query(String owner, ArchiveQuery query);

    /** The owner's preferences; {@link ArchivePrefs#DEFAULT} if never set (or the owner is unknown). */
    CompletionStage<ArchivePrefs> prefs(String owner);

    /**
     * Replaces the owner's preferences.
     *
     * <p>Fails with {@link NoSuchAccountException} if the owner has no account.
     */
    CompletionStage<Void> setPrefs(String owner, ArchivePrefs prefs);
}
