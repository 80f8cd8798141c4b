package io.switchboard.launcher.it.presence;

import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.roster.packet.RosterPacket.ItemType;
import org.jivesoftware.smackx.nick.packet.Nick;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static io.switchboard.launcher.it.presence.Inbox.presence;
import static io.switchboard.launcher.it.presence.Inbox.push;
import static org.assertj.core.api.Assertions.assertThat;

/** Presence subscriptions (RFC 6121 §3) between real Smack clients. */
class SubscriptionFlowsTest extends PresenceServerTestBase {

    @Test
    @DisplayName("RFC 6121 §3.1.1-§3.1.6: subscribe + subscribed in both directions ends in 'both' on both sides")
    void subscribeAndApproveBothDirections() throws Exception {
        Kit.createAccounts(server, "sf1-alice", "sf1-bob");
        Kit.Client alice = kit.online("sf1-alice", "desk");
        Kit.Client bob = kit.online("sf1-bob", "phone");
        String a = alice.bareJid();
        String b = bob.bareJid();
        int am = alice.inbox().mark();
        int bm = bob.inbox().mark();

        // §3.1.2: the user's server stamps the request with the user's bare JID and pushes the
        // item with ask='subscribe' to the user's interested resources.
        alice.subscription(Presence.Type.subscribe, b);
        RosterPacket askPush = (RosterPacket) alice.inbox().get(alice.inbox().awaitIndex(am,
                "§3.1.2 push of " + b + " with ask='subscribe'", push(b)));
        assertThat(only(askPush).isSubscriptionPending()).as("ask='subscribe' in %s", askPush.toXML()).isTrue();
        assertThat(only(askPush).getItemType()).as("subscription in %s", askPush.toXML()).isEqualTo(ItemType.none);

        // §3.1.3: delivered to the contact's available resources, from the user's bare JID.
        Presence request = (Presence) bob.inbox().get(bob.inbox().awaitIndex(bm,
                "§3.1.3 subscribe from " + a, presence(Presence.Type.subscribe, a)));
        assertThat(request.getTo().toString()).as("'to' of %s", request.toXML()).isEqualTo(b);

        // §3.1.5: the contact approves: contact's push 'from'; §3.1.6: user's push 'to' (no ask),
        // the 'subscribed' from the contact's bare JID, and then (§3.1.5) the contact's current presence.
        int am2 = alice.inbox().mark();
        bob.subscription(Presence.Type.subscribed, a);
        bob.inbox().awaitIndex(bm, "§3.1.5 contact's push of " + a + " subscription='from'",
                pushOf(a, ItemType.from, false));
        alice.inbox().awaitIndex(am2, "§3.1.6 push of " + b + " subscription='to' without ask",
                pushOf(b, ItemType.to, false));
        int subscribedAt = alice.inbox().awaitIndex(am2, "§3.1.6 subscribed from " + b,
                presence(Presence.Type.subscribed, b));
        int presenceAt = alice.inbox().awaitIndex(am2, "§3.1.5 bob's current presence",
                presence(Presence.Type.available, bob.fullJid()));
        assertThat(subscribedAt).as("'subscribed' arrives before the contact's presence: %s",
                alice.inbox().describe(am2)).isLessThan(presenceAt);

        // The other direction: bob subscribes to alice, alice approves.
        int am3 = alice.inbox().mark();
        int bm3 = bob.inbox().mark();
        bob.subscription(Presence.Type.subscribe, a);
        bob.inbox().awaitIndex(bm3, "push of " + a + " 'from' + ask", pushOf(a, ItemType.from, true));
        alice.inbox().awaitIndex(am3, "subscribe from " + b, presence(Presence.Type.subscribe, b));
        alice.subscription(Presence.Type.subscribed, b);
        alice.inbox().awaitIndex(am3, "alice's push of " + b + " 'both'", pushOf(b, ItemType.both, false));
        bob.inbox().awaitIndex(bm3, "bob's push of " + a + " 'both'", pushOf(a, ItemType.both, false));
        int sub2 = bob.inbox().awaitIndex(bm3, "subscribed from " + a, presence(Presence.Type.subscribed, a));
        int pres2 = bob.inbox().awaitIndex(bm3, "alice's current presence",
                presence(Presence.Type.available, alice.fullJid()));
        assertThat(sub2).isLessThan(pres2);

        // The stored rosters, as a roster get returns them (§2.1.4).
        RosterPacket.Item bobAtAlice = itemIn(alice.rosterGet(null), b);
        RosterPacket.Item aliceAtBob = itemIn(bob.rosterGet(null), a);
        assertThat(bobAtAlice.getItemType()).isEqualTo(ItemType.both);
        assertThat(bobAtAlice.isSubscriptionPending()).isFalse();
        assertThat(aliceAtBob.getItemType()).isEqualTo(ItemType.both);
        assertThat(aliceAtBob.isSubscriptionPending()).isFalse();

        // Now each sees the other's updates (§4.4.2).
        bob.status("bob-busy");
        alice.inbox().await("bob's update", Inbox.availableWithStatus(bob.fullJid(), "bob-busy"));
        alice.status("alice-away");
        bob.inbox().await("alice's update", Inbox.availableWithStatus(alice.fullJid(), "alice-away"));
    }

    @Test
    @DisplayName("RFC 6121 §3.4: a 'subscribed' before any request is a pre-approval (approved='true', not routed);"
            + " the later request is approved automatically")
    void preApproval() throws Exception {
        Kit.createAccounts(server, "sf2-alice", "sf2-bob");
        Kit.Client alice = kit.online("sf2-alice", "desk");
        Kit.Client bob = kit.online("sf2-bob", "phone");
        String a = alice.bareJid();
        String b = bob.bareJid();
        int am = alice.inbox().mark();
        int bm = bob.inbox().mark();

        // §3.4.2: bob pre-approves alice: the item shows approved='true', subscription 'none'.
        bob.subscription(Presence.Type.subscribed, a);
        RosterPacket approvedPush = (RosterPacket) bob.inbox().get(bob.inbox().awaitIndex(bm,
                "§3.4.2 push of " + a + " with approved='true'", push(a)));
        assertThat(only(approvedPush).isApproved()).as("approved in %s", approvedPush.toXML()).isTrue();
        assertThat(only(approvedPush).getItemType()).isEqualTo(ItemType.none);
        assertThat(itemIn(bob.rosterGet(null), a).isApproved()).as("approved='true' in the roster").isTrue();

        // §3.1.3 rule 2 / §3.4: alice's request is approved on bob's behalf.
        int am2 = alice.inbox().mark();
        int bm2 = bob.inbox().mark();
        alice.subscription(Presence.Type.subscribe, b);
        alice.inbox().awaitIndex(am2, "auto-approval: subscribed from " + b, presence(Presence.Type.subscribed, b));
        alice.inbox().awaitIndex(am2, "push of " + b + " 'to'", pushOf(b, ItemType.to, false));
        alice.inbox().awaitIndex(am2, "bob's current presence", presence(Presence.Type.available, bob.fullJid()));
        RosterPacket fromPush = (RosterPacket) bob.inbox().get(bob.inbox().awaitIndex(bm2,
                "bob's push of " + a + " 'from'", pushOf(a, ItemType.from, false)));
        assertThat(only(fromPush).isApproved()).as("pre-approval consumed: %s", fromPush.toXML()).isFalse();

        // Exactly one 'subscribed' reached alice: the pre-approval itself was not routed (A.2.3: MUST NOT).
        alice.inbox().barrier();
        assertThat(alice.inbox().count(am, presence(Presence.Type.subscribed, b)))
                .as("'subscribed' stanzas alice received: %s", alice.inbox().describe(am)).isEqualTo(1);
        // The request was answered by the server: bob is not asked (§3.1.3 rule 2).
        bob.inbox().barrier();
        bob.inbox().assertNone(bm2, "the auto-approved subscription request", presence(Presence.Type.subscribe, a));
        assertThat(itemIn(alice.rosterGet(null), b).getItemType()).isEqualTo(ItemType.to);
        assertThat(itemIn(bob.rosterGet(null), a).getItemType()).isEqualTo(ItemType.from);
    }

    @Test
    @DisplayName("RFC 6121 §3.4.1: a server that supports pre-approval advertises <sub xmlns='urn:xmpp:features:pre-approval'/>")
    void preApprovalStreamFeature() throws Exception {
        Kit.createAccounts(server, "sf3-alice");
        Kit.Client alice = kit.login("sf3-alice", "desk");
        assertThat(alice.conn().hasFeature("sub", "urn:xmpp:features:pre-approval"))
                .as("stream feature <sub xmlns='urn:xmpp:features:pre-approval'/> (the server does process"
                        + " pre-approvals, see preApproval(); Smack's Roster.preApprove() refuses without it)")
                .isTrue();
    }

    @Test
    @DisplayName("RFC 6121 §3.2.1-§3.2.3: the contact cancels the user's subscription with 'unsubscribed':"
            + " both pushes, the user gets 'unsubscribed' and 'unavailable' and no more updates")
    void contactCancelsWithUnsubscribed() throws Exception {
        Kit.createAccounts(server, "sf4-alice", "sf4-bob");
        Kit.Client alice = kit.online("sf4-alice", "desk");
        Kit.Client bob = kit.online("sf4-bob", "phone");
        String a = alice.bareJid();
        String b = bob.bareJid();
        subscribeAndApprove(alice, bob);
        int am = alice.inbox().mark();
        int bm = bob.inbox().mark();

        bob.subscription(Presence.Type.unsubscribed, a);
        bob.inbox().awaitIndex(bm, "§3.2.2 bob's push of " + a + " 'none'", pushOf(a, ItemType.none, false));
        alice.inbox().awaitIndex(am, "§3.2.3 push of " + b + " 'none'", pushOf(b, ItemType.none, false));
        alice.inbox().awaitIndex(am, "§3.2.3 'unsubscribed' from " + b, presence(Presence.Type.unsubscribed, b));
        alice.inbox().awaitIndex(am, "§3.2.2 'unavailable' from " + bob.fullJid(),
                presence(Presence.Type.unavailable, bob.fullJid()));

        // No more presence from bob reaches alice (§4.4.2: only subscribers get broadcasts).
        int am2 = alice.inbox().mark();
        bob.status("after-cancel");
        bob.inbox().await("bob's own update reflected", Inbox.availableWithStatus(bob.fullJid(), "after-cancel"));
        alice.inbox().barrier();
        alice.inbox().assertNone(am2, "bob's presence after the cancellation", Inbox.anyPresenceFrom(b));
        assertThat(itemIn(alice.rosterGet(null), b).getItemType()).isEqualTo(ItemType.none);
    }

    @Test
    @DisplayName("RFC 6121 §3.2.1 / A.2.4: 'unsubscribed' to a pending request denies it: the user's ask is"
            + " cleared and the user gets 'unsubscribed'")
    void contactDeniesPendingRequest() throws Exception {
        Kit.createAccounts(server, "sf5-alice", "sf5-bob");
        Kit.Client alice = kit.online("sf5-alice", "desk");
        Kit.Client bob = kit.online("sf5-bob", "phone");
        String a = alice.bareJid();
        String b = bob.bareJid();
        int am = alice.inbox().mark();
        alice.subscription(Presence.Type.subscribe, b);
        alice.inbox().awaitIndex(am, "push with ask", pushOf(b, ItemType.none, true));
        bob.inbox().await("the request", presence(Presence.Type.subscribe, a));

        int am2 = alice.inbox().mark();
        bob.subscription(Presence.Type.unsubscribed, a);
        alice.inbox().awaitIndex(am2, "push of " + b + " without ask", pushOf(b, ItemType.none, false));
        alice.inbox().awaitIndex(am2, "'unsubscribed' from " + b, presence(Presence.Type.unsubscribed, b));
        RosterPacket.Item item = itemIn(alice.rosterGet(null), b);
        assertThat(item.getItemType()).isEqualTo(ItemType.none);
        assertThat(item.isSubscriptionPending()).isFalse();

        // The denied request is forgotten: bob's next login does not see it again (§3.1.3).
        kit.close();
        Kit.Client bobAgain = kit.login("sf5-bob", "tablet");
        int bm = bobAgain.inbox().mark();
        bobAgain.rosterGet();
        bobAgain.available();
        bobAgain.inbox().barrier();
        bobAgain.inbox().assertNone(bm, "the denied request", presence(Presence.Type.subscribe, a));
    }

    @Test
    @DisplayName("RFC 6121 §3.3.1-§3.3.3: the user unsubscribes: both pushes, the contact gets 'unsubscribe',"
            + " the user gets 'unavailable' from the contact's resources")
    void userUnsubscribes() throws Exception {
        Kit.createAccounts(server, "sf6-alice", "sf6-bob");
        Kit.Client alice = kit.online("sf6-alice", "desk");
        Kit.Client bob = kit.online("sf6-bob", "phone");
        String a = alice.bareJid();
        String b = bob.bareJid();
        subscribeAndApprove(alice, bob);
        int am = alice.inbox().mark();
        int bm = bob.inbox().mark();

        alice.subscription(Presence.Type.unsubscribe, b);
        alice.inbox().awaitIndex(am, "§3.3.2 push of " + b + " 'none'", pushOf(b, ItemType.none, false));
        bob.inbox().awaitIndex(bm, "§3.3.3 bob's push of " + a + " 'none'", pushOf(a, ItemType.none, false));
        bob.inbox().awaitIndex(bm, "§3.3.3 'unsubscribe' from " + a, presence(Presence.Type.unsubscribe, a));
        alice.inbox().awaitIndex(am, "§3.3.3 'unavailable' from " + bob.fullJid(),
                presence(Presence.Type.unavailable, bob.fullJid()));

        int am2 = alice.inbox().mark();
        bob.status("after-unsubscribe");
        bob.inbox().await("bob's own update", Inbox.availableWithStatus(bob.fullJid(), "after-unsubscribe"));
        alice.inbox().barrier();
        alice.inbox().assertNone(am2, "bob's presence after unsubscribing", Inbox.anyPresenceFrom(b));
    }

    @Test
    @DisplayName("RFC 6121 §2.5.2: removing a 'both' contact from the roster cancels both subscriptions"
            + " ('unsubscribe' and 'unsubscribed' to the contact) and each side stops seeing the other")
    void rosterRemoveCancelsBothDirections() throws Exception {
        Kit.createAccounts(server, "sf11-alice", "sf11-bob");
        Kit.Client alice = kit.online("sf11-alice", "desk");
        Kit.Client bob = kit.online("sf11-bob", "phone");
        String a = alice.bareJid();
        String b = bob.bareJid();
        subscribeAndApprove(alice, bob);
        subscribeAndApprove(bob, alice);
        assertThat(itemIn(alice.rosterGet(null), b).getItemType()).isEqualTo(ItemType.both);
        int am = alice.inbox().mark();
        int bm = bob.inbox().mark();

        alice.rosterRemove(b);
        // The server may push the intermediate states of the cancellation first ('from', 'none'); the
        // item's last push must be the removal, or the client would show the item again.
        alice.inbox().awaitIndex(am, "push subscription='remove'", pushOf(b, ItemType.remove, false));
        bob.inbox().awaitIndex(bm, "'unsubscribe' from " + a, presence(Presence.Type.unsubscribe, a));
        bob.inbox().awaitIndex(bm, "'unsubscribed' from " + a, presence(Presence.Type.unsubscribed, a));
        bob.inbox().awaitIndex(bm, "bob's push of " + a + " 'none'", pushOf(a, ItemType.none, false));
        bob.inbox().awaitIndex(bm, "§3.2.2 'unavailable' from " + alice.fullJid(),
                presence(Presence.Type.unavailable, alice.fullJid()));
        alice.inbox().awaitIndex(am, "§3.3.3 'unavailable' from " + bob.fullJid(),
                presence(Presence.Type.unavailable, bob.fullJid()));
        assertThat(((RosterPacket) alice.rosterGet(null)).getRosterItems())
                .noneMatch(i -> i.getJid().toString().equals(b));
        assertThat(itemIn(bob.rosterGet(null), a).getItemType()).isEqualTo(ItemType.none);
        alice.inbox().barrier();
        List<Stanza> pushes = alice.inbox().since(am).stream().filter(push(b)).toList();
        assertThat(only((RosterPacket) pushes.get(pushes.size() - 1)).getItemType())
                .as("the last push of %s at alice: %s", b, alice.inbox().describe(am)).isEqualTo(ItemType.remove);

        int am2 = alice.inbox().mark();
        int bm2 = bob.inbox().mark();
        alice.status("alice-after-remove");
        bob.status("bob-after-remove");
        alice.inbox().await("own update", Inbox.availableWithStatus(alice.fullJid(), "alice-after-remove"));
        bob.inbox().await("own update", Inbox.availableWithStatus(bob.fullJid(), "bob-after-remove"));
        alice.inbox().barrier();
        bob.inbox().barrier();
        alice.inbox().assertNone(am2, "bob's presence after the removal", Inbox.anyPresenceFrom(b));
        bob.inbox().assertNone(bm2, "alice's presence after the removal",
                s -> s instanceof Presence p && p.getType() == Presence.Type.available
                        && p.getFrom().asBareJid().toString().equals(a));
    }

    @Test
    @DisplayName("RFC 6121 §3.1.3 rule 4: a request to an offline contact is kept and delivered at each initial"
            + " presence until answered")
    void requestToOfflineContactDeliveredAtLogin() throws Exception {
        Kit.createAccounts(server, "sf7-alice", "sf7-bob");
        Kit.Client alice = kit.online("sf7-alice", "desk");
        String a = alice.bareJid();
        String b = Kit.jid("sf7-bob");
        int am = alice.inbox().mark();
        alice.subscription(Presence.Type.subscribe, b);
        alice.inbox().awaitIndex(am, "push with ask", pushOf(b, ItemType.none, true));

        // Connected and interested, but not available yet: nothing (§3.1.3: to available resources).
        Kit.Client bob = kit.login("sf7-bob", "phone");
        int bm = bob.inbox().mark();
        bob.rosterGet();
        bob.inbox().barrier();
        bob.inbox().assertNone(bm, "a subscription request before initial presence",
                presence(Presence.Type.subscribe, a));
        bob.available();
        Presence request = (Presence) bob.inbox().get(bob.inbox().awaitIndex(bm,
                "the stored request at initial presence", presence(Presence.Type.subscribe, a)));
        assertThat(request.getTo().asBareJid().toString()).isEqualTo(b);

        // Not answered: delivered again at the next login.
        bob.conn().disconnect();
        Kit.Client bob2 = kit.login("sf7-bob", "laptop");
        int bm2 = bob2.inbox().mark();
        bob2.rosterGet();
        bob2.available();
        bob2.inbox().awaitIndex(bm2, "the request again", presence(Presence.Type.subscribe, a));

        // Approved: alice learns it, and the request is not delivered any more.
        int am2 = alice.inbox().mark();
        bob2.subscription(Presence.Type.subscribed, a);
        alice.inbox().awaitIndex(am2, "subscribed", presence(Presence.Type.subscribed, b));
        alice.inbox().awaitIndex(am2, "push 'to'", pushOf(b, ItemType.to, false));
        bob2.conn().disconnect();
        Kit.Client bob3 = kit.login("sf7-bob", "tv");
        int bm3 = bob3.inbox().mark();
        bob3.rosterGet();
        bob3.available();
        bob3.inbox().barrier();
        bob3.inbox().assertNone(bm3, "an answered request", presence(Presence.Type.subscribe, a));
    }

    @Test
    @DisplayName("RFC 6121 §3.1.3: a request to a non-existent local user is answered with 'unsubscribed'")
    void requestToNonExistentUser() throws Exception {
        Kit.createAccounts(server, "sf8-alice");
        Kit.Client alice = kit.online("sf8-alice", "desk");
        String ghost = Kit.jid("sf8-ghost");
        int am = alice.inbox().mark();
        alice.subscription(Presence.Type.subscribe, ghost);
        alice.inbox().awaitIndex(am, "'unsubscribed' from " + ghost, presence(Presence.Type.unsubscribed, ghost));
        alice.inbox().awaitIndex(am, "push of the ghost without ask", pushOf(ghost, ItemType.none, false));
        RosterPacket.Item item = itemIn(alice.rosterGet(null), ghost);
        assertThat(item.isSubscriptionPending()).as("ask cleared").isFalse();
        assertThat(item.getItemType()).isEqualTo(ItemType.none);
    }

    @Test
    @DisplayName("RFC 6121 §3.1.2/§3.1.3 (and XEP-0172 §4): the request reaches the contact as the user sent it"
            + " (stamped with the bare JID): <status/>, nickname and id kept")
    void requestKeepsItsContent() throws Exception {
        Kit.createAccounts(server, "sf9-alice", "sf9-bob");
        Kit.Client alice = kit.online("sf9-alice", "desk");
        Kit.Client bob = kit.online("sf9-bob", "phone");
        int bm = bob.inbox().mark();
        alice.conn().sendStanza(StanzaBuilder.buildPresence("xk3h1v69")
                .ofType(Presence.Type.subscribe).to(Kit.anyJid(bob.bareJid()))
                .setStatus("Hi Bob, it's Alice from the office")
                .addExtension(new Nick("Alice"))
                .build());
        Presence request = (Presence) bob.inbox().get(bob.inbox().awaitIndex(bm, "the request",
                presence(Presence.Type.subscribe, alice.bareJid())));
        assertThat(request.getStatus()).as("status of the delivered request %s", request.toXML())
                .isEqualTo("Hi Bob, it's Alice from the office");
        assertThat(request.hasExtension("nick", "http://jabber.org/protocol/nick"))
                .as("XEP-0172 nick in %s", request.toXML()).isTrue();
        assertThat(request.getStanzaId()).as("the request's id, as in RFC 6121 §3.1.3's example: %s",
                request.toXML()).isEqualTo("xk3h1v69");
    }

    @Test
    @DisplayName("RFC 6121 A.2.1/A.3.1: both users send 'subscribe' at the same moment, then both approve:"
            + " every pair ends in 'both'/'both'")
    void simultaneousMutualRequests() throws Exception {
        int pairs = 12;
        List<String> users = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            users.add("sf10-a" + i);
            users.add("sf10-b" + i);
        }
        Kit.createAccounts(server, users);
        List<Kit.Client[]> clients = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            clients.add(new Kit.Client[] {kit.online("sf10-a" + i, "r"), kit.online("sf10-b" + i, "r")});
        }
        ExecutorService pool = Executors.newFixedThreadPool(pairs * 2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> sent = new ArrayList<>();
            for (Kit.Client[] pair : clients) {
                sent.add(pool.submit(() -> {
                    go.await();
                    pair[0].subscription(Presence.Type.subscribe, pair[1].bareJid());
                    return null;
                }));
                sent.add(pool.submit(() -> {
                    go.await();
                    pair[1].subscription(Presence.Type.subscribe, pair[0].bareJid());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (Kit.Client[] pair : clients) {
            pair[1].inbox().await("request", presence(Presence.Type.subscribe, pair[0].bareJid()));
            pair[0].inbox().await("request", presence(Presence.Type.subscribe, pair[1].bareJid()));
        }
        List<String> problems = new ArrayList<>();
        for (Kit.Client[] pair : clients) {
            RosterPacket.Item ab = itemIn(pair[0].rosterGet(null), pair[1].bareJid());
            RosterPacket.Item ba = itemIn(pair[1].rosterGet(null), pair[0].bareJid());
            if (!ab.isSubscriptionPending() || !ba.isSubscriptionPending()) {
                problems.add(pair[0].bareJid() + " ask=" + ab.isSubscriptionPending() + ", " + pair[1].bareJid()
                        + " ask=" + ba.isSubscriptionPending() + " (both must be 'None + Pending Out + Pending In')");
            }
        }
        for (Kit.Client[] pair : clients) {
            pair[0].subscription(Presence.Type.subscribed, pair[1].bareJid());
            pair[1].subscription(Presence.Type.subscribed, pair[0].bareJid());
        }
        boolean waited = false;
        for (Kit.Client[] pair : clients) {
            for (int side = 0; side < 2; side++) {
                Kit.Client me = pair[side];
                Kit.Client other = pair[1 - side];
                Predicate<Stanza> both = pushOf(other.bareJid(), ItemType.both, false);
                boolean got;
                if (!waited) {
                    try {
                        me.inbox().awaitIndex(0, me.bareJid() + ": push of " + other.bareJid() + " 'both'", both);
                        got = true;
                    } catch (AssertionError e) {
                        waited = true; // the others have had as long to arrive: no need to wait again
                        got = false;
                    }
                } else {
                    got = me.inbox().count(0, both) > 0;
                }
                if (!got) {
                    problems.add(me.bareJid() + " never got 'both' for " + other.bareJid() + "; stored items: "
                            + itemIn(me.rosterGet(null), other.bareJid()).toXML() + " at " + me.bareJid() + ", "
                            + itemIn(other.rosterGet(null), me.bareJid()).toXML() + " at " + other.bareJid());
                }
            }
        }
        assertThat(problems).as("pairs whose subscription state was corrupted by the concurrent requests").isEmpty();
    }
}
