package io.switchboard.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * The server side of one SCRAM exchange (RFC 5802, RFC 7677), without channel binding.
 *
 * <p>Usage: {@link #receiveClientFirst} yields the username; the caller looks up the stored
 * {@link ScramCredential} (null if there is no such account) and passes it to
 * {@link #serverFirst}; {@link #receiveClientFinal} checks the proof and yields the
 * server-final message. Any {@link SaslException} ends the exchange.
 *
 * <p>Not thread-safe; use one instance per authentication attempt.
 */
public final class ScramServer {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SERVER_NONCE_BYTES = 24;
    private static final int FAKE_ITERATIONS = 4096;

    /*
     * Keys the fake salts handed out for unknown users. It must be secret, or anyone could
     * compute the fake salt and compare; it is per process, so a fake salt changes on restart
     * or between cluster nodes, which is an accepted leak compared to storing a secret.
     */
    private static final byte[] FAKE_SALT_SECRET = randomBytes(32);

    private enum State { AWAITING_CLIENT_FIRST, AWAITING_CREDENTIAL, AWAITING_CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramAlgorithm algorithm;
    private final String serverNonce;
    private State state = State.AWAITING_CLIENT_FIRST;

    private String gs2Header;
    private String clientFirstBare;
    private String clientNonce;
    private String username;
    private String authorizationId;

    private String serverFirst;
    private ScramCredential credential;
    private boolean unknownUser;

    /** Starts an exchange with a fresh random server nonce. */
    public ScramServer(ScramAlgorithm algorithm) {
        this(algorithm, Base64.getEncoder().encodeToString(randomBytes(SERVER_NONCE_BYTES)));
    }

    /**
     * Starts an exchange with the given server nonce part. Only for tests and test vectors: a
     * predictable nonce allows replaying a captured exchange.
     */
    public ScramServer(ScramAlgorithm algorithm, String serverNonce) {
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(serverNonce, "serverNonce");
        if (serverNonce.isEmpty() || !isPrintable(serverNonce)) {
            throw new IllegalArgumentException("server nonce must be non-empty printable ASCII without ','");
        }
        this.serverNonce = serverNonce;
    }

    public ScramAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Parses the client-first-message.
     *
     * @return the username, with "=2C" and "=3D" decoded but otherwise as the client sent it;
     *         the caller applies its own username preparation when looking the account up
     * @throws SaslException MALFORMED_REQUEST for syntax errors and for channel binding
     *                       requests, INCORRECT_ENCODING for invalid UTF-8
     */
    public String receiveClientFirst(byte[] clientFirstMessage) throws SaslException {
        Objects.requireNonNull(clientFirstMessage, "clientFirstMessage");
        expect(State.AWAITING_CLIENT_FIRST);
        try {
            parseClientFirst(decodeUtf8(clientFirstMessage));
        } catch (SaslException e) {
            state = State.FAILED;
            throw e;
        }
        state = State.AWAITING_CREDENTIAL;
        return username;
    }

    private void parseClientFirst(String message) throws SaslException {
        int pos;
        if (message.startsWith("p=")) {
            throw malformed("channel binding not supported");
        } else if (message.startsWith("n,") || message.startsWith("y,")) {
            // "y" means the client could bind but believes we cannot. That is true while we
            // offer no -PLUS mechanisms; once we do, "y" must fail as a downgrade attempt.
            pos = 2;
        } else {
            throw malformed("invalid GS2 header");
        }
        if (message.startsWith("a=", pos)) {
            int comma = message.indexOf(',', pos);
            if (comma < 0) {
                throw malformed("unterminated authzid");
            }
            authorizationId = decodeSaslName(message.substring(pos + 2, comma), "authzid");
            pos = comma + 1;
        } else if (message.startsWith(",", pos)) {
            pos++;
        } else {
            throw malformed("invalid GS2 header");
        }
        gs2Header = message.substring(0, pos);
        clientFirstBare = message.substring(pos);

        String[] attributes = clientFirstBare.split(",", -1);
        if (attributes[0].startsWith("m=")) {
            throw malformed("mandatory extension not supported");
        }
        if (!attributes[0].startsWith("n=")) {
            throw malformed("missing username");
        }
        username = decodeSaslName(attributes[0].substring(2), "username");
        if (attributes.length < 2 || !attributes[1].startsWith("r=")) {
            throw malformed("missing nonce");
        }
        clientNonce = attributes[1].substring(2);
        if (clientNonce.isEmpty()) {
            throw malformed("empty nonce");
        }
        if (!isPrintable(clientNonce)) {
            throw malformed("nonce contains non-printable characters");
        }
        checkExtensions(attributes, 2);
    }

    /**
     * Builds the server-first-message.
     *
     * @param credential the stored credential for {@link #username()}, or null if there is no
     *                   such account; the reply then looks like a real one and the exchange
     *                   fails at the final step
     * @throws IllegalArgumentException if the credential is for another algorithm
     */
    public byte[] serverFirst(ScramCredential credential) {
        expect(State.AWAITING_CREDENTIAL);
        if (credential == null) {
            credential = fakeCredential();
            unknownUser = true;
        } else if (credential.algorithm() != algorithm) {
            throw new IllegalArgumentException(
                    "credential is for " + credential.algorithm() + " but the exchange uses " + algorithm);
        }
        this.credential = credential;
        serverFirst = "r=" + clientNonce + serverNonce
                + ",s=" + Base64.getEncoder().encodeToString(credential.salt())
                + ",i=" + credential.iterations();
        state = State.AWAITING_CLIENT_FINAL;
        return serverFirst.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks the client-final-message.
     *
     * @return the server-final-message, {@code v=<ServerSignature>}
     * @throws SaslException NOT_AUTHORIZED if the channel binding data, nonce or proof do not
     *                       match or the user is unknown; MALFORMED_REQUEST or
     *                       INCORRECT_ENCODING if the message cannot be parsed
     */
    public byte[] receiveClientFinal(byte[] clientFinalMessage) throws SaslException {
        Objects.requireNonNull(clientFinalMessage, "clientFinalMessage");
        expect(State.AWAITING_CLIENT_FINAL);
        byte[] serverFinal;
        try {
            serverFinal = verifyClientFinal(decodeUtf8(clientFinalMessage));
        } catch (SaslException e) {
            state = State.FAILED;
            throw e;
        }
        state = State.COMPLETE;
        return serverFinal;
    }

    private byte[] verifyClientFinal(String message) throws SaslException {
        // The proof is the last attribute and is not covered by AuthMessage.
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw malformed("missing proof");
        }
        String withoutProof = message.substring(0, proofAt);
        String[] attributes = withoutProof.split(",", -1);
        if (!attributes[0].startsWith("c=")) {
            throw malformed("missing channel binding");
        }
        if (attributes.length < 2 || !attributes[1].startsWith("r=")) {
            throw malformed("missing nonce");
        }
        checkExtensions(attributes, 2);
        byte[] channelBinding = decodeBase64(attributes[0].substring(2), "channel binding");
        byte[] proof = decodeBase64(message.substring(proofAt + 3), "proof");
        if (proof.length != algorithm.outputLength()) {
            throw malformed("proof has the wrong length");
        }

        // Without channel binding, c= must echo the GS2 header, so that a man in the middle
        // cannot have stripped a "p=" or changed the authzid.
        if (!MessageDigest.isEqual(channelBinding, gs2Header.getBytes(StandardCharsets.UTF_8))) {
            throw new SaslException(SaslCondition.NOT_AUTHORIZED, "channel binding data does not match");
        }
        if (!attributes[1].substring(2).equals(clientNonce + serverNonce)) {
            throw new SaslException(SaslCondition.NOT_AUTHORIZED, "nonce does not match");
        }

        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = credential.storedKey();
        byte[] clientSignature = algorithm.hmac(storedKey, authMessage);
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean proofValid = MessageDigest.isEqual(algorithm.hash(clientKey), storedKey);
        // For unknown users the same work is done so that timing does not tell them apart.
        if (!proofValid || unknownUser) {
            throw new SaslException(SaslCondition.NOT_AUTHORIZED, "authentication failed");
        }
        byte[] serverSignature = algorithm.hmac(credential.serverKey(), authMessage);
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether the exchange finished successfully. */
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /** The username from the client-first-message, or null before it has been received. */
    public String username() {
        return username;
    }

    /** The authorization identity the client asked for, or null if it sent none. */
    public String authorizationId() {
        return authorizationId;
    }

    /**
     * A deterministic salt per (algorithm, username) so that asking twice about a missing
     * account gives the same answer, just as for an existing one. The username is case-folded
     * first, since lookups of real accounts are case-insensitive too and a salt that changes
     * with the case of the name would give the game away.
     */
    private ScramCredential fakeCredential() {
        String key;
        try {
            key = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(username);
        } catch (IllegalArgumentException e) {
            key = username;
        }
        byte[] input = (algorithm.mechanismName() + '\0' + key).getBytes(StandardCharsets.UTF_8);
        byte[] mac = ScramAlgorithm.SHA_256.hmac(FAKE_SALT_SECRET, input);
        byte[] salt = new byte[ScramCredential.GENERATED_SALT_LENGTH];
        System.arraycopy(mac, 0, salt, 0, salt.length);
        return new ScramCredential(algorithm, salt, FAKE_ITERATIONS,
                randomBytes(algorithm.outputLength()), randomBytes(algorithm.outputLength()));
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("SCRAM exchange is in state " + state + ", not " + expected);
        }
    }

    /** saslname from RFC 5802 §7: "," and "=" appear only as "=2C" and "=3D". */
    private static String decodeSaslName(String encoded, String what) throws SaslException {
        if (encoded.isEmpty()) {
            throw malformed("empty " + what);
        }
        int eq = encoded.indexOf('=');
        if (eq < 0) {
            return encoded;
        }
        StringBuilder sb = new StringBuilder(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            char c = encoded.charAt(i);
            if (c != '=') {
                sb.append(c);
                i++;
            } else if (encoded.startsWith("=2C", i)) {
                sb.append(',');
                i += 3;
            } else if (encoded.startsWith("=3D", i)) {
                sb.append('=');
                i += 3;
            } else {
                throw malformed("invalid escape in " + what);
            }
        }
        return sb.toString();
    }

    /** RFC 5802 §7: extensions = attr-val *("," attr-val), attr-val = ALPHA "=" 1*value-char. */
    private static void checkExtensions(String[] attributes, int from) throws SaslException {
        for (int i = from; i < attributes.length; i++) {
            String attribute = attributes[i];
            if (attribute.length() < 3 || !isAlpha(attribute.charAt(0)) || attribute.charAt(1) != '=') {
                throw malformed("invalid attribute");
            }
        }
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** RFC 5802 "printable": %x21-2B / %x2D-7E, i.e. visible ASCII except ','. */
    private static boolean isPrintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    private static String decodeUtf8(byte[] bytes) throws SaslException {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SaslException(SaslCondition.INCORRECT_ENCODING, "message is not valid UTF-8", e);
        }
        // value-safe-char and value-char both exclude NUL.
        if (s.indexOf('\0') >= 0) {
            throw malformed("message contains NUL");
        }
        return s;
    }

    private static byte[] decodeBase64(String s, String what) throws SaslException {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new SaslException(SaslCondition.MALFORMED_REQUEST, what + " is not valid base64", e);
        }
    }

    private static SaslException malformed(String message) {
        return new SaslException(SaslCondition.MALFORMED_REQUEST, message);
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
