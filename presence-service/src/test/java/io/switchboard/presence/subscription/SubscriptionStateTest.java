package io.switchboard.presence.subscription;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.switchboard.presence.subscription.SubscriptionState.BOTH;
import static io.switchboard.presence.subscription.SubscriptionState.FROM;
import static io.switchboard.presence.subscription.SubscriptionState.FROM_PENDING_OUT;
import static io.switchboard.presence.subscription.SubscriptionState.NONE;
import static io.switchboard.presence.subscription.SubscriptionState.NONE_PENDING_IN;
import static io.switchboard.presence.subscription.SubscriptionState.NONE_PENDING_OUT;
import static io.switchboard.presence.subscription.SubscriptionState.NONE_PENDING_OUT_IN;
import static io.switchboard.presence.subscription.SubscriptionState.TO;
import static io.switchboard.presence.subscription.SubscriptionState.TO_PENDING_IN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6121 A.1 defined states, roster attributes (§2.1.2) and the state invariants. */
class SubscriptionStateTest {

    /** state, A.1 name, subscription attribute, ask, roster item (A.1 / §3.1.3). */
    static Stream<Arguments> definedStates() {
        return Stream.of(
                Arguments.of(NONE, "None", "none", false, true),
                Arguments.of(NONE_PENDING_OUT, "None + Pending Out", "none", true, true),
                Arguments.of(NONE_PENDING_IN, "None + Pending In", "none", false, false),
                Arguments.of(NONE_PENDING_OUT_IN, "None + Pending Out + Pending In", "none", true, true),
                Arguments.of(TO, "To", "to", false, true),
                Arguments.of(TO_PENDING_IN, "To + Pending In", "to", false, true),
                Arguments.of(FROM, "From", "from", false, true),
                Arguments.of(FROM_PENDING_OUT, "From + Pending Out", "from", true, true),
                Arguments.of(BOTH, "Both", "both", false, true));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("definedStates")
    void definedState(SubscriptionState state, String rfcName, String subscription, boolean ask, boolean visible) {
        assertThat(state.rfcName()).isEqualTo(rfcName);
        assertThat(state.toString()).isEqualTo(rfcName);
        assertThat(state.subscriptionAttribute()).isEqualTo(subscription);
        assertThat(state.ask()).isEqualTo(ask).isEqualTo(state.pendingOut());
        assertThat(state.isRosterVisible()).isEqualTo(visible);
        assertThat(state.preApproved()).isFalse();
        assertThat(state.approved()).isFalse();
        assertThat(SubscriptionState.of(subscription, ask, state.pendingIn(), false)).isEqualTo(state);
    }

    @Test
    void definedStatesAreTheNineOfAppendixA1() {
        assertThat(SubscriptionState.DEFINED_STATES).hasSize(9).doesNotHaveDuplicates()
                .extracting(SubscriptionState::rfcName).containsExactly("None", "None + Pending Out",
                        "None + Pending In", "None + Pending Out + Pending In", "To", "To + Pending In", "From",
                        "From + Pending Out", "Both");
    }

    @Test
    void invariantsLeaveTheNineStatesPlusThreePreApproved() {
        List<SubscriptionState> valid = new ArrayList<>();
        for (int bits = 0; bits < 32; bits++) {
            boolean to = (bits & 1) != 0;
            boolean from = (bits & 2) != 0;
            boolean pendingOut = (bits & 4) != 0;
            boolean pendingIn = (bits & 8) != 0;
            boolean preApproved = (bits & 16) != 0;
            boolean expectValid = !(pendingOut && to) && !(pendingIn && from) && !(preApproved && from)
                    && !(preApproved && pendingIn);
            if (expectValid) {
                valid.add(new SubscriptionState(to, from, pendingOut, pendingIn, preApproved));
            } else {
                assertThatThrownBy(() -> new SubscriptionState(to, from, pendingOut, pendingIn, preApproved))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(valid).hasSize(12);
        assertThat(valid.stream().filter(s -> !s.preApproved()).toList())
                .containsExactlyInAnyOrderElementsOf(SubscriptionState.DEFINED_STATES);
        assertThat(valid.stream().filter(SubscriptionState::preApproved).toList())
                .containsExactlyInAnyOrder(NONE.withPreApproved(true), NONE_PENDING_OUT.withPreApproved(true),
                        TO.withPreApproved(true));
    }

    @Test
    void preApprovedStatesAreRosterItemsWithApproved() {
        SubscriptionState s = NONE.withPreApproved(true);
        assertThat(s.approved()).isTrue();
        assertThat(s.isRosterVisible()).isTrue();
        assertThat(s.rfcName()).isEqualTo("None");
        assertThat(s.toString()).isEqualTo("None [pre-approved]");
        assertThat(s.subscriptionAttribute()).isEqualTo("none");
        assertThat(SubscriptionState.of("to", false, false, true)).isEqualTo(TO.withPreApproved(true));
        assertThatThrownBy(() -> FROM.withPreApproved(true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NONE_PENDING_IN.withPreApproved(true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rosterItemIgnoresPendingIn() {
        assertThat(NONE.rosterItemDiffers(NONE_PENDING_IN)).isFalse();
        assertThat(TO.rosterItemDiffers(TO_PENDING_IN)).isFalse();
        assertThat(NONE_PENDING_OUT.rosterItemDiffers(NONE_PENDING_OUT_IN)).isFalse();
        assertThat(NONE.rosterItemDiffers(NONE_PENDING_OUT)).isTrue();
        assertThat(NONE.rosterItemDiffers(NONE.withPreApproved(true))).isTrue();
        assertThat(FROM.rosterItemDiffers(BOTH)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"None", "remove", "", "both "})
    void ofRejectsUnknownSubscriptionValues(String value) {
        assertThatThrownBy(() -> SubscriptionState.of(value, false, false, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"unavailable", "probe", "error", "Subscribe", "SUBSCRIBED", " subscribe"})
    void nonSubscriptionPresenceTypes(String type) {
        assertThat(SubscriptionType.fromPresenceType(type)).isEmpty();
    }

    @Test
    void subscriptionPresenceTypes() {
        for (SubscriptionType t : SubscriptionType.values()) {
            assertThat(SubscriptionType.fromPresenceType(t.presenceType())).contains(t);
        }
        assertThat(SubscriptionType.fromPresenceType("subscribe")).contains(SubscriptionType.SUBSCRIBE);
        assertThat(SubscriptionType.fromPresenceType("subscribed")).contains(SubscriptionType.SUBSCRIBED);
        assertThat(SubscriptionType.fromPresenceType("unsubscribe")).contains(SubscriptionType.UNSUBSCRIBE);
        assertThat(SubscriptionType.fromPresenceType("unsubscribed")).contains(SubscriptionType.UNSUBSCRIBED);
    }
}
