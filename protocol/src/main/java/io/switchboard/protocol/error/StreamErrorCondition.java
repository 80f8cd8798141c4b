package io.switchboard.protocol.error;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The defined stream error conditions of RFC 6120 §4.9.3, in the order the RFC lists them. */
public enum StreamErrorCondition {
    BAD_FORMAT,
    BAD_NAMESPACE_PREFIX,
    CONFLICT,
    CONNECTION_TIMEOUT,
    HOST_GONE,
    HOST_UNKNOWN,
    IMPROPER_ADDRESSING,
    INTERNAL_SERVER_ERROR,
    INVALID_FROM,
    INVALID_NAMESPACE,
    INVALID_XML,
    NOT_AUTHORIZED,
    NOT_WELL_FORMED,
    POLICY_VIOLATION,
    REMOTE_CONNECTION_FAILED,
    RESET,
    RESOURCE_CONSTRAINT,
    RESTRICTED_XML,
    SEE_OTHER_HOST,
    SYSTEM_SHUTDOWN,
    UNDEFINED_CONDITION,
    UNSUPPORTED_ENCODING,
    UNSUPPORTED_FEATURE,
    UNSUPPORTED_STANZA_TYPE,
    UNSUPPORTED_VERSION;

    private static final Map<String, StreamErrorCondition> BY_ELEMENT_NAME = new HashMap<>();

    static {
        for (StreamErrorCondition c : values()) {
            BY_ELEMENT_NAME.put(c.elementName, c);
        }
    }

    private final String elementName = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The condition's element name in the {@code urn:ietf:params:xml:ns:xmpp-streams} namespace. */
    public String elementName() {
        return elementName;
    }

    public static Optional<StreamErrorCondition> fromElementName(String elementName) {
        return Optional.ofNullable(elementName == null ? null : BY_ELEMENT_NAME.get(elementName));
    }
}
