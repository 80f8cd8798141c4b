package io.switchboard.presence.subscription;

import java.util.Optional;

/**
 * The four subscription-related values of the presence {@code type} attribute (RFC 6121 §3, RFC 6120
 * §8.2.1 / RFC 6121 §4.7.1).
 */
public enum SubscriptionType {
    /** A request to subscribe to the recipient's presence (RFC 6121 §3.1). */
    SUBSCRIBE("subscribe"),
    /** Approval of a subscription request, or a pre-approval (RFC 6121 §3.1.4, §3.4). */
    SUBSCRIBED("subscribed"),
    /** Cancelling one's own subscription to the recipient's presence (RFC 6121 §3.3). */
    UNSUBSCRIBE("unsubscribe"),
    /** Denying a request, or revoking / cancelling the recipient's subscription (RFC 6121 §3.2). */
    UNSUBSCRIBED("unsubscribed");

    private final String wireValue;

    SubscriptionType(String wireValue) {
        this.wireValue = wireValue;
    }

    /** The value as it appears in the presence {@code type} attribute, e.g. {@code "subscribed"}. */
    public String presenceType() {
        return wireValue;
    }

    /**
     * Maps a presence {@code type} attribute value to a subscription type. Attribute values are
     * case-sensitive in XML, so {@code "Subscribe"} is not a subscription type. Absent, empty and
     * non-subscription values ({@code "unavailable"}, {@code "probe"}, {@code "error"}) map to empty.
     */
    public static Optional<SubscriptionType> fromPresenceType(String type) {
        if (type == null) {
            return Optional.empty();
        }
        for (SubscriptionType t : values()) {
            if (t.wireValue.equals(type)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
