package io.switchboard.launcher.it.stream;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A minimal SCRAM client (RFC 5802 / RFC 7677), no channel binding, ASCII user names and passwords only. */
public final class ScramClient {
    private final String hash; // "SHA-1" or "SHA-256"
    private final String user;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(String mechanism, String user, String password) {
        this.hash = switch (mechanism) {
            case "SCRAM-SHA-1" -> "SHA-1";
            case "SCRAM-SHA-256" -> "SHA-256";
            default -> throw new IllegalArgumentException(mechanism);
        };
        this.user = user;
        this.password = password;
        byte[] nonce = new byte[18];
        new SecureRandom().nextBytes(nonce);
        this.clientNonce = Base64.getEncoder().withoutPadding().encodeToString(nonce);
    }

    /** Base64 of "n,,n=user,r=nonce". */
    public String clientFirst() {
        clientFirstBare = "n=" + user + ",r=" + clientNonce;
        return b64("n,," + clientFirstBare);
    }

    /** Base64 of the client-final-message for a base64 server-first-message. */
    public String clientFinal(String serverFirstBase64) {
        try {
            String serverFirst = new String(Base64.getDecoder().decode(serverFirstBase64.trim()),
                    StandardCharsets.UTF_8);
            Map<String, String> attrs = parse(serverFirst);
            String nonce = attrs.get("r");
            if (nonce == null || !nonce.startsWith(clientNonce)) {
                throw new IllegalStateException("server nonce does not extend ours: " + serverFirst);
            }
            byte[] salt = Base64.getDecoder().decode(attrs.get("s"));
            int iterations = Integer.parseInt(attrs.get("i"));
            String algorithm = hash.equals("SHA-1") ? "HmacSHA1" : "HmacSHA256";
            int bits = hash.equals("SHA-1") ? 160 : 256;
            byte[] salted = SecretKeyFactory.getInstance("PBKDF2With" + algorithm)
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bits)).getEncoded();
            byte[] clientKey = hmac(algorithm, salted, "Client Key");
            byte[] storedKey = MessageDigest.getInstance(hash).digest(clientKey);
            String withoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] signature = hmac(algorithm, storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ signature[i]);
            }
            byte[] serverKey = hmac(algorithm, salted, "Server Key");
            expectedServerSignature = hmac(algorithm, serverKey, authMessage);
            return b64(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True if the base64 additional data of {@code <success/>} carries the right server signature. */
    public boolean verifyServerFinal(String successBase64) {
        String serverFinal = new String(Base64.getDecoder().decode(successBase64.trim()), StandardCharsets.UTF_8);
        String v = parse(serverFinal).get("v");
        return v != null && MessageDigest.isEqual(Base64.getDecoder().decode(v), expectedServerSignature);
    }

    private static byte[] hmac(String algorithm, byte[] key, String data)
            throws java.security.GeneralSecurityException {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> parse(String message) {
        Map<String, String> attrs = new HashMap<>();
        for (String part : message.split(",")) {
            int eq = part.indexOf('=');
            if (eq == 1) {
                attrs.put(part.substring(0, 1), part.substring(2));
            }
        }
        return attrs;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
