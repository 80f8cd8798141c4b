package io.switchboard.presence.subscription;

import java.util.Objects;

/**
 * The RFC 6121 §3 presence-subscription state machine as pure functions, from the point of view of
 * the user's server: {@code userState} is the state of the user's roster item for the contact, as in
 * the tables of RFC 6121 Appendix A. No I/O: callers persist {@link Outcome#newState()}, push the
 * roster, route or deliver the stanza and send any auto-reply.
 *
 * <p>Presence side effects that depend on the change, not on the table, stay with the caller: when
 * {@code from} becomes true, send the user's current presence to the contact (§3.1.5); when it becomes
 * false, send {@code unavailable} from the user's available resources to the contact (§3.2.2, §3.3.3).
 *
 * <p>Pre-approval (§3.4) is supported. A server that does not advertise it can call
 * {@link #outbound(SubscriptionState, SubscriptionType, boolean)} with {@code false}.
 */
public final class SubscriptionRules {

    private SubscriptionRules() {
    }

    /** The user sends {@code type} to the contact, on a server that supports pre-approval (§3.4). */
    public static Outcome outbound(SubscriptionState userState, SubscriptionType type) {
        return outbound(userState, type, true);
    }

    /**
     * The user sends {@code type} to the contact: RFC 6121 Appendix A.2 and §3.1.2, §3.1.5, §3.2.2,
     * §3.3.2, §3.4.2.
     *
     * @param preApprovalSupported whether an unsolicited {@code subscribed} becomes a pre-approval
     *                             (§3.4); without it, such a stanza is ignored (A.2.3)
     */
    public static Outcome outbound(SubscriptionState userState, SubscriptionType type, boolean preApprovalSupported) {
        Objects.requireNonNull(userState, "userState");
        Objects.requireNonNull(type, "type");
        SubscriptionState s = userState;
        return switch (type) {
            // A.2.1, §3.1.2: always routed, even when already subscribed or already pending, so that a
            // contact's server that lost state can resynchronise (it auto-replies 'subscribed',
            // §3.1.3 rule 2). Pending Out is set unless the user is already subscribed ("To"
            // rows: no state change).
            case SUBSCRIBE -> Outcome.of(s, s.to() ? s : s.withPendingOut(true), true, null);

            // A.2.2, §3.3.2: always routed. Ends the user's subscription (To → None, Both → From) or
            // cancels the pending request (Pending Out → gone). Pending In and a pre-approval are
            // unaffected; they concern the contact's subscription to the user.
            case UNSUBSCRIBE -> Outcome.of(s, s.withTo(false).withPendingOut(false), true, null);

            case SUBSCRIBED -> {
                if (s.from()) {
                    // A.2.3 rows From, From + Pending Out, Both; §3.4.2 rule 1: already approved,
                    // silently ignored: not routed, no state change.
                    yield Outcome.of(s, s, false, null);
                }
                if (s.pendingIn()) {
                    // A.2.3 rows None + Pending In → From, None + Pending Out + Pending In →
                    // From + Pending Out, To + Pending In → Both; §3.1.5, §3.4.2 rule 2: an approval,
                    // routed.
                    yield Outcome.of(s, s.withPendingIn(false).withFrom(true), true, null);
                }
                // A.2.3 rows None, None + Pending Out, To: MUST NOT be routed (§3.4.2 rules 3-4).
                // With pre-approval support the server notes approved='true' and pushes the item;
                // if already pre-approved, nothing changes.
                yield Outcome.of(s, preApprovalSupported ? s.withPreApproved(true) : s, false, null);
            }

            case UNSUBSCRIBED -> {
                if (s.from() || s.pendingIn()) {
                    // A.2.4 rows None + Pending In → None, None + Pending Out + Pending In →
                    // None + Pending Out, To + Pending In → To (§3.2.2: denying a request);
                    // From → None, From + Pending Out → None + Pending Out, Both → To (revoking the
                    // contact's subscription). Routed.
                    yield Outcome.of(s, s.withFrom(false).withPendingIn(false), true, null);
                }
                // A.2.4 rows None, None + Pending Out, To: nothing to deny or revoke: not routed.
                // If the user had pre-approved the contact, the 'unsubscribed' cancels that
                // pre-approval (interpretation of §3.4; the item is pushed without approved).
                yield Outcome.of(s, s.withPreApproved(false), false, null);
            }
        };
    }

    /**
     * A stanza of {@code type} arrives from the contact for the user: RFC 6121 Appendix A.3 and
     * §3.1.3, §3.1.6, §3.2.3, §3.3.3, §3.4.
     */
    public static Outcome inbound(SubscriptionState userState, SubscriptionType type) {
        Objects.requireNonNull(userState, "userState");
        Objects.requireNonNull(type, "type");
        SubscriptionState s = userState;
        return switch (type) {
            case SUBSCRIBE -> {
                if (s.from()) {
                    // A.3.1 rows From, From + Pending Out, Both ("no *"); §3.1.3 rule 2: the contact
                    // is already subscribed: do not deliver, auto-reply 'subscribed'.
                    yield Outcome.of(s, s, false, SubscriptionType.SUBSCRIBED);
                }
                if (s.preApproved()) {
                    // §3.1.3 rule 2, §3.4: the user pre-approved the contact: approve on the user's
                    // behalf. The pre-approval is consumed and the contact gains a subscription:
                    // None → From, None + Pending Out → From + Pending Out, To → Both. Not delivered.
                    yield Outcome.of(s, s.withPreApproved(false).withFrom(true), false,
                            SubscriptionType.SUBSCRIBED);
                }
                if (s.pendingIn()) {
                    // A.3.1 rows None + Pending In, None + Pending Out + Pending In, To + Pending In:
                    // a duplicate of a request already pending: not delivered again, no change.
                    yield Outcome.of(s, s, false, null);
                }
                // A.3.1 rows None → None + Pending In, None + Pending Out →
                // None + Pending Out + Pending In, To → To + Pending In: delivered (or kept until the
                // user has an available resource, §3.1.3 rule 4). No roster push: Pending In is not
                // part of the roster item (A.1).
                yield Outcome.of(s, s.withPendingIn(true), true, null);
            }

            case UNSUBSCRIBE -> {
                if (s.from() || s.pendingIn()) {
                    // A.3.2 rows None + Pending In → None, None + Pending Out + Pending In →
                    // None + Pending Out, To + Pending In → To (the contact withdraws its request);
                    // From → None, From + Pending Out → None + Pending Out, Both → To (§3.3.3: the
                    // contact ends its subscription). Delivered.
                    yield Outcome.of(s, s.withFrom(false).withPendingIn(false), true, null);
                }
                // A.3.2 rows None, None + Pending Out, To: nothing to cancel: not delivered. A
                // pre-approval survives (the contact never held a subscription).
                yield Outcome.of(s, s, false, null);
            }

            case SUBSCRIBED -> {
                if (s.pendingOut()) {
                    // A.3.3 rows None + Pending Out → To, None + Pending Out + Pending In →
                    // To + Pending In, From + Pending Out → Both; §3.1.6: delivered, roster pushed.
                    yield Outcome.of(s, s.withPendingOut(false).withTo(true), true, null);
                }
                // A.3.3 all other rows; §3.1.6: no request pending: silently ignored (MUST NOT
                // deliver, modify the roster or push).
                yield Outcome.of(s, s, false, null);
            }

            case UNSUBSCRIBED -> {
                if (s.to() || s.pendingOut()) {
                    // A.3.4 rows None + Pending Out → None, None + Pending Out + Pending In →
                    // None + Pending In (request denied); To → None, To + Pending In →
                    // None + Pending In, From + Pending Out → From, Both → From (§3.2.3: subscription
                    // cancelled). Delivered, roster pushed.
                    yield Outcome.of(s, s.withTo(false).withPendingOut(false), true, null);
                }
                // A.3.4 rows None, None + Pending In, From; §3.2.3: silently ignored.
                yield Outcome.of(s, s, false, null);
            }
        };
    }
}
