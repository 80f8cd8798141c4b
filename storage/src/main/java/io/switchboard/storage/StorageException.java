package io.switchboard.storage;

/**
 * A storage operation failed: the backend was unreachable, the data could not be read or
 * written, or the storage has been closed.
 *
 * <p>Unchecked because it always arrives through a failed {@link java.util.concurrent.CompletionStage}
 * (or from {@code open}-style factories), never from a method signature callers could usefully
 * declare. Invalid arguments (nulls, non-positive limits, duplicate algorithms) are programming
 * errors and are reported with {@link NullPointerException} / {@link IllegalArgumentException}
 * thrown synchronously instead, so they are never mistaken for an outage.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
