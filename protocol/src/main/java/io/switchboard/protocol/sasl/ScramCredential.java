package io.switchboard.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * What a server stores instead of a password (RFC 5802 §3): the salt, the iteration count,
 * StoredKey and ServerKey.
 *
 * <p>Arrays are copied on the way in and out, so an instance is immutable. {@link #toString()}
 * leaves the keys out: StoredKey and ServerKey are enough to impersonate the server, and
 * StoredKey allows an offline dictionary attack.
 */
public record ScramCredential(ScramAlgorithm algorithm, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    /** RFC 7677 §4 asks for at least 4096 iterations for newly stored credentials. */
    public static final int MIN_GENERATED_ITERATIONS = 4096;

    static final int GENERATED_SALT_LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] CLIENT_KEY = "Client Key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_KEY = "Server Key".getBytes(StandardCharsets.US_ASCII);

    public ScramCredential {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(storedKey, "storedKey");
        Objects.requireNonNull(serverKey, "serverKey");
        if (salt.length == 0) {
            throw new IllegalArgumentException("salt must not be empty");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1");
        }
        if (storedKey.length != algorithm.outputLength() || serverKey.length != algorithm.outputLength()) {
            throw new IllegalArgumentException("keys must be " + algorithm.outputLength() + " octets for " + algorithm);
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /**
     * Derives the credential for a password with the given salt and iteration count.
     *
     * <p>The password is enforced with the PRECIS OpaqueString profile (RFC 8265 §4.2), which is
     * what RFC 7677 allows in place of SASLprep, so that e.g. a no-break space and a space give
     * the same credential.
     *
     * @throws IllegalArgumentException if the password is empty or not a valid OpaqueString
     */
    public static ScramCredential derive(ScramAlgorithm algorithm, String password, byte[] salt, int iterations) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(salt, "salt");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1");
        }
        byte[] normalized = normalizePassword(password);
        byte[] saltedPassword = algorithm.hi(normalized, salt, iterations);
        byte[] clientKey = algorithm.hmac(saltedPassword, CLIENT_KEY);
        byte[] storedKey = algorithm.hash(clientKey);
        byte[] serverKey = algorithm.hmac(saltedPassword, SERVER_KEY);
        Arrays.fill(normalized, (byte) 0);
        Arrays.fill(saltedPassword, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        return new ScramCredential(algorithm, salt, iterations, storedKey, serverKey);
    }

    /**
     * Derives a credential with a fresh random 16-octet salt, for storing a new password.
     *
     * @throws IllegalArgumentException if iterations is below {@value #MIN_GENERATED_ITERATIONS}
     *                                  or the password is invalid
     */
    public static ScramCredential generate(ScramAlgorithm algorithm, String password, int iterations) {
        if (iterations < MIN_GENERATED_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be at least " + MIN_GENERATED_ITERATIONS);
        }
        byte[] salt = new byte[GENERATED_SALT_LENGTH];
        RANDOM.nextBytes(salt);
        return derive(algorithm, password, salt, iterations);
    }

    /**
     * Whether {@code password} is the password this credential was derived from, for mechanisms
     * like PLAIN that see the password itself. Compares StoredKey in constant time.
     */
    public boolean verifyPassword(String password) {
        if (password == null) {
            return false;
        }
        ScramCredential candidate;
        try {
            candidate = derive(algorithm, password, salt, iterations);
        } catch (IllegalArgumentException invalidPassword) {
            // An invalid password can never have been stored, so it cannot match.
            return false;
        }
        return MessageDigest.isEqual(candidate.storedKey, storedKey);
    }

    static byte[] normalizePassword(String password) {
        String enforced;
        try {
            enforced = PrecisProfiles.OPAQUE_STRING.enforce(password);
        } catch (IllegalArgumentException e) {
            // The library's message is fine to keep: it names a position, not the password.
            throw new IllegalArgumentException("invalid password: " + e.getMessage(), e);
        }
        return enforced.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof ScramCredential other
                        && algorithm == other.algorithm
                        && iterations == other.iterations
                        && Arrays.equals(salt, other.salt)
                        && MessageDigest.isEqual(storedKey, other.storedKey)
                        && MessageDigest.isEqual(serverKey, other.serverKey));
    }

    @Override
    public int hashCode() {
        int h = algorithm.hashCode();
        h = 31 * h + iterations;
        h = 31 * h + Arrays.hashCode(salt);
        h = 31 * h + Arrays.hashCode(storedKey);
        h = 31 * h + Arrays.hashCode(serverKey);
        return h;
    }

    @Override
    public String toString() {
        return "ScramCredential[algorithm=" + algorithm + ", saltLength=" + salt.length
                + ", iterations=" + iterations + "]";
    }
}
