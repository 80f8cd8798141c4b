package io.switchboard.presence.subscription;

import java.util.Objects;

/**
 * What the user's server does with one presence-subscription stanza (see {@link SubscriptionRules}).
 *
 * @param newState     the user's subscription state for the contact after processing (equal to the
 *                     old state when nothing changed)
 * @param stateChanged the stored state changed and must be persisted. This includes changes to
 *                     Pending In alone, which a client never sees (see {@code rosterPush})
 * @param forward      outbound: route the stanza to the contact; inbound: deliver it to the user's
 *                     available resources, or keep it and deliver it later when the user has none
 *                     (RFC 6121 §3.1.3 rule 4 for {@code subscribe}). {@code false} is the RFC's
 *                     "MUST NOT route/deliver" or "silently ignore"
 * @param autoReply    a stanza the user's server sends to the contact on the user's behalf, or
 *                     {@code null}. Today only {@code subscribed} for an inbound {@code subscribe}
 *                     when the contact is already subscribed or was pre-approved (RFC 6121 §3.1.3
 *                     rule 2, §3.4). Its effect on {@code newState} is already applied: route it to
 *                     the contact as is, without passing it through
 *                     {@link SubscriptionRules#outbound} again
 * @param rosterPush   the roster item as a client sees it (subscription, ask, approved) changed:
 *                     send a roster push to the user's interested resources (RFC 6121 §2.1.6). Implies
 *                     {@code stateChanged}; {@code false} when only Pending In changed, because Pending
 *                     In is not part of the item and a bare "None + Pending In" is no roster item (A.1)
 */
public record Outcome(SubscriptionState newState, boolean stateChanged, boolean forward, SubscriptionType autoReply,
                      boolean rosterPush) {

    public Outcome {
        Objects.requireNonNull(newState, "newState");
        if (rosterPush && !stateChanged) {
            throw new IllegalArgumentException("a roster push without a state change");
        }
    }

    /** The outcome of moving from {@code oldState} to {@code newState}; the two flags are derived. */
    static Outcome of(SubscriptionState oldState, SubscriptionState newState, boolean forward,
                      SubscriptionType autoReply) {
        return new Outcome(newState, !newState.equals(oldState), forward, autoReply,
                newState.rosterItemDiffers(oldState));
    }

    /** No state change, nothing routed or delivered: the stanza is silently ignored. */
    public boolean ignored() {
        return !stateChanged && !forward && autoReply == null;
    }
}
