package io.switchboard.protocol.sasl;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The hash functions SCRAM is instantiated with (RFC 5802 SCRAM-SHA-1, RFC 7677 SCRAM-SHA-256). */
public enum ScramAlgorithm {
    SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1", 20),
    SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256", 32);

    private static final byte[] ONE_ZERO_BYTE = {0};

    private final String mechanismName;
    private final String hmacAlgorithm;
    private final String digestAlgorithm;
    private final int outputLength;

    ScramAlgorithm(String mechanismName, String hmacAlgorithm, String digestAlgorithm, int outputLength) {
        this.mechanismName = mechanismName;
        this.hmacAlgorithm = hmacAlgorithm;
        this.digestAlgorithm = digestAlgorithm;
        this.outputLength = outputLength;
    }

    /** The SASL mechanism name, e.g. "SCRAM-SHA-256". */
    public String mechanismName() {
        return mechanismName;
    }

    /** The JCA name of the HMAC, e.g. "HmacSHA256". */
    public String hmacAlgorithm() {
        return hmacAlgorithm;
    }

    /** The JCA name of the digest, e.g. "SHA-256". */
    public String digestAlgorithm() {
        return digestAlgorithm;
    }

    /** Length in octets of the hash output, and so of every key, signature and proof. */
    public int outputLength() {
        return outputLength;
    }

    /** Looks up the algorithm for a SASL mechanism name; mechanism names are case-sensitive. */
    public static Optional<ScramAlgorithm> byMechanism(String mechanism) {
        for (ScramAlgorithm algorithm : values()) {
            if (algorithm.mechanismName.equals(mechanism)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }

    /** HMAC(key, data). */
    public byte[] hmac(byte[] key, byte[] data) {
        Mac mac = newMac(key);
        return mac.doFinal(data);
    }

    /** H(data). */
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(digestAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(digestAlgorithm + " is not available", e);
        }
    }

    /**
     * Hi(str, salt, i) from RFC 5802 §2.2, which is PBKDF2 with this HMAC and an output of one
     * hash length.
     *
     * <p>Implemented on {@link Mac} rather than the JCA's PBKDF2 SecretKeyFactory because that
     * one takes the password as {@code char[]} and picks its own encoding, while SCRAM defines
     * the input as octets.
     */
    public byte[] hi(byte[] password, byte[] salt, int iterations) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(salt, "salt");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1");
        }
        Mac mac = newMac(password);
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        Arrays.fill(u, (byte) 0);
        return result;
    }

    private Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(hmacAlgorithm);
            // SecretKeySpec refuses empty keys. HMAC zero-pads keys to the block size, so an
            // empty key and a single zero octet give the same result.
            mac.init(new SecretKeySpec(key.length == 0 ? ONE_ZERO_BYTE : key, hmacAlgorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmacAlgorithm + " is not available", e);
        }
    }
}
