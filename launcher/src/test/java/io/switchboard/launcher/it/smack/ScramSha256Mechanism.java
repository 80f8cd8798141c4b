package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.SmackException.SmackSaslException;
import org.jivesoftware.smack.sasl.SASLMechanism;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.callback.CallbackHandler;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * SCRAM-SHA-256 (RFC 5802 with the RFC 7677 hash) for Smack 4.4, which only ships SCRAM-SHA-1.
 *
 * <p>Why not {@code extends org.jivesoftware.smack.sasl.core.ScramMechanism} with an HmacSHA256
 * {@code ScramHmac}: Smack 4.4.8's ScramMechanism hard-codes {@code StoredKey = SHA1(ClientKey)}
 * ({@code org.jivesoftware.smack.util.SHA1.bytes} in {@code evaluateChallenge}), so only the HMAC
 * would be SHA-256 and every proof would be wrong against a correct server. This class therefore
 * implements the whole exchange (no channel binding, no authzid: GS2 header {@code "n,,"}) and
 * verifies the server signature in the server-final message (RFC 5802 §3, "v=").
 */
public final class ScramSha256Mechanism extends SASLMechanism {
    public static final String NAME = "SCRAM-SHA-256";
    private static final String GS2_HEADER = "n,,";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile boolean registered;

    private enum State { INITIAL, CLIENT_FIRST_SENT, CLIENT_FINAL_SENT, VERIFIED }

    private State state = State.INITIAL;
    private String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    /** Registers the mechanism with Smack once per JVM. */
    public static synchronized void register() {
        if (!registered) {
            SASLAuthentication.registerSASLMechanism(new ScramSha256Mechanism());
            registered = true;
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public int getPriority() {
        return 100; // preferred over SCRAM-SHA-1 (110); lower is better in Smack
    }

    @Override
    protected SASLMechanism newInstance() {
        return new ScramSha256Mechanism();
    }

    @Override
    protected void authenticateInternal(CallbackHandler cbh) {
        throw new UnsupportedOperationException("CallbackHandler not supported");
    }

    @Override
    public boolean authzidSupported() {
        return false;
    }

    @Override
    protected byte[] getAuthenticationText() {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        clientNonce = Base64.getEncoder().withoutPadding().encodeToString(random).replace(',', '-');
        clientFirstBare = "n=" + escape(saslPrep(authenticationId)) + ",r=" + clientNonce;
        state = State.CLIENT_FIRST_SENT;
        return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected byte[] evaluateChallenge(byte[] challenge) throws SmackSaslException {
        String message = new String(challenge, StandardCharsets.UTF_8);
        Map<Character, String> attributes = parse(message);
        switch (state) {
            case CLIENT_FIRST_SENT:
                return clientFinal(message, attributes);
            case CLIENT_FINAL_SENT:
                if (attributes.containsKey('e')) {
                    throw new SmackSaslException("server-final reported an error: " + attributes.get('e'));
                }
                String v = attributes.get('v');
                if (v == null || !MessageDigest.isEqual(Base64.getDecoder().decode(v), expectedServerSignature)) {
                    throw new SmackSaslException("server signature mismatch in '" + message + "'");
                }
                state = State.VERIFIED;
                return null;
            default:
                throw new SmackSaslException("unexpected SCRAM message in state " + state + ": " + message);
        }
    }

    private byte[] clientFinal(String serverFirst, Map<Character, String> attributes) throws SmackSaslException {
        String nonce = attributes.get('r');
        String salt = attributes.get('s');
        String iterations = attributes.get('i');
        if (nonce == null || salt == null || iterations == null) {
            throw new SmackSaslException("malformed server-first-message: " + serverFirst);
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new SmackSaslException("server nonce does not extend the client nonce: " + serverFirst);
        }
        try {
            byte[] saltedPassword = hi(saslPrep(password).getBytes(StandardCharsets.UTF_8),
                    Base64.getDecoder().decode(salt), Integer.parseInt(iterations));
            byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.UTF_8));
            byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
            String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
                    + ",r=" + nonce;
            byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                    .getBytes(StandardCharsets.UTF_8);
            byte[] clientSignature = hmac(storedKey, authMessage);
            byte[] proof = new byte[clientKey.length];
            for (int i = 0; i < proof.length; i++) {
                proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
            }
            byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.UTF_8));
            expectedServerSignature = hmac(serverKey, authMessage);
            state = State.CLIENT_FINAL_SENT;
            return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SmackSaslException(e);
        }
    }

    @Override
    public void checkIfSuccessfulOrThrow() throws SmackSaslException {
        if (state != State.VERIFIED) {
            throw new SmackSaslException("SCRAM-SHA-256 finished without a verified server signature");
        }
    }

    /** RFC 5802 §2.2 Hi() = PBKDF2 with HMAC-SHA-256 and one output block. */
    private static byte[] hi(byte[] password, byte[] salt, int iterations) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(password, "HmacSHA256"));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static String escape(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    private static Map<Character, String> parse(String message) throws SmackSaslException {
        Map<Character, String> attributes = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new SmackSaslException("malformed SCRAM attribute '" + part + "' in " + message);
            }
            attributes.put(part.charAt(0), part.substring(2));
        }
        return attributes;
    }
}
