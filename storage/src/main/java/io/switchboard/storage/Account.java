package io.switchboard.storage;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored user account.
 *
 * <p>Only SCRAM credentials are kept (salted, iterated keys): the storage layer never sees a
 * plaintext password, so a leaked database does not leak passwords directly. At most one
 * credential per algorithm, so a server can offer every mechanism it has keys for.
 *
 * @param bareJid     normalised bare JID, e.g. {@code "alice@localhost"} (the caller normalises)
 * @param credentials credentials by algorithm; each key equals its value's {@code algorithm()};
 *                    copied into an unmodifiable map
 * @param createdAt   when the account was created, as recorded by the storage (millisecond
 *                    precision, so every backend can represent it)
 */
public record Account(String bareJid, Map<ScramAlgorithm, ScramCredential> credentials, Instant createdAt) {

    public Account {
        Objects.requireNonNull(bareJid, "bareJid");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(createdAt, "createdAt");
        EnumMap<ScramAlgorithm, ScramCredential> copy = new EnumMap<>(ScramAlgorithm.class);
        credentials.forEach((algorithm, credential) -> {
            Objects.requireNonNull(algorithm, "credential algorithm");
            Objects.requireNonNull(credential, "credential");
            // A mismatched key would let a SHA-1 key be used for SCRAM-SHA-256 (or vice versa).
            if (credential.algorithm() != algorithm) {
                throw new IllegalArgumentException(
                        "credential for " + credential.algorithm() + " stored under key " + algorithm);
            }
            copy.put(algorithm, credential);
        });
        // EnumMap keeps a stable algorithm order for logs/tests; wrapping keeps the record immutable.
        credentials = Collections.unmodifiableMap(copy);
    }

    /** The credential for one algorithm, if this account has one. */
    public Optional<ScramCredential> credential(ScramAlgorithm algorithm) {
        return Optional.ofNullable(credentials.get(algorithm));
    }

    /**
     * Indexes credentials by algorithm, as every {@link AccountStore} implementation must before
     * writing them. Shared here so all backends reject the same inputs.
     *
     * @throws NullPointerException     if the collection or an element is null
     * @throws IllegalArgumentException if two credentials have the same algorithm (which one should
     *                                  win would be arbitrary, so it is treated as a caller bug)
     */
    public static Map<ScramAlgorithm, ScramCredential> indexCredentials(Collection<ScramCredential> credentials) {
        Objects.requireNonNull(credentials, "credentials");
        EnumMap<ScramAlgorithm, ScramCredential> byAlgorithm = new EnumMap<>(ScramAlgorithm.class);
        for (ScramCredential credential : credentials) {
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(credential.algorithm(), "credential algorithm");
            if (byAlgorithm.put(credential.algorithm(), credential) != null) {
                throw new IllegalArgumentException("more than one credential for " + credential.algorithm());
            }
        }
        return Collections.unmodifiableMap(byAlgorithm);
    }
}
