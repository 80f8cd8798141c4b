package io.switchboard.protocol.sasl;

import java.util.Objects;

/**
 * A SASL exchange failed. The condition is what goes on the wire; the message is for logs only
 * and must never carry secrets.
 */
public final class SaslException extends Exception {

    private static final long serialVersionUID = 1L;

    private final SaslCondition condition;

    public SaslException(SaslCondition condition, String message) {
        super(message);
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    public SaslException(SaslCondition condition, String message, Throwable cause) {
        super(message, cause);
        this.condition = Objects.requireNonNull(condition, "condition");
    }

    public SaslCondition condition() {
        return condition;
    }
}
