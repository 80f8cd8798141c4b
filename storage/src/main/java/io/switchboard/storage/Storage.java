package io.switchboard.storage;

/**
 * Entry point to persistent state. One instance per process, shared by all components; the
 * stores it hands out are thread-safe and live as long as it does.
 *
 * <p>Implementations: {@code io.switchboard.storage.embedded.EmbeddedStorage} (SQLite file,
 * single-node default). Every implementation must pass the storage contract test suite
 * ({@code StorageContractTest} in this module's test-jar).
 */
public interface Storage extends AutoCloseable {

    AccountStore accounts();

    OfflineStore offline();

    RosterStore rosters();

    /** Message archives and archiving preferences (XEP-0313). */
    ArchiveStore archive();

    /** vCards (XEP-0054). */
    VCardStore vcards();

    /** Private XML storage (XEP-0049). */
    PrivateXmlStore privateXml();

    /** Block lists (XEP-0191). */
    BlockingStore blocking();

    /** Human-readable description for logs, e.g. {@code "embedded SQLite at /var/lib/switchboard/switchboard.db"}. */
    String description();

    /**
     * Finishes work already submitted, then releases resources. Operations started after close
     * fail with {@link StorageException}. Idempotent. Blocks until done, so call it from a thread
     * that may block (shutdown hook, main thread), not from an event loop.
     */
    @Override
    void close();
}
