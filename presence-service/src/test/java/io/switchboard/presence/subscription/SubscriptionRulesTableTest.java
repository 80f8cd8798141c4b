package io.switchboard.presence.subscription;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
import static io.switchboard.presence.subscription.SubscriptionType.SUBSCRIBE;
import static io.switchboard.presence.subscription.SubscriptionType.SUBSCRIBED;
import static io.switchboard.presence.subscription.SubscriptionType.UNSUBSCRIBE;
import static io.switchboard.presence.subscription.SubscriptionType.UNSUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6121 Appendix A, one row per (direction × state × type). Expected values are written out
 * from the RFC's tables, not computed. Columns: direction, existing state, stanza, route/deliver?,
 * new state (SAME = "no state change"), roster push?, auto-reply, and the table row.
 *
 * <p>Roster push is this implementation's reading of §3 (see {@link Outcome#rosterPush()}): the
 * item as a client sees it changed. Pending In alone never pushes (A.1).
 */
class SubscriptionRulesTableTest {

    enum Dir { OUT, IN }

    static final boolean YES = true;
    static final boolean NO = false;
    static final boolean PUSH = true;
    static final boolean NO_PUSH = false;
    /** "no state change". */
    static final SubscriptionState SAME = null;

    record Row(String cite, Dir dir, SubscriptionState state, SubscriptionType type, boolean forward,
               SubscriptionState expected, boolean push, SubscriptionType autoReply) {
        SubscriptionState expectedState() {
            return expected == null ? state : expected;
        }

        @Override
        public String toString() {
            return String.format("%s %s %s in \"%s\" → %s, %s%s%s", cite, dir == Dir.OUT ? "outbound" : "inbound",
                    type.presenceType(), state, expected == null ? "no state change" : "\"" + expected + "\"",
                    forward ? (dir == Dir.OUT ? "route" : "deliver") : (dir == Dir.OUT ? "don't route" : "don't deliver"),
                    push ? ", push" : "", autoReply == null ? "" : ", auto-reply " + autoReply.presenceType());
        }
    }

    static Row row(String cite, Dir dir, SubscriptionState state, SubscriptionType type, boolean forward,
                   SubscriptionState expected, boolean push) {
        return new Row(cite, dir, state, type, forward, expected, push, null);
    }

    static Row row(String cite, Dir dir, SubscriptionState state, SubscriptionType type, boolean forward,
                   SubscriptionState expected, boolean push, SubscriptionType autoReply) {
        return new Row(cite, dir, state, type, forward, expected, push, autoReply);
    }

    static SubscriptionState pre(SubscriptionState s) {
        return s.withPreApproved(true);
    }

    static final Dir OUT = Dir.OUT;
    static final Dir IN = Dir.IN;

    /** The 72 rows of RFC 6121 Appendix A.2 and A.3 (9 states × 4 types × 2 directions). */
    static List<Row> rfcTable() {
        return List.of(
                // A.2.1 outbound "subscribe" (§3.1.2): always routed.
                row("A.2.1", OUT, NONE, SUBSCRIBE, YES, NONE_PENDING_OUT, PUSH),
                row("A.2.1", OUT, NONE_PENDING_OUT, SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.1", OUT, NONE_PENDING_IN, SUBSCRIBE, YES, NONE_PENDING_OUT_IN, PUSH),
                row("A.2.1", OUT, NONE_PENDING_OUT_IN, SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.1", OUT, TO, SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.1", OUT, TO_PENDING_IN, SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.1", OUT, FROM, SUBSCRIBE, YES, FROM_PENDING_OUT, PUSH),
                row("A.2.1", OUT, FROM_PENDING_OUT, SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.1", OUT, BOTH, SUBSCRIBE, YES, SAME, NO_PUSH),

                // A.2.2 outbound "unsubscribe" (§3.3.2): always routed.
                row("A.2.2", OUT, NONE, UNSUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.2", OUT, NONE_PENDING_OUT, UNSUBSCRIBE, YES, NONE, PUSH),
                row("A.2.2", OUT, NONE_PENDING_IN, UNSUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.2", OUT, NONE_PENDING_OUT_IN, UNSUBSCRIBE, YES, NONE_PENDING_IN, PUSH),
                row("A.2.2", OUT, TO, UNSUBSCRIBE, YES, NONE, PUSH),
                row("A.2.2", OUT, TO_PENDING_IN, UNSUBSCRIBE, YES, NONE_PENDING_IN, PUSH),
                row("A.2.2", OUT, FROM, UNSUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.2", OUT, FROM_PENDING_OUT, UNSUBSCRIBE, YES, FROM, PUSH),
                row("A.2.2", OUT, BOTH, UNSUBSCRIBE, YES, FROM, PUSH),

                // A.2.3 outbound "subscribed" (§3.1.5, §3.4.2): without Pending In it is a
                // pre-approval (never routed); with "from" it is ignored.
                row("A.2.3/§3.4.2(3)", OUT, NONE, SUBSCRIBED, NO, pre(NONE), PUSH),
                row("A.2.3/§3.4.2(3)", OUT, NONE_PENDING_OUT, SUBSCRIBED, NO, pre(NONE_PENDING_OUT), PUSH),
                row("A.2.3", OUT, NONE_PENDING_IN, SUBSCRIBED, YES, FROM, PUSH),
                row("A.2.3", OUT, NONE_PENDING_OUT_IN, SUBSCRIBED, YES, FROM_PENDING_OUT, PUSH),
                row("A.2.3/§3.4.2(3)", OUT, TO, SUBSCRIBED, NO, pre(TO), PUSH),
                row("A.2.3", OUT, TO_PENDING_IN, SUBSCRIBED, YES, BOTH, PUSH),
                row("A.2.3/§3.4.2(1)", OUT, FROM, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.3/§3.4.2(1)", OUT, FROM_PENDING_OUT, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.3/§3.4.2(1)", OUT, BOTH, SUBSCRIBED, NO, SAME, NO_PUSH),

                // A.2.4 outbound "unsubscribed" (§3.2.2). Clearing Pending In alone changes the
                // stored state but not the roster item: no push.
                row("A.2.4", OUT, NONE, UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.4", OUT, NONE_PENDING_OUT, UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.4", OUT, NONE_PENDING_IN, UNSUBSCRIBED, YES, NONE, NO_PUSH),
                row("A.2.4", OUT, NONE_PENDING_OUT_IN, UNSUBSCRIBED, YES, NONE_PENDING_OUT, NO_PUSH),
                row("A.2.4", OUT, TO, UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.4", OUT, TO_PENDING_IN, UNSUBSCRIBED, YES, TO, NO_PUSH),
                row("A.2.4", OUT, FROM, UNSUBSCRIBED, YES, NONE, PUSH),
                row("A.2.4", OUT, FROM_PENDING_OUT, UNSUBSCRIBED, YES, NONE_PENDING_OUT, PUSH),
                row("A.2.4", OUT, BOTH, UNSUBSCRIBED, YES, TO, PUSH),

                // A.3.1 inbound "subscribe" (§3.1.3). "no *": auto-reply "subscribed".
                row("A.3.1", IN, NONE, SUBSCRIBE, YES, NONE_PENDING_IN, NO_PUSH),
                row("A.3.1", IN, NONE_PENDING_OUT, SUBSCRIBE, YES, NONE_PENDING_OUT_IN, NO_PUSH),
                row("A.3.1", IN, NONE_PENDING_IN, SUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.1", IN, NONE_PENDING_OUT_IN, SUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.1", IN, TO, SUBSCRIBE, YES, TO_PENDING_IN, NO_PUSH),
                row("A.3.1", IN, TO_PENDING_IN, SUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.1/§3.1.3(2)", IN, FROM, SUBSCRIBE, NO, SAME, NO_PUSH, SUBSCRIBED),
                row("A.3.1/§3.1.3(2)", IN, FROM_PENDING_OUT, SUBSCRIBE, NO, SAME, NO_PUSH, SUBSCRIBED),
                row("A.3.1/§3.1.3(2)", IN, BOTH, SUBSCRIBE, NO, SAME, NO_PUSH, SUBSCRIBED),

                // A.3.2 inbound "unsubscribe" (§3.3.3).
                row("A.3.2", IN, NONE, UNSUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.2", IN, NONE_PENDING_OUT, UNSUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.2", IN, NONE_PENDING_IN, UNSUBSCRIBE, YES, NONE, NO_PUSH),
                row("A.3.2", IN, NONE_PENDING_OUT_IN, UNSUBSCRIBE, YES, NONE_PENDING_OUT, NO_PUSH),
                row("A.3.2", IN, TO, UNSUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.2", IN, TO_PENDING_IN, UNSUBSCRIBE, YES, TO, NO_PUSH),
                row("A.3.2", IN, FROM, UNSUBSCRIBE, YES, NONE, PUSH),
                row("A.3.2", IN, FROM_PENDING_OUT, UNSUBSCRIBE, YES, NONE_PENDING_OUT, PUSH),
                row("A.3.2", IN, BOTH, UNSUBSCRIBE, YES, TO, PUSH),

                // A.3.3 inbound "subscribed" (§3.1.6): only meaningful with Pending Out.
                row("A.3.3", IN, NONE, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.3", IN, NONE_PENDING_OUT, SUBSCRIBED, YES, TO, PUSH),
                row("A.3.3", IN, NONE_PENDING_IN, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.3", IN, NONE_PENDING_OUT_IN, SUBSCRIBED, YES, TO_PENDING_IN, PUSH),
                row("A.3.3", IN, TO, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.3", IN, TO_PENDING_IN, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.3", IN, FROM, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.3", IN, FROM_PENDING_OUT, SUBSCRIBED, YES, BOTH, PUSH),
                row("A.3.3", IN, BOTH, SUBSCRIBED, NO, SAME, NO_PUSH),

                // A.3.4 inbound "unsubscribed" (§3.2.3).
                row("A.3.4", IN, NONE, UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.4", IN, NONE_PENDING_OUT, UNSUBSCRIBED, YES, NONE, PUSH),
                row("A.3.4", IN, NONE_PENDING_IN, UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.4", IN, NONE_PENDING_OUT_IN, UNSUBSCRIBED, YES, NONE_PENDING_IN, PUSH),
                row("A.3.4", IN, TO, UNSUBSCRIBED, YES, NONE, PUSH),
                row("A.3.4", IN, TO_PENDING_IN, UNSUBSCRIBED, YES, NONE_PENDING_IN, PUSH),
                row("A.3.4", IN, FROM, UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.4", IN, FROM_PENDING_OUT, UNSUBSCRIBED, YES, FROM, PUSH),
                row("A.3.4", IN, BOTH, UNSUBSCRIBED, YES, FROM, PUSH));
    }

    /**
     * The three pre-approved states (§3.4: "None", "None + Pending Out", "To" with approved='true')
     * × 4 types × 2 directions. Pre-approval concerns only the contact's subscription to the user.
     */
    static List<Row> preApprovalTable() {
        return List.of(
                // Outbound subscribe / unsubscribe: as A.2.1 / A.2.2; the pre-approval survives.
                row("A.2.1+§3.4", OUT, pre(NONE), SUBSCRIBE, YES, pre(NONE_PENDING_OUT), PUSH),
                row("A.2.1+§3.4", OUT, pre(NONE_PENDING_OUT), SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.1+§3.4", OUT, pre(TO), SUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.2+§3.4", OUT, pre(NONE), UNSUBSCRIBE, YES, SAME, NO_PUSH),
                row("A.2.2+§3.4", OUT, pre(NONE_PENDING_OUT), UNSUBSCRIBE, YES, pre(NONE), PUSH),
                row("A.2.2+§3.4", OUT, pre(TO), UNSUBSCRIBE, YES, pre(NONE), PUSH),
                // Outbound subscribed again: already pre-approved, not routed (§3.4.2 rule 3).
                row("§3.4.2(3)", OUT, pre(NONE), SUBSCRIBED, NO, SAME, NO_PUSH),
                row("§3.4.2(3)", OUT, pre(NONE_PENDING_OUT), SUBSCRIBED, NO, SAME, NO_PUSH),
                row("§3.4.2(3)", OUT, pre(TO), SUBSCRIBED, NO, SAME, NO_PUSH),
                // Outbound unsubscribed: cancels the pre-approval; not routed (A.2.4 rows).
                row("A.2.4+§3.4", OUT, pre(NONE), UNSUBSCRIBED, NO, NONE, PUSH),
                row("A.2.4+§3.4", OUT, pre(NONE_PENDING_OUT), UNSUBSCRIBED, NO, NONE_PENDING_OUT, PUSH),
                row("A.2.4+§3.4", OUT, pre(TO), UNSUBSCRIBED, NO, TO, PUSH),
                // Inbound subscribe: approved on the user's behalf, pre-approval consumed (§3.1.3(2)).
                row("§3.1.3(2)+§3.4", IN, pre(NONE), SUBSCRIBE, NO, FROM, PUSH, SUBSCRIBED),
                row("§3.1.3(2)+§3.4", IN, pre(NONE_PENDING_OUT), SUBSCRIBE, NO, FROM_PENDING_OUT, PUSH, SUBSCRIBED),
                row("§3.1.3(2)+§3.4", IN, pre(TO), SUBSCRIBE, NO, BOTH, PUSH, SUBSCRIBED),
                // Inbound unsubscribe: A.3.2 rows None / None + Pending Out / To: ignored.
                row("A.3.2+§3.4", IN, pre(NONE), UNSUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.2+§3.4", IN, pre(NONE_PENDING_OUT), UNSUBSCRIBE, NO, SAME, NO_PUSH),
                row("A.3.2+§3.4", IN, pre(TO), UNSUBSCRIBE, NO, SAME, NO_PUSH),
                // Inbound subscribed / unsubscribed: as A.3.3 / A.3.4; the pre-approval survives.
                row("A.3.3+§3.4", IN, pre(NONE), SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.3+§3.4", IN, pre(NONE_PENDING_OUT), SUBSCRIBED, YES, pre(TO), PUSH),
                row("A.3.3+§3.4", IN, pre(TO), SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.4+§3.4", IN, pre(NONE), UNSUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.3.4+§3.4", IN, pre(NONE_PENDING_OUT), UNSUBSCRIBED, YES, pre(NONE), PUSH),
                row("A.3.4+§3.4", IN, pre(TO), UNSUBSCRIBED, YES, pre(NONE), PUSH));
    }

    /** A server that does not support pre-approval: A.2.3 rows None, None + Pending Out, To are ignored. */
    static List<Row> noPreApprovalSupportTable() {
        return List.of(
                row("A.2.3 (no §3.4)", OUT, NONE, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.3 (no §3.4)", OUT, NONE_PENDING_OUT, SUBSCRIBED, NO, SAME, NO_PUSH),
                row("A.2.3 (no §3.4)", OUT, TO, SUBSCRIBED, NO, SAME, NO_PUSH));
    }

    static Outcome apply(Row row) {
        return row.dir() == Dir.OUT ? SubscriptionRules.outbound(row.state(), row.type())
                : SubscriptionRules.inbound(row.state(), row.type());
    }

    static void check(Row row, Outcome outcome) {
        assertThat(outcome.newState()).as("new state").isEqualTo(row.expectedState());
        assertThat(outcome.stateChanged()).as("stateChanged").isEqualTo(!row.expectedState().equals(row.state()));
        assertThat(outcome.forward()).as(row.dir() == Dir.OUT ? "route" : "deliver").isEqualTo(row.forward());
        assertThat(outcome.rosterPush()).as("roster push").isEqualTo(row.push());
        assertThat(outcome.autoReply()).as("auto-reply").isEqualTo(row.autoReply());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfcTable")
    void appendixA(Row row) {
        check(row, apply(row));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preApprovalTable")
    void preApproval(Row row) {
        check(row, apply(row));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noPreApprovalSupportTable")
    void withoutPreApprovalSupport(Row row) {
        check(row, SubscriptionRules.outbound(row.state(), row.type(), false));
    }

    @Test
    void tablesAreExhaustiveAndWithoutDuplicates() {
        Set<List<Object>> keys = new HashSet<>();
        for (Row row : rfcTable()) {
            assertThat(SubscriptionState.DEFINED_STATES).contains(row.state());
            assertThat(keys.add(List.of(row.dir(), row.state(), row.type()))).as("duplicate %s", row).isTrue();
        }
        assertThat(keys).hasSize(9 * 4 * 2);

        Set<List<Object>> preKeys = new HashSet<>();
        for (Row row : preApprovalTable()) {
            assertThat(row.state().preApproved()).isTrue();
            assertThat(preKeys.add(List.of(row.dir(), row.state(), row.type()))).as("duplicate %s", row).isTrue();
        }
        assertThat(preKeys).hasSize(3 * 4 * 2);
    }

    /** Every valid state: the 9 RFC states and the 3 pre-approved ones. */
    static List<SubscriptionState> allStates() {
        List<SubscriptionState> all = new ArrayList<>(SubscriptionState.DEFINED_STATES);
        all.addAll(List.of(pre(NONE), pre(NONE_PENDING_OUT), pre(TO)));
        return all;
    }

    static Stream<Row> everyInput() {
        List<Row> inputs = new ArrayList<>();
        for (SubscriptionState s : allStates()) {
            for (SubscriptionType t : SubscriptionType.values()) {
                for (Dir d : Dir.values()) {
                    inputs.add(new Row("any", d, s, t, false, null, false, null));
                }
            }
        }
        return inputs.stream();
    }

    @Test
    void outcomeFlagsAreConsistentForEveryInput() {
        everyInput().forEach(in -> {
            Outcome o = apply(in);
            String what = in.dir() + " " + in.type() + " in " + in.state();
            assertThat(o.stateChanged()).as(what).isEqualTo(!o.newState().equals(in.state()));
            assertThat(o.rosterPush()).as(what).isEqualTo(o.newState().rosterItemDiffers(in.state()));
            if (o.rosterPush()) {
                assertThat(o.stateChanged()).as(what).isTrue();
            }
            if (o.autoReply() != null) {
                // Only an inbound subscribe is answered on the user's behalf, and then not delivered.
                assertThat(in.dir()).as(what).isEqualTo(Dir.IN);
                assertThat(in.type()).as(what).isEqualTo(SUBSCRIBE);
                assertThat(o.forward()).as(what).isFalse();
            }
            if (in.dir() == Dir.OUT && (in.type() == SUBSCRIBE || in.type() == UNSUBSCRIBE)) {
                assertThat(o.forward()).as("A.2.1/A.2.2 always route: " + what).isTrue();
            }
        });
    }

    @Test
    void everyTransitionIsIdempotent() {
        // Processing the same stanza again never changes the state again: duplicates are harmless.
        everyInput().forEach(in -> {
            Outcome first = apply(in);
            Outcome second = apply(new Row("again", in.dir(), first.newState(), in.type(), false, null, false, null));
            assertThat(second.stateChanged()).as("%s %s in %s twice", in.dir(), in.type(), in.state()).isFalse();
            assertThat(second.newState()).isEqualTo(first.newState());
        });
    }

    @Test
    void ignoredMeansNothingHappens() {
        assertThat(SubscriptionRules.inbound(NONE, SUBSCRIBED).ignored()).isTrue();
        assertThat(SubscriptionRules.outbound(BOTH, SUBSCRIBED).ignored()).isTrue();
        assertThat(SubscriptionRules.inbound(BOTH, SUBSCRIBE).ignored()).isFalse(); // auto-reply
        assertThat(SubscriptionRules.outbound(TO, SUBSCRIBE).ignored()).isFalse(); // routed
    }

    @Test
    void preApprovalSupportOnlyMattersForUnsolicitedSubscribed() {
        for (SubscriptionState s : SubscriptionState.DEFINED_STATES) {
            for (SubscriptionType t : SubscriptionType.values()) {
                boolean unsolicitedApproval = t == SUBSCRIBED && !s.from() && !s.pendingIn();
                if (!unsolicitedApproval) {
                    assertThat(SubscriptionRules.outbound(s, t, false)).as("%s in %s", t, s)
                            .isEqualTo(SubscriptionRules.outbound(s, t, true));
                }
            }
        }
    }
}
