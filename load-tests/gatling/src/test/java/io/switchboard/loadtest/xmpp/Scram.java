package io.switchboard.loadtest.xmpp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client side of SASL SCRAM (RFC 5802; SCRAM-SHA-256 per RFC 7677), without channel binding
 * ({@code n,,}). One instance per authentication exchange:
 * {@link #clientFirst()} → server-first → {@link #clientFinal(String)} → server-final →
 * {@link #verifyServerFinal(String)}.
 *
 * <p>The salted password (PBKDF2 with the server's iteration count) is what makes a login
 * expensive for the client; like real clients (RFC 5802 §5.1 allows it) we keep the derived keys
 * per user, salt and iteration count, so a virtual user that logs in again (a login storm) costs
 * the generator two HMACs instead of thousands.
 */
public final class Scram {

    /** The SCRAM variants we speak, by SASL mechanism name. */
    public enum Algorithm {
        SHA_1("SCRAM-SHA-1", "HmacSHA1", "SHA-1"),
        SHA_256("SCRAM-SHA-256", "HmacSHA256", "SHA-256");

        public final String mechanism;
        final String hmac;
        final String digest;

        Algorithm(String mechanism, String hmac, String digest) {
            this.mechanism = mechanism;
            this.hmac = hmac;
            this.digest = digest;
        }

        public static Algorithm forMechanism(String mechanism) {
            for (Algorithm a : values()) {
                if (a.mechanism.equals(mechanism)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("not a SCRAM mechanism we speak: " + mechanism);
        }
    }

    /** ClientKey and ServerKey of one (user, salt, iterations): all a client needs to log in again. */
    private record Keys(byte[] clientKey, byte[] serverKey) {
    }

    private static final Map<String, Keys> KEY_CACHE = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Algorithm algorithm;
    private final String username;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public Scram(Algorithm algorithm, String username, String password) {
        this.algorithm = algorithm;
        this.username = username;
        this.password = password;
        byte[] nonce = new byte[18];
        RANDOM.nextBytes(nonce);
        this.clientNonce = Base64.getEncoder().encodeToString(nonce);
    }

    /** For tests with the RFCs' fixed nonces. */
    Scram(Algorithm algorithm, String username, String password, String clientNonce) {
        this.algorithm = algorithm;
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** The client-first-message: GS2 header {@code n,,} (no channel binding, no authzid) and the bare part. */
    public String clientFirst() {
        clientFirstBare = "n=" + saslName(username) + ",r=" + clientNonce;
        return "n,," + clientFirstBare;
    }

    /** The client-final-message answering the server-first-message (RFC 5802 §3). */
    public String clientFinal(String serverFirst) {
        Map<Character, String> attrs = attributes(serverFirst);
        String nonce = attrs.get('r');
        String salt = attrs.get('s');
        String iterations = attrs.get('i');
        if (nonce == null || salt == null || iterations == null) {
            throw new IllegalArgumentException("malformed server-first-message: " + serverFirst);
        }
        if (!nonce.startsWith(clientNonce)) {
            throw new IllegalArgumentException("the server's nonce does not extend ours"); // RFC 5802 §5.1
        }
        int i = Integer.parseInt(iterations);
        Keys keys = KEY_CACHE.computeIfAbsent(algorithm.name() + '\0' + username + '\0' + salt + '\0' + i,
                k -> deriveKeys(Base64.getDecoder().decode(salt), i));
        String withoutProof = "c=biws,r=" + nonce; // biws = base64("n,,")
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] authBytes = authMessage.getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = digest(keys.clientKey);
        byte[] clientSignature = hmac(storedKey, authBytes);
        byte[] proof = keys.clientKey.clone();
        for (int k = 0; k < proof.length; k++) {
            proof[k] ^= clientSignature[k];
        }
        expectedServerSignature = hmac(keys.serverKey, authBytes);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** True when the server-final-message proves the server knows our credentials (mutual authentication). */
    public boolean verifyServerFinal(String serverFinal) {
        Map<Character, String> attrs = attributes(serverFinal);
        String v = attrs.get('v');
        return v != null && expectedServerSignature != null
                && MessageDigest.isEqual(Base64.getDecoder().decode(v), expectedServerSignature);
    }

    private Keys deriveKeys(byte[] salt, int iterations) {
        byte[] salted = hi(password.getBytes(StandardCharsets.UTF_8), salt, iterations);
        return new Keys(hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII)),
                hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Hi() of RFC 5802 §2.2, i.e. PBKDF2 with one output block. */
    private byte[] hi(byte[] key, byte[] salt, int iterations) {
        try {
            Mac mac = Mac.getInstance(algorithm.hmac);
            mac.init(new SecretKeySpec(key, algorithm.hmac));
            mac.update(salt);
            mac.update(new byte[]{0, 0, 0, 1});
            byte[] u = mac.doFinal();
            byte[] result = u.clone();
            for (int n = 1; n < iterations; n++) {
                u = mac.doFinal(u);
                for (int k = 0; k < result.length; k++) {
                    result[k] ^= u[k];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm.hmac);
            mac.init(new SecretKeySpec(key, algorithm.hmac));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm.digest).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5802 §5.1: ',' and '=' in a username are escaped. */
    static String saslName(String username) {
        return username.replace("=", "=3D").replace(",", "=2C");
    }

    private static Map<Character, String> attributes(String message) {
        Map<Character, String> out = new java.util.HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                out.put(part.charAt(0), part.substring(2));
            }
        }
        return out;
    }

    /** Test helper: both messages in one call. */
    String clientFinalAfterFirst(String serverFirst) {
        clientFirst();
        return clientFinal(serverFirst);
    }

    /** Forgets every cached key (tests). */
    static void clearCache() {
        KEY_CACHE.clear();
    }

    @Override
    public String toString() {
        return algorithm.mechanism + " for " + username;
    }
}
