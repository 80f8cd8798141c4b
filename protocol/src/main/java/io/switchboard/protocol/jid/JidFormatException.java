package io.switchboard.protocol.jid;

/**
 * Thrown when a string is not a valid XMPP address (RFC 7622).
 *
 * <p>The message names the offending part and the problem but never echoes the input, so it is
 * safe to log even when the input came from an untrusted peer.
 */
public final class JidFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public JidFormatException(String message) {
        super(message);
    }

    public JidFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
