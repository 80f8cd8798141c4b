package io.switchboard.protocol.error;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The defined stanza error conditions of RFC 6120 §8.3.3, each with the error type the RFC's description and
 * examples use for it (where the RFC allows several, the most common one; callers can always pass another).
 */
public enum StanzaErrorCondition {
    BAD_REQUEST(StanzaErrorType.MODIFY),
    CONFLICT(StanzaErrorType.CANCEL),
    FEATURE_NOT_IMPLEMENTED(StanzaErrorType.CANCEL),
    FORBIDDEN(StanzaErrorType.AUTH),
    GONE(StanzaErrorType.CANCEL),
    INTERNAL_SERVER_ERROR(StanzaErrorType.CANCEL),
    ITEM_NOT_FOUND(StanzaErrorType.CANCEL),
    JID_MALFORMED(StanzaErrorType.MODIFY),
    NOT_ACCEPTABLE(StanzaErrorType.MODIFY),
    NOT_ALLOWED(StanzaErrorType.CANCEL),
    NOT_AUTHORIZED(StanzaErrorType.AUTH),
    POLICY_VIOLATION(StanzaErrorType.MODIFY),
    RECIPIENT_UNAVAILABLE(StanzaErrorType.WAIT),
    REDIRECT(StanzaErrorType.MODIFY),
    REGISTRATION_REQUIRED(StanzaErrorType.AUTH),
    REMOTE_SERVER_NOT_FOUND(StanzaErrorType.CANCEL),
    REMOTE_SERVER_TIMEOUT(StanzaErrorType.WAIT),
    RESOURCE_CONSTRAINT(StanzaErrorType.WAIT),
    SERVICE_UNAVAILABLE(StanzaErrorType.CANCEL),
    SUBSCRIPTION_REQUIRED(StanzaErrorType.AUTH),
    UNDEFINED_CONDITION(StanzaErrorType.CANCEL),
    UNEXPECTED_REQUEST(StanzaErrorType.WAIT);

    private static final Map<String, StanzaErrorCondition> BY_ELEMENT_NAME = new HashMap<>();

    static {
        for (StanzaErrorCondition c : values()) {
            BY_ELEMENT_NAME.put(c.elementName, c);
        }
    }

    private final StanzaErrorType defaultType;
    private final String elementName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    StanzaErrorCondition(StanzaErrorType defaultType) {
        this.defaultType = defaultType;
    }

    /** The condition's element name in the {@code urn:ietf:params:xml:ns:xmpp-stanzas} namespace. */
    public String elementName() {
        return elementName;
    }

    public StanzaErrorType defaultType() {
        return defaultType;
    }

    public static Optional<StanzaErrorCondition> fromElementName(String elementName) {
        return Optional.ofNullable(elementName == null ? null : BY_ELEMENT_NAME.get(elementName));
    }
}
