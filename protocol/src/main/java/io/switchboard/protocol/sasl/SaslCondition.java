package io.switchboard.protocol.sasl;

import java.util.Locale;

/** SASL failure conditions (RFC 6120 §6.5), each sent as a child element of {@code <failure/>}. */
public enum SaslCondition {
    ABORTED,
    ACCOUNT_DISABLED,
    CREDENTIALS_EXPIRED,
    ENCRYPTION_REQUIRED,
    INCORRECT_ENCODING,
    INVALID_AUTHZID,
    INVALID_MECHANISM,
    MALFORMED_REQUEST,
    MECHANISM_TOO_WEAK,
    NOT_AUTHORIZED,
    TEMPORARY_AUTH_FAILURE;

    private final String elementName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The XML element name, e.g. "not-authorized". */
    public String elementName() {
        return elementName;
    }
}
