package io.switchboard.protocol.error;

import java.util.Locale;
import java.util.Optional;

/** The values of the error element's 'type' attribute (RFC 6120 §8.3.2). */
public enum StanzaErrorType {
    /** Retry after providing credentials. */
    AUTH,
    /** Do not retry: the error cannot be remedied. */
    CANCEL,
    /** Proceed: the condition was only a warning. */
    CONTINUE,
    /** Retry after changing the data sent. */
    MODIFY,
    /** Retry after waiting: the error is temporary. */
    WAIT;

    private final String value = name().toLowerCase(Locale.ROOT);

    /** The attribute value, e.g. "cancel". */
    public String value() {
        return value;
    }

    public static Optional<StanzaErrorType> fromValue(String value) {
        for (StanzaErrorType t : values()) {
            if (t.value.equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
