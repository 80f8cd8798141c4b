package io.switchboard.storage;

import java.util.Objects;

/**
 * The {@code subscription} attribute of a roster item (RFC 6121 §2.1.2.5): whether the user
 * receives the contact's presence ({@code to}), the contact receives the user's ({@code from}),
 * both, or neither.
 *
 * <p>Backends store {@link #value()}, the protocol's own spelling, rather than the constant name,
 * so the stored form never depends on Java naming.
 */
public enum Subscription {

    NONE("none", false, false),
    TO("to", true, false),
    FROM("from", false, true),
    BOTH("both", true, true);

    private final String value;
    private final boolean to;
    private final boolean from;

    Subscription(String value, boolean to, boolean from) {
        this.value = value;
        this.to = to;
        this.from = from;
    }

    /** The attribute value: {@code "none"}, {@code "to"}, {@code "from"} or {@code "both"}. */
    public String value() {
        return value;
    }

    /**
     * The constant for an attribute value (exact, lower case, as RFC 6121 spells it).
     *
     * @throws IllegalArgumentException for any other string, including {@code "remove"}, which
     *                                  is a roster-set instruction, not a state
     */
    public static Subscription fromValue(String value) {
        Objects.requireNonNull(value, "value");
        for (Subscription subscription : values()) {
            if (subscription.value.equals(value)) {
                return subscription;
            }
        }
        throw new IllegalArgumentException("not a subscription state: " + value);
    }

    /** The state with the given directions. */
    public static Subscription of(boolean to, boolean from) {
        return to ? (from ? BOTH : TO) : (from ? FROM : NONE);
    }

    /** Whether the user is subscribed to the contact's presence ({@code to} or {@code both}). */
    public boolean hasTo() {
        return to;
    }

    /** Whether the contact is subscribed to the user's presence ({@code from} or {@code both}). */
    public boolean hasFrom() {
        return from;
    }

    /** This state with the {@code to} direction set or cleared, e.g. {@code FROM.withTo(true) == BOTH}. */
    public Subscription withTo(boolean to) {
        return of(to, from);
    }

    /** This state with the {@code from} direction set or cleared, e.g. {@code BOTH.withFrom(false) == TO}. */
    public Subscription withFrom(boolean from) {
        return of(to, from);
    }
}
