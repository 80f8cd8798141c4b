package io.switchboard.storage;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Private XML storage (XEP-0049 {@code jabber:iq:private}): per user, one XML element per
 * qualified name, opaque to storage and returned byte for byte.
 *
 * <p>Keys are the element's namespace and local name ({@link #key}); the store compares them as
 * exact strings. Deleting the account deletes its private data. Same conventions as
 * {@link AccountStore}.
 */
public interface PrivateXmlStore {

    /** The storage key of an element: {@code "{namespace}localName"} (James Clark notation). */
    static String key(String namespace, String localName) {
        return "{" + namespace + "}" + localName;
    }

    /** The owner's element for {@code key}, or empty. */
    CompletionStage<Optional<byte[]>> get(String owner, String key);

    /**
     * Stores (replaces) the owner's element for {@code key}.
     *
     * <p>Fails with {@link NoSuchAccountException} if the owner has no account.
     */
    CompletionStage<Void> put(String owner, String key, byte[] element);
}
