package io.switchboard.router.module;

import io.switchboard.protocol.error.StanzaErrorCondition;

/** Thrown or failed with by a handler to answer an IQ with a stanza error (RFC 6120 §8.3). */
public final class StanzaErrorException extends RuntimeException {
    private final StanzaErrorCondition condition;

    public StanzaErrorException(StanzaErrorCondition condition, String text) {
        super(text, null, false, false);
        this.condition = condition;
    }

    public StanzaErrorCondition condition() {
        return condition;
    }

    /** The human-readable text, or null. */
    public String text() {
        return getMessage();
    }
}
