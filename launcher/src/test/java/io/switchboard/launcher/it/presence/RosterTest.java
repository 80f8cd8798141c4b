package io.switchboard.launcher.it.presence;

import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.roster.packet.RosterPacket.ItemType;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.switchboard.launcher.it.presence.Inbox.anyPush;
import static io.switchboard.launcher.it.presence.Inbox.push;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Roster management (RFC 6121 §2) and roster versioning (RFC 6121 §2.6, XEP-0237) with Smack. */
class RosterTest extends PresenceServerTestBase {

    @Test
    @DisplayName("RFC 6121 §2.1.6 / §2.2: a roster push reaches every interested resource (both resources that"
            + " requested the roster) and no resource that did not request it")
    void pushesReachEveryInterestedResource() throws Exception {
        Kit.createAccounts(server, "ro1-alice");
        Kit.Client desk = kit.login("ro1-alice", "desk");
        Kit.Client phone = kit.login("ro1-alice", "phone");
        Kit.Client tv = kit.login("ro1-alice", "tv");
        desk.rosterGet();
        phone.rosterGet();
        int deskMark = desk.inbox().mark();
        int phoneMark = phone.inbox().mark();
        int tvMark = tv.inbox().mark();

        String bob = Kit.jid("ro1-bob");
        IQ result = desk.rosterSet(bob, "Bob", "Friends");
        assertThat(result.getType()).isEqualTo(IQ.Type.result);
        RosterPacket atDesk = (RosterPacket) desk.inbox().get(desk.inbox().awaitIndex(deskMark, "push at desk",
                push(bob)));
        RosterPacket atPhone = (RosterPacket) phone.inbox().get(phone.inbox().awaitIndex(phoneMark,
                "push at phone", push(bob)));
        for (RosterPacket p : new RosterPacket[] {atDesk, atPhone}) {
            RosterPacket.Item item = only(p);
            assertThat(item.getName()).isEqualTo("Bob");
            assertThat(item.getGroupNames()).containsExactly("Friends");
            assertThat(item.getItemType()).isEqualTo(ItemType.none);
            assertThat(p.getVersion()).as("ver on the push (§2.6)").isNotBlank();
            assertThat(p.getFrom() == null || p.getFrom().toString().equals(desk.bareJid()))
                    .as("§2.1.6: a push comes from the user's bare JID or has no 'from': %s", p.toXML()).isTrue();
        }
        assertThat(atPhone.getVersion()).isEqualTo(atDesk.getVersion());

        // The resource that never asked for the roster gets no push (§2.2).
        tv.inbox().barrier();
        tv.inbox().assertNone(tvMark, "a roster push to a resource that did not request the roster", anyPush());

        // Once it asks, it is interested: its first push is the next change.
        tv.rosterGet();
        int tvMark2 = tv.inbox().mark();
        String carol = Kit.jid("ro1-carol");
        phone.rosterSet(carol, "Carol");
        RosterPacket first = (RosterPacket) tv.inbox().get(tv.inbox().awaitIndex(tvMark2, "tv's first push",
                anyPush()));
        assertThat(only(first).getJid().toString()).isEqualTo(carol);
        desk.inbox().awaitIndex(deskMark, "push of carol at desk", push(carol));
    }

    @Test
    @DisplayName("RFC 6121 §2.3-§2.5: roster set adds and updates items (name, groups), remove deletes them;"
            + " each change is pushed; error cases of §2.3.3 / §2.5.3")
    void setUpdateRemoveAndErrors() throws Exception {
        Kit.createAccounts(server, "ro2-alice", "ro2-bob");
        Kit.Client alice = kit.login("ro2-alice", "desk");
        alice.rosterGet();
        String carol = Kit.jid("ro2-carol");
        int m = alice.inbox().mark();

        // §2.3: add with name and two groups
        assertThat(alice.rosterSet(carol, "Carol", "Friends", "Work").getType()).isEqualTo(IQ.Type.result);
        RosterPacket.Item added = only((RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(m, "push add",
                push(carol))));
        assertThat(added.getName()).isEqualTo("Carol");
        assertThat(added.getGroupNames()).containsExactlyInAnyOrder("Friends", "Work");
        assertThat(added.getItemType()).isEqualTo(ItemType.none);
        assertThat(added.isSubscriptionPending()).isFalse();
        RosterPacket.Item stored = itemIn(alice.rosterGet(null), carol);
        assertThat(stored.getName()).isEqualTo("Carol");
        assertThat(stored.getGroupNames()).containsExactlyInAnyOrder("Friends", "Work");

        // §2.4: update name and groups (the item is replaced as sent)
        int m2 = alice.inbox().mark();
        alice.rosterSet(carol, "Caroline", "Family");
        RosterPacket.Item updated = only((RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(m2,
                "push update", push(carol))));
        assertThat(updated.getName()).isEqualTo("Caroline");
        assertThat(updated.getGroupNames()).containsExactly("Family");
        int m3 = alice.inbox().mark();
        alice.rosterSet(carol, null);
        RosterPacket.Item plain = only((RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(m3,
                "push without name and groups", push(carol))));
        assertThat(plain.getName()).isNull();
        assertThat(plain.getGroupNames()).isEmpty();

        // §2.5: remove: pushed with subscription='remove', gone from the roster
        int m4 = alice.inbox().mark();
        assertThat(alice.rosterRemove(carol).getType()).isEqualTo(IQ.Type.result);
        RosterPacket.Item removed = only((RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(m4,
                "push remove", push(carol))));
        assertThat(removed.getItemType()).isEqualTo(ItemType.remove);
        assertThat(((RosterPacket) alice.rosterGet(null)).getRosterItems())
                .noneMatch(i -> i.getJid().toString().equals(carol));

        // §2.5.3: removing an item that is not there: item-not-found
        assertThat(errorOf(() -> alice.rosterRemove(carol))).isEqualTo(StanzaError.Condition.item_not_found);

        // §2.3.3: more than one item: bad-request; an empty group: not-acceptable; a duplicate group: bad-request
        RosterPacket two = new RosterPacket();
        two.setType(IQ.Type.set);
        two.addRosterItem(new RosterPacket.Item(Kit.bare("ro2-x"), null));
        two.addRosterItem(new RosterPacket.Item(Kit.bare("ro2-y"), null));
        assertThat(errorOf(() -> alice.conn().sendIqRequestAndWaitForResponse(two)))
                .isEqualTo(StanzaError.Condition.bad_request);
        assertThat(errorOf(() -> alice.conn().sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.set, "query",
                "jabber:iq:roster", "<item jid='" + Kit.jid("ro2-x") + "'><group/></item>"))))
                .isEqualTo(StanzaError.Condition.not_acceptable);
        assertThat(errorOf(() -> alice.conn().sendIqRequestAndWaitForResponse(new RawIq(IQ.Type.set, "query",
                "jabber:iq:roster", "<item jid='" + Kit.jid("ro2-x") + "'><group>G</group><group>G</group></item>"))))
                .isEqualTo(StanzaError.Condition.bad_request);
        assertThat(((RosterPacket) alice.rosterGet(null)).getRosterItems()).as("nothing stored by the failed sets")
                .isEmpty();

        // §2.1.3 / §2.3.3: another user's roster is off limits
        Kit.Client bob = kit.login("ro2-bob", "desk");
        RosterPacket foreignGet = new RosterPacket();
        foreignGet.setType(IQ.Type.get);
        foreignGet.setTo(Kit.bare("ro2-alice"));
        assertThat(errorOf(() -> bob.conn().sendIqRequestAndWaitForResponse(foreignGet)))
                .isEqualTo(StanzaError.Condition.forbidden);
    }

    @Test
    @DisplayName("RFC 6121 §2.6 / XEP-0237: rosterver stream feature, ver on results and pushes, an empty result"
            + " for an up-to-date version, the full roster for an old one")
    void versioning() throws Exception {
        Kit.createAccounts(server, "ro3-alice");
        Kit.Client alice = kit.login("ro3-alice", "desk");
        assertThat(alice.conn().hasFeature("ver", "urn:xmpp:features:rosterver"))
                .as("§2.6.1 stream feature <ver xmlns='urn:xmpp:features:rosterver'/>").isTrue();

        // §2.6.2: a client without a cache sends ver=''; the result carries ver.
        IQ first = alice.rosterGet("");
        assertThat(first).isInstanceOf(RosterPacket.class);
        String v0 = ((RosterPacket) first).getVersion();
        assertThat(v0).as("ver of the first result").isNotNull();

        // §2.6.3: nothing changed: an empty IQ result
        IQ same = alice.rosterGet(v0);
        assertThat(same.getType()).isEqualTo(IQ.Type.result);
        assertThat(same).as("empty result for the current version, got %s", same.toXML())
                .isNotInstanceOf(RosterPacket.class);

        int m = alice.inbox().mark();
        alice.rosterSet(Kit.jid("ro3-bob"), "Bob");
        String v1 = ((RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(m, "push", anyPush()))).getVersion();
        alice.rosterSet(Kit.jid("ro3-carol"), "Carol");
        String v2 = ((RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(m, "second push",
                push(Kit.jid("ro3-carol"))))).getVersion();
        assertThat(Set.of(v0, v1, v2)).as("every change has a new version").hasSize(3);

        // An old version: the complete current roster with the current version (§2.6.3 allows pushes instead;
        // this server sends the roster).
        IQ stale = alice.rosterGet(v0);
        assertThat(stale).isInstanceOf(RosterPacket.class);
        assertThat(((RosterPacket) stale).getVersion()).isEqualTo(v2);
        assertThat(((RosterPacket) stale).getRosterItems()).hasSize(2);
        assertThat(alice.rosterGet(v2)).isNotInstanceOf(RosterPacket.class);
    }

    @Test
    @DisplayName("RFC 6121 §2.6 / XEP-0237: a version identifies one roster content — a re-created account must"
            + " not be told its predecessor's cached roster is up to date")
    void versionIsNotReusedAfterAccountRecreation() throws Exception {
        Kit.createAccounts(server, "ro4-alice");
        Kit.Client old = kit.login("ro4-alice", "desk");
        old.rosterGet();
        int m = old.inbox().mark();
        old.rosterSet(Kit.jid("ro4-x1"), "X1");
        old.rosterSet(Kit.jid("ro4-x2"), "X2");
        old.inbox().awaitIndex(m, "second push", push(Kit.jid("ro4-x2")));
        RosterPacket cached = old.rosterGet();
        String cachedVersion = cached.getVersion();

        // XEP-0077 §3.2: the account is cancelled in-band, then registered again (same JID, new person).
        AccountManager.getInstance(old.conn()).deleteAccount();
        kit.close();
        Kit.createAccounts(server, "ro4-alice");
        Kit.Client fresh = kit.login("ro4-alice", "desk");
        fresh.rosterGet();
        int m2 = fresh.inbox().mark();
        fresh.rosterSet(Kit.jid("ro4-y1"), "Y1");
        fresh.rosterSet(Kit.jid("ro4-y2"), "Y2");
        fresh.inbox().awaitIndex(m2, "second push", push(Kit.jid("ro4-y2")));

        // A client that cached the old account's roster asks with the cached version.
        IQ answer = fresh.rosterGet(cachedVersion);
        assertThat(answer)
                .as("roster get with the cached ver='%s' of the deleted account (items ro4-x1, ro4-x2); the"
                        + " current roster holds ro4-y1, ro4-y2, so an empty 'up to date' result is wrong: %s",
                        cachedVersion, answer.toXML())
                .isInstanceOf(RosterPacket.class);
    }

    private interface IqCall {
        IQ call() throws Exception;
    }

    private static StanzaError.Condition errorOf(IqCall call) {
        XMPPErrorException e = catchThrowableOfType(XMPPErrorException.class, call::call);
        assertThat(e).as("an IQ error").isNotNull();
        return e.getStanzaError().getCondition();
    }
}
