package io.switchboard.protocol.sasl;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The message of the SASL PLAIN mechanism (RFC 4616): {@code [authzid] NUL authcid NUL passwd}.
 *
 * <p>Values are returned exactly as sent; preparing the authcid and checking the password are
 * up to the caller (e.g. with {@link ScramCredential#verifyPassword}). {@link #toString()} masks
 * the password.
 *
 * @param authzid  the requested authorization identity, or null if the client sent none
 * @param authcid  the authentication identity (username), never empty
 * @param password the password, never empty
 */
public record PlainCredentials(String authzid, String authcid, String password) {

    /** RFC 4616 §2: each field is at most 255 octets. */
    public static final int MAX_FIELD_OCTETS = 255;

    public PlainCredentials {
        Objects.requireNonNull(authcid, "authcid");
        Objects.requireNonNull(password, "password");
        if (authzid != null && authzid.isEmpty()) {
            throw new IllegalArgumentException("authzid must be null or non-empty");
        }
        if (authcid.isEmpty() || password.isEmpty()) {
            throw new IllegalArgumentException("authcid and password must not be empty");
        }
    }

    /**
     * Parses a PLAIN initial response.
     *
     * @throws SaslException MALFORMED_REQUEST if the structure is wrong (field count, empty or
     *                       over-long fields), INCORRECT_ENCODING if a field is not UTF-8
     */
    public static PlainCredentials parse(byte[] message) throws SaslException {
        Objects.requireNonNull(message, "message");
        int first = indexOfNul(message, 0);
        int second = first < 0 ? -1 : indexOfNul(message, first + 1);
        if (second < 0) {
            throw malformed("expected authzid NUL authcid NUL passwd");
        }
        if (indexOfNul(message, second + 1) >= 0) {
            throw malformed("too many NUL separators");
        }
        int authzidLength = first;
        int authcidLength = second - first - 1;
        int passwordLength = message.length - second - 1;
        if (authcidLength == 0) {
            throw malformed("empty authcid");
        }
        if (passwordLength == 0) {
            throw malformed("empty password");
        }
        if (authzidLength > MAX_FIELD_OCTETS || authcidLength > MAX_FIELD_OCTETS || passwordLength > MAX_FIELD_OCTETS) {
            throw malformed("field longer than " + MAX_FIELD_OCTETS + " octets");
        }
        String authzid = authzidLength == 0 ? null : decodeUtf8(message, 0, authzidLength);
        String authcid = decodeUtf8(message, first + 1, authcidLength);
        String password = decodeUtf8(message, second + 1, passwordLength);
        return new PlainCredentials(authzid, authcid, password);
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String decodeUtf8(byte[] bytes, int offset, int length) throws SaslException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            // No cause attached: the decoder's message could describe bytes of the password.
            throw new SaslException(SaslCondition.INCORRECT_ENCODING, "field is not valid UTF-8");
        }
    }

    private static SaslException malformed(String message) {
        return new SaslException(SaslCondition.MALFORMED_REQUEST, message);
    }

    @Override
    public String toString() {
        return "PlainCredentials[authzid=" + authzid + ", authcid=" + authcid + ", password=***]";
    }
}
