package io.switchboard.router.module;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StanzaErrorType;

/** Thrown or failed with by a handler to answer an IQ with a stanza error (RFC 6120 §8.3). */
public final class StanzaErrorException extends RuntimeException {
    private final StanzaErrorCondition condition;
    private final StanzaErrorType type;

    public StanzaErrorException(StanzaErrorCondition condition, String text) {
        this(condition, null, text);
    }

    /** @param type the error type, or null for the condition's usual one (RFC 6120 §8.3.2) */
    public StanzaErrorException(StanzaErrorCondition condition, StanzaErrorType type, String text) {
        super(text, null, false, false);
        this.condition = condition;
        this.type = type;
    }

    public StanzaErrorCondition condition() {
        return condition;
    }

    /** The error type, or null for the condition's default. */
    public StanzaErrorType type() {
        return type;
    }

    /** The human-readable text, or null. */
    public String text() {
        return getMessage();
    }
}
