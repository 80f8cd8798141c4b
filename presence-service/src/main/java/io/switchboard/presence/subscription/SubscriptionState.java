package io.switchboard.presence.subscription;

import java.util.List;

/**
 * The presence-subscription state between a user (the roster owner) and one contact, as seen from
 * the user's side: RFC 6121 Appendix A.1 "Defined States" plus the subscription pre-approval flag
 * (RFC 6121 §3.4, roster attribute {@code approved='true'}, §2.1.2.1).
 *
 * <ul>
 *   <li>{@code to} — the user is subscribed to the contact's presence.</li>
 *   <li>{@code from} — the contact is subscribed to the user's presence.</li>
 *   <li>{@code pendingOut} — the user has sent the contact a subscription request that the contact has
 *       not answered yet (roster {@code ask='subscribe'}, §2.1.2.2).</li>
 *   <li>{@code pendingIn} — the contact has sent the user a subscription request that the user has not
 *       answered yet (not visible in the roster item itself).</li>
 *   <li>{@code preApproved} — the user has pre-approved a future request from the contact.</li>
 * </ul>
 *
 * <p>Invariants (checked by the constructor): a pending outbound request only makes sense while the
 * user is not yet subscribed ({@code pendingOut ⇒ !to}); a pending inbound request only while the
 * contact is not yet subscribed ({@code pendingIn ⇒ !from}); a pre-approval only while the contact is
 * not subscribed ({@code preApproved ⇒ !from}) and no request is pending, because a {@code subscribed}
 * sent while a request is pending is an ordinary approval (§3.4.2 rule 2) and a request arriving while
 * pre-approved is approved at once (§3.1.3 rule 2) ({@code preApproved ⇒ !pendingIn}). That leaves
 * the nine RFC states plus three pre-approved variants ("None", "None + Pending Out", "To").
 */
public record SubscriptionState(boolean to, boolean from, boolean pendingOut, boolean pendingIn, boolean preApproved) {

    public static final SubscriptionState NONE = new SubscriptionState(false, false, false, false, false);
    public static final SubscriptionState NONE_PENDING_OUT = new SubscriptionState(false, false, true, false, false);
    public static final SubscriptionState NONE_PENDING_IN = new SubscriptionState(false, false, false, true, false);
    public static final SubscriptionState NONE_PENDING_OUT_IN = new SubscriptionState(false, false, true, true, false);
    public static final SubscriptionState TO = new SubscriptionState(true, false, false, false, false);
    public static final SubscriptionState TO_PENDING_IN = new SubscriptionState(true, false, false, true, false);
    public static final SubscriptionState FROM = new SubscriptionState(false, true, false, false, false);
    public static final SubscriptionState FROM_PENDING_OUT = new SubscriptionState(false, true, true, false, false);
    public static final SubscriptionState BOTH = new SubscriptionState(true, true, false, false, false);

    /** The nine states of RFC 6121 Appendix A.1, in the RFC's order. */
    public static final List<SubscriptionState> DEFINED_STATES = List.of(NONE, NONE_PENDING_OUT, NONE_PENDING_IN,
            NONE_PENDING_OUT_IN, TO, TO_PENDING_IN, FROM, FROM_PENDING_OUT, BOTH);

    public SubscriptionState {
        if (pendingOut && to) {
            throw new IllegalArgumentException("Pending Out while already subscribed to the contact ('to')");
        }
        if (pendingIn && from) {
            throw new IllegalArgumentException("Pending In while the contact is already subscribed ('from')");
        }
        if (preApproved && from) {
            throw new IllegalArgumentException("pre-approval while the contact is already subscribed ('from')");
        }
        if (preApproved && pendingIn) {
            throw new IllegalArgumentException("pre-approval while a request from the contact is pending");
        }
    }

    /**
     * Builds a state from stored roster data: the {@code subscription} attribute value ("none", "to",
     * "from", "both"), the {@code ask} flag, whether an inbound request is pending, and the
     * {@code approved} flag.
     */
    public static SubscriptionState of(String subscription, boolean ask, boolean pendingIn, boolean approved) {
        boolean to;
        boolean from;
        switch (subscription) {
            case "none" -> { to = false; from = false; }
            case "to" -> { to = true; from = false; }
            case "from" -> { to = false; from = true; }
            case "both" -> { to = true; from = true; }
            default -> throw new IllegalArgumentException("not a subscription state: " + subscription);
        }
        return new SubscriptionState(to, from, ask, pendingIn, approved);
    }

    /** The RFC 6121 Appendix A.1 name, e.g. "None + Pending Out + Pending In". Ignores the pre-approval. */
    public String rfcName() {
        StringBuilder name = new StringBuilder(to ? (from ? "Both" : "To") : (from ? "From" : "None"));
        if (pendingOut) {
            name.append(" + Pending Out");
        }
        if (pendingIn) {
            name.append(" + Pending In");
        }
        return name.toString();
    }

    /** The roster item's {@code subscription} attribute (RFC 6121 §2.1.2.5): none, to, from or both. */
    public String subscriptionAttribute() {
        return to ? (from ? "both" : "to") : (from ? "from" : "none");
    }

    /** The roster item's {@code ask='subscribe'} flag (RFC 6121 §2.1.2.2): set exactly when Pending Out. */
    public boolean ask() {
        return pendingOut;
    }

    /** The roster item's {@code approved='true'} flag (RFC 6121 §2.1.2.1). */
    public boolean approved() {
        return preApproved;
    }

    /**
     * Whether this state implies a roster item. A bare "None + Pending In" does not: the contact's
     * server MUST NOT create a roster item merely because a request arrived and SHOULD NOT push or
     * deliver one (RFC 6121 §3.1.3, A.1); the request is stored on the side. Every other state is a
     * roster item (in "None" it exists if the user created it). Note that a user-created item can
     * still be in "None + Pending In"; the caller's storage must keep it (A.1: "might or might not be
     * reflected in the user's roster").
     */
    public boolean isRosterVisible() {
        return to || from || pendingOut || preApproved || !pendingIn;
    }

    /**
     * Whether the roster item as a client sees it — subscription, ask and approved — differs between
     * this state and {@code other}. Pending In is not part of the item, so changes to it alone never
     * warrant a roster push.
     */
    public boolean rosterItemDiffers(SubscriptionState other) {
        return to != other.to || from != other.from || pendingOut != other.pendingOut
                || preApproved != other.preApproved;
    }

    // The transitions below touch one flag each; the constructor re-checks the invariants.

    SubscriptionState withTo(boolean value) {
        return new SubscriptionState(value, from, pendingOut, pendingIn, preApproved);
    }

    SubscriptionState withFrom(boolean value) {
        return new SubscriptionState(to, value, pendingOut, pendingIn, preApproved);
    }

    SubscriptionState withPendingOut(boolean value) {
        return new SubscriptionState(to, from, value, pendingIn, preApproved);
    }

    SubscriptionState withPendingIn(boolean value) {
        return new SubscriptionState(to, from, pendingOut, value, preApproved);
    }

    /** This state with the pre-approval flag set or cleared. */
    public SubscriptionState withPreApproved(boolean value) {
        return new SubscriptionState(to, from, pendingOut, pendingIn, value);
    }

    @Override
    public String toString() {
        return preApproved ? rfcName() + " [pre-approved]" : rfcName();
    }
}
