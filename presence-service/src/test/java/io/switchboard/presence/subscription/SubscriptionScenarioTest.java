package io.switchboard.presence.subscription;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.switchboard.presence.subscription.SubscriptionState.BOTH;
import static io.switchboard.presence.subscription.SubscriptionState.FROM;
import static io.switchboard.presence.subscription.SubscriptionState.FROM_PENDING_OUT;
import static io.switchboard.presence.subscription.SubscriptionState.NONE;
import static io.switchboard.presence.subscription.SubscriptionState.NONE_PENDING_IN;
import static io.switchboard.presence.subscription.SubscriptionState.NONE_PENDING_OUT;
import static io.switchboard.presence.subscription.SubscriptionState.NONE_PENDING_OUT_IN;
import static io.switchboard.presence.subscription.SubscriptionState.TO;
import static io.switchboard.presence.subscription.SubscriptionState.TO_PENDING_IN;
import static io.switchboard.presence.subscription.SubscriptionType.SUBSCRIBE;
import static io.switchboard.presence.subscription.SubscriptionType.SUBSCRIBED;
import static io.switchboard.presence.subscription.SubscriptionType.UNSUBSCRIBE;
import static io.switchboard.presence.subscription.SubscriptionType.UNSUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-step flows between two users on two servers (RFC 6121 §3.1–§3.4), each side running
 * {@link SubscriptionRules} on its own roster item for the other. Routed stanzas are processed as
 * inbound on the other side; auto-replies are routed as is (they already took effect).
 */
class SubscriptionScenarioTest {

    /** One user with a roster item for the other user, as the user's server sees it. */
    static final class Side {
        final String name;
        SubscriptionState state = NONE;
        final List<String> events = new ArrayList<>();
        Side peer;

        Side(String name) {
            this.name = name;
        }

        /** The user's client sends {@code type} to the peer. */
        void send(SubscriptionType type) {
            Outcome out = SubscriptionRules.outbound(state, type);
            apply(out);
            if (out.forward()) {
                peer.receive(type);
            } else {
                events.add("not routed " + type.presenceType());
            }
        }

        /** The peer's server routes {@code type} to this user's server. */
        void receive(SubscriptionType type) {
            Outcome in = SubscriptionRules.inbound(state, type);
            apply(in);
            events.add((in.forward() ? "delivered " : "not delivered ") + type.presenceType());
            if (in.autoReply() != null) {
                events.add("auto-reply " + in.autoReply().presenceType());
                peer.receive(in.autoReply());
            }
        }

        private void apply(Outcome o) {
            state = o.newState();
            if (o.rosterPush()) {
                events.add("push " + state.subscriptionAttribute() + (state.ask() ? " ask" : "")
                        + (state.approved() ? " approved" : ""));
            }
        }

        List<String> drain() {
            List<String> copy = List.copyOf(events);
            events.clear();
            return copy;
        }
    }

    Side alice;
    Side bob;

    @BeforeEach
    void link() {
        alice = new Side("alice");
        bob = new Side("bob");
        alice.peer = bob;
        bob.peer = alice;
    }

    void assertStates(SubscriptionState aliceState, SubscriptionState bobState) {
        assertThat(alice.state).as("alice's item for bob").isEqualTo(aliceState);
        assertThat(bob.state).as("bob's item for alice").isEqualTo(bobState);
    }

    @Test
    void fullHandshakeFromBothSidesEndsInBoth() {
        // §3.1.1-§3.1.3: Alice asks; Bob's server stores the request without a roster item.
        alice.send(SUBSCRIBE);
        assertStates(NONE_PENDING_OUT, NONE_PENDING_IN);
        assertThat(alice.drain()).containsExactly("push none ask");
        assertThat(bob.drain()).containsExactly("delivered subscribe");
        assertThat(bob.state.isRosterVisible()).isFalse();

        // §3.1.4-§3.1.6: Bob approves.
        bob.send(SUBSCRIBED);
        assertStates(TO, FROM);
        assertThat(bob.drain()).containsExactly("push from");
        assertThat(alice.drain()).containsExactly("push to", "delivered subscribed");

        // Bob asks back; Alice approves.
        bob.send(SUBSCRIBE);
        assertStates(TO_PENDING_IN, FROM_PENDING_OUT);
        assertThat(bob.drain()).containsExactly("push from ask");
        assertThat(alice.drain()).containsExactly("delivered subscribe");

        alice.send(SUBSCRIBED);
        assertStates(BOTH, BOTH);
        assertThat(alice.drain()).containsExactly("push both");
        assertThat(bob.drain()).containsExactly("push both", "delivered subscribed");
    }

    @Test
    void crossingRequestsEndInBoth() {
        alice.send(SUBSCRIBE);
        bob.send(SUBSCRIBE);
        assertStates(NONE_PENDING_OUT_IN, NONE_PENDING_OUT_IN);

        alice.send(SUBSCRIBED);
        assertStates(FROM_PENDING_OUT, TO_PENDING_IN);
        bob.send(SUBSCRIBED);
        assertStates(BOTH, BOTH);
    }

    @Test
    void mutualCancellationEndsInNone() {
        alice.state = BOTH;
        bob.state = BOTH;

        // §3.3: Alice unsubscribes from Bob's presence.
        alice.send(UNSUBSCRIBE);
        assertStates(FROM, TO);
        assertThat(alice.drain()).containsExactly("push from");
        assertThat(bob.drain()).containsExactly("push to", "delivered unsubscribe");

        // §3.3 again: Bob cancels his own subscription to Alice's presence.
        bob.send(UNSUBSCRIBE);
        assertStates(NONE, NONE);
        assertThat(bob.drain()).containsExactly("push none");
        assertThat(alice.drain()).containsExactly("push none", "delivered unsubscribe");

        // Both sides are in sync: further cancellations are routed (A.2.2) but ignored (A.3.2).
        alice.send(UNSUBSCRIBE);
        assertStates(NONE, NONE);
        assertThat(bob.drain()).containsExactly("not delivered unsubscribe");
    }

    @Test
    void revokingBothWaysWithUnsubscribed() {
        alice.state = BOTH;
        bob.state = BOTH;

        // §3.2.1-§3.2.3: Alice cancels Bob's subscription to her presence.
        alice.send(UNSUBSCRIBED);
        assertStates(TO, FROM);
        bob.send(UNSUBSCRIBED);
        assertStates(NONE, NONE);
        // Nothing left to revoke: A.2.4 row "None": not routed.
        alice.send(UNSUBSCRIBED);
        assertThat(alice.drain()).endsWith("not routed unsubscribed");
    }

    @Test
    void preApprovalThenSubscribe() {
        // §3.4.1-§3.4.2 rule 4: Alice pre-approves Bob; nothing is routed.
        alice.send(SUBSCRIBED);
        assertStates(NONE.withPreApproved(true), NONE);
        assertThat(alice.drain()).containsExactly("push none approved", "not routed subscribed");
        assertThat(bob.drain()).isEmpty();

        // §3.1.3 rule 2: Bob's request is approved by Alice's server without bothering Alice.
        bob.send(SUBSCRIBE);
        assertStates(FROM, TO);
        assertThat(alice.drain()).containsExactly("push from", "not delivered subscribe", "auto-reply subscribed");
        assertThat(bob.drain()).containsExactly("push none ask", "push to", "delivered subscribed");

        // The pre-approval was consumed: after Bob unsubscribes, a new request needs approval.
        bob.send(UNSUBSCRIBE);
        assertStates(NONE, NONE);
        bob.send(SUBSCRIBE);
        assertStates(NONE_PENDING_IN, NONE_PENDING_OUT);
        assertThat(alice.drain()).endsWith("delivered subscribe");
    }

    @Test
    void preApprovalWhileAlreadySubscribedToTheContactEndsInBoth() {
        alice.state = TO;
        bob.state = FROM;
        alice.send(SUBSCRIBED); // pre-approves Bob (A.2.3 row "To")
        assertStates(TO.withPreApproved(true), FROM);
        bob.send(SUBSCRIBE);
        assertStates(BOTH, BOTH);
    }

    @Test
    void cancelledPreApprovalNeedsExplicitApproval() {
        alice.send(SUBSCRIBED);
        alice.send(UNSUBSCRIBED); // cancels the pre-approval, still not routed
        assertStates(NONE, NONE);
        assertThat(alice.drain()).containsExactly("push none approved", "not routed subscribed", "push none",
                "not routed unsubscribed");

        bob.send(SUBSCRIBE);
        assertStates(NONE_PENDING_IN, NONE_PENDING_OUT);
        assertThat(alice.drain()).containsExactly("delivered subscribe");
    }

    @Test
    void unsubscribeWhilePendingWithdrawsTheRequest() {
        alice.send(SUBSCRIBE);
        assertStates(NONE_PENDING_OUT, NONE_PENDING_IN);
        alice.drain();
        bob.drain();

        // §3.3.2 / A.2.2 row "None + Pending Out"; A.3.2 row "None + Pending In".
        alice.send(UNSUBSCRIBE);
        assertStates(NONE, NONE);
        assertThat(alice.drain()).containsExactly("push none");
        // Bob is told the request is gone, but never saw a roster item for Alice.
        assertThat(bob.drain()).containsExactly("delivered unsubscribe");

        // A late approval from Bob's client is now unsolicited: it becomes a pre-approval on Bob's side.
        bob.send(SUBSCRIBED);
        assertStates(NONE, NONE.withPreApproved(true));
    }

    @Test
    void denyingAPendingRequest() {
        alice.send(SUBSCRIBE);
        alice.drain();
        bob.drain();

        // §3.2 / A.2.4 row "None + Pending In": routed, no roster push on Bob's side.
        bob.send(UNSUBSCRIBED);
        assertStates(NONE, NONE);
        assertThat(bob.drain()).isEmpty();
        assertThat(alice.drain()).containsExactly("push none", "delivered unsubscribed");
    }

    @Test
    void duplicateRequestIsNotDeliveredTwice() {
        alice.send(SUBSCRIBE);
        alice.send(SUBSCRIBE); // A.2.1: routed again; A.3.1 row "None + Pending In": not delivered
        assertStates(NONE_PENDING_OUT, NONE_PENDING_IN);
        assertThat(bob.drain()).containsExactly("delivered subscribe", "not delivered subscribe");
    }

    @Test
    void subscriberThatLostItsStateResynchronises() {
        // Bob's server still has Alice as a subscriber but Alice's roster lost the item.
        alice.state = NONE;
        bob.state = FROM;
        alice.send(SUBSCRIBE);
        // §3.1.3 rule 2: Bob's server auto-replies; Alice's pending request completes.
        assertStates(TO, FROM);
        assertThat(bob.drain()).containsExactly("not delivered subscribe", "auto-reply subscribed");
        assertThat(alice.drain()).containsExactly("push none ask", "push to", "delivered subscribed");
    }

    @Test
    void unsolicitedApprovalIsIgnored() {
        // §3.1.6: "subscribed" without a pending request is silently ignored.
        bob.state = TO_PENDING_IN; // Bob thinks Alice asked; Alice's server disagrees.
        alice.state = FROM;
        bob.send(SUBSCRIBED);
        assertStates(FROM, BOTH);
        assertThat(alice.drain()).containsExactly("not delivered subscribed");
    }
}
