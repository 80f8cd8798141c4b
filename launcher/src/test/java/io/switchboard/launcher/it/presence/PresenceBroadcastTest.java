package io.switchboard.launcher.it.presence;

import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.storage.Subscription;
import org.jivesoftware.smack.packet.Presence;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.switchboard.launcher.it.presence.Inbox.anyPresenceFrom;
import static io.switchboard.launcher.it.presence.Inbox.availableWithStatus;
import static io.switchboard.launcher.it.presence.Inbox.presence;
import static org.assertj.core.api.Assertions.assertThat;

/** Presence exchange (RFC 6121 §4) between Smack clients (and a raw client whose TCP connection is cut). */
class PresenceBroadcastTest extends PresenceServerTestBase {

    @Test
    @DisplayName("RFC 6121 §4.2-§4.4: initial presence and updates go to subscribers (from/both) and the user's own"
            + " resources only; at initial presence the user gets the presence of contacts it is subscribed to")
    void broadcastsFollowTheSubscriptions() throws Exception {
        Kit.createAccounts(server, "pb1-alice", "pb1-bob", "pb1-carol", "pb1-dave", "pb1-erin");
        Kit.befriend(server, "pb1-alice", "pb1-bob");                       // both
        Kit.join(List.of(
                Kit.putItem(server, "pb1-alice", "pb1-carol", Subscription.FROM), // carol sees alice
                Kit.putItem(server, "pb1-carol", "pb1-alice", Subscription.TO),
                Kit.putItem(server, "pb1-alice", "pb1-erin", Subscription.TO),    // alice sees erin
                Kit.putItem(server, "pb1-erin", "pb1-alice", Subscription.FROM)));
        Kit.Client bob = kit.online("pb1-bob", "r");
        Kit.Client carol = kit.online("pb1-carol", "r");
        Kit.Client dave = kit.online("pb1-dave", "r");   // no relation at all
        Kit.Client erin = kit.online("pb1-erin", "r");
        Kit.Client phone = kit.online("pb1-alice", "phone");
        int bm = bob.inbox().mark();
        int cm = carol.inbox().mark();
        int dm = dave.inbox().mark();
        int em = erin.inbox().mark();
        int pm = phone.inbox().mark();
        String a = phone.bareJid();

        Kit.Client desk = kit.login("pb1-alice", "desk");
        desk.rosterGet();
        int km = desk.inbox().mark();
        desk.status("alice-at-desk");

        // §4.2.2: to the subscribers' available resources and to all of the user's available resources
        // (the sender included).
        desk.inbox().awaitIndex(km, "own initial presence", availableWithStatus(desk.fullJid(), "alice-at-desk"));
        bob.inbox().awaitIndex(bm, "alice's initial presence at bob (both)",
                availableWithStatus(desk.fullJid(), "alice-at-desk"));
        carol.inbox().awaitIndex(cm, "alice's initial presence at carol (carol has 'to')",
                availableWithStatus(desk.fullJid(), "alice-at-desk"));
        phone.inbox().awaitIndex(pm, "alice/desk's initial presence at alice/phone",
                availableWithStatus(desk.fullJid(), "alice-at-desk"));
        // §4.2.3 / §4.3.2: the presence of contacts the user is subscribed to (to/both), and of its other resources.
        desk.inbox().awaitIndex(km, "bob's presence (alice has 'both')", presence(Presence.Type.available,
                bob.fullJid()));
        desk.inbox().awaitIndex(km, "erin's presence (alice has 'to')", presence(Presence.Type.available,
                erin.fullJid()));
        desk.inbox().awaitIndex(km, "alice/phone's presence", presence(Presence.Type.available, phone.fullJid()));

        // Not to non-subscribers: erin (alice is subscribed to her, not the other way) and dave.
        dave.inbox().barrier();
        erin.inbox().barrier();
        dave.inbox().assertNone(dm, "presence of a user dave has no subscription to", anyPresenceFrom(a));
        erin.inbox().assertNone(em, "presence of a user erin has only a 'from' subscription with",
                anyPresenceFrom(a));
        // And alice is not sent the presence of carol ('from' only) or dave (§4.3: probes go to to/both).
        desk.inbox().barrier();
        desk.inbox().assertNone(km, "carol's presence (alice has only 'from')", anyPresenceFrom(carol.bareJid()));
        desk.inbox().assertNone(km, "dave's presence (no subscription)", anyPresenceFrom(dave.bareJid()));

        // §4.4.2: updates follow the same rules.
        int bm2 = bob.inbox().mark();
        int cm2 = carol.inbox().mark();
        int dm2 = dave.inbox().mark();
        int em2 = erin.inbox().mark();
        desk.status("alice-update");
        bob.inbox().awaitIndex(bm2, "update at bob", availableWithStatus(desk.fullJid(), "alice-update"));
        carol.inbox().awaitIndex(cm2, "update at carol", availableWithStatus(desk.fullJid(), "alice-update"));
        phone.inbox().await("update at alice/phone", availableWithStatus(desk.fullJid(), "alice-update"));
        dave.inbox().barrier();
        erin.inbox().barrier();
        dave.inbox().assertNone(dm2, "alice's update", anyPresenceFrom(a));
        erin.inbox().assertNone(em2, "alice's update", anyPresenceFrom(a));

        // The other way round: bob's update reaches alice's resources, carol's does not.
        int km2 = desk.inbox().mark();
        bob.status("bob-update");
        desk.inbox().awaitIndex(km2, "bob's update", availableWithStatus(bob.fullJid(), "bob-update"));
        phone.inbox().await("bob's update at phone", availableWithStatus(bob.fullJid(), "bob-update"));
        carol.status("carol-update");
        carol.inbox().await("carol's own update", availableWithStatus(carol.fullJid(), "carol-update"));
        desk.inbox().barrier();
        desk.inbox().assertNone(km2, "carol's update (carol is not a contact alice subscribed to)",
                anyPresenceFrom(carol.bareJid()));
    }

    @Test
    @DisplayName("RFC 6121 §4.5: unavailable presence (with its status) and a clean logout reach the contacts and"
            + " the user's other resources")
    void unavailableAndLogout() throws Exception {
        Kit.createAccounts(server, "pb2-alice", "pb2-bob");
        Kit.befriend(server, "pb2-alice", "pb2-bob");
        Kit.Client bob = kit.online("pb2-bob", "r");
        Kit.Client phone = kit.online("pb2-alice", "phone");
        Kit.Client desk = kit.online("pb2-alice", "desk");
        bob.inbox().await("desk available", presence(Presence.Type.available, desk.fullJid()));

        // §4.5.1/§4.5.2: explicit unavailable with a status is broadcast as sent.
        desk.send(Presence.Type.unavailable, null, "gone fishing");
        Presence atBob = bob.inbox().await("unavailable from desk", presence(Presence.Type.unavailable,
                desk.fullJid()));
        assertThat(atBob.getStatus()).isEqualTo("gone fishing");
        phone.inbox().await("unavailable from desk at phone", presence(Presence.Type.unavailable, desk.fullJid()));

        // Available again, then a clean logout (Smack sends unavailable and </stream:stream>).
        desk.status("back");
        bob.inbox().await("desk back", availableWithStatus(desk.fullJid(), "back"));
        desk.conn().disconnect();
        bob.inbox().await("unavailable after logout", presence(Presence.Type.unavailable, desk.fullJid()));
        phone.inbox().await("unavailable after logout at phone", presence(Presence.Type.unavailable,
                desk.fullJid()));
    }

    @Test
    @DisplayName("RFC 6121 §4.5.2 / RFC 6120 §4.4: a client whose TCP connection is cut without </stream:stream>"
            + " is announced unavailable to its contacts and its user's other resources")
    void unavailableWhenTcpConnectionIsCut() throws Exception {
        Kit.createAccounts(server, "pb3-alice", "pb3-bob");
        Kit.befriend(server, "pb3-alice", "pb3-bob");
        Kit.Client bob = kit.online("pb3-bob", "r");
        Kit.Client phone = kit.online("pb3-alice", "phone");
        try (RawClient victim = RawClient.login(server.c2sPort(), Kit.sslContext(server.dataDir()), "pb3-alice",
                Kit.PASSWORD, "laptop")) {
            victim.available();
            String victimJid = victim.fullJid();
            bob.inbox().await("the victim's presence", presence(Presence.Type.available, victimJid));
            phone.inbox().await("the victim's presence at phone", presence(Presence.Type.available, victimJid));

            victim.cutTcp(); // RST: no </stream:stream>, no TLS close_notify, no unavailable presence
            bob.inbox().await("unavailable on behalf of the cut client", presence(Presence.Type.unavailable,
                    victimJid));
            phone.inbox().await("unavailable at the user's other resource", presence(Presence.Type.unavailable,
                    victimJid));
            Kit.await("the cut session leaves the directory", () -> sessions("pb3-alice").stream()
                    .noneMatch(s -> s.resource().equals("laptop")));
        }
    }

    @Test
    @DisplayName("RFC 6121 §4.6: directed presence reaches a non-contact, broadcasts do not, and when the sender"
            + " goes offline (logout or cut connection) the non-contact gets unavailable (§4.6.3)")
    void directedPresence() throws Exception {
        Kit.createAccounts(server, "pb4-alice", "pb4-dave");
        Kit.Client dave = kit.online("pb4-dave", "r");
        Kit.Client alice = kit.online("pb4-alice", "desk");
        int dm = dave.inbox().mark();

        // §4.6.2: delivered to the addressed full JID
        alice.send(null, dave.fullJid(), "hi-dave");
        dave.inbox().awaitIndex(dm, "directed presence", availableWithStatus(alice.fullJid(), "hi-dave"));

        // §4.6.1: directed presence does not make dave a subscriber: no broadcasts
        int dm2 = dave.inbox().mark();
        alice.status("broadcast-only");
        alice.inbox().await("own update", availableWithStatus(alice.fullJid(), "broadcast-only"));
        dave.inbox().barrier();
        dave.inbox().assertNone(dm2, "alice's broadcast (dave only got directed presence)",
                anyPresenceFrom(alice.bareJid()));

        // §4.6.3: alice goes offline: dave learns it
        alice.conn().disconnect();
        dave.inbox().awaitIndex(dm2, "unavailable after logout", presence(Presence.Type.unavailable,
                alice.fullJid()));

        // The same when the connection is cut.
        try (RawClient raw = RawClient.login(server.c2sPort(), Kit.sslContext(server.dataDir()), "pb4-alice",
                Kit.PASSWORD, "laptop")) {
            raw.available();
            int dm3 = dave.inbox().mark();
            raw.send("<presence to='" + dave.fullJid() + "'><status>raw-hi</status></presence>");
            dave.inbox().awaitIndex(dm3, "directed presence from the raw client",
                    availableWithStatus(raw.fullJid(), "raw-hi"));
            raw.cutTcp();
            dave.inbox().awaitIndex(dm3, "unavailable after the cut", presence(Presence.Type.unavailable,
                    raw.fullJid()));
        }
    }

    @Test
    @DisplayName("RFC 6120 §7.7.2.2 + RFC 6121 §4.2.2/§4.2.3/§4.5.2: a client that reconnects with the same resource"
            + " (the old session is replaced with <conflict/>) is available to its contacts afterwards and gets"
            + " their presence")
    void reconnectWithTheSameResource() throws Exception {
        Kit.createAccounts(server, "pb5-alice", "pb5-bob");
        Kit.befriend(server, "pb5-alice", "pb5-bob");
        Kit.Client bob = kit.online("pb5-bob", "r");
        SSLContext tls = Kit.sslContext(server.dataDir());
        String desk = Kit.jid("pb5-alice") + "/desk";
        RawClient old = RawClient.login(server.c2sPort(), tls, "pb5-alice", Kit.PASSWORD, "desk");
        try {
            old.available();
            bob.inbox().await("alice/desk available", presence(Presence.Type.available, desk));
            for (int round = 1; round <= 3; round++) {
                int bm = bob.inbox().mark();
                // The network changed; the client logs in again with the same resource and, like many
                // clients, sends its initial presence right behind the bind request.
                RawClient fresh = RawClient.login(server.c2sPort(), tls, "pb5-alice", Kit.PASSWORD, "desk",
                        "<presence/>");
                old.awaitContains("<conflict");
                old.close();
                old = fresh;
                String where = "round " + round + ": ";
                // The resource never went away: the new session's initial presence reaches bob, and the
                // replaced session's late unavailable does not override it (the server drops it as stale).
                try {
                    bob.inbox().awaitIndex(bm, where + "alice/desk available from the new session",
                            presence(Presence.Type.available, desk));
                    // §4.2.2: the new session's initial presence is reflected to it; §4.2.3: it gets bob's presence.
                    fresh.awaitMatch(availableFrom(desk));
                    fresh.awaitMatch(availableFrom(bob.fullJid()));
                    // Whatever else bob saw, his last word on alice/desk is 'available' (checked after a
                    // round trip that follows the old session's close).
                    bob.conn().sendIqRequestAndWaitForResponse(new org.jivesoftware.smackx.ping.packet.Ping(
                            org.jxmpp.jid.impl.JidCreate.domainBareFrom("localhost")));
                    assertThat(bob.inbox().lastPresenceFrom(desk)).as(where + "bob's view of alice/desk")
                            .isEqualTo(Presence.Type.available);
                } catch (AssertionError e) {
                    fresh.drainAvailable();
                    throw new AssertionError(e.getMessage() + "\n  bob received since the reconnect: "
                            + bob.inbox().describe(bm) + "\n  the new session received after bind: "
                            + fresh.transcript().substring(fresh.transcript().indexOf("</iq>") + 5)
                            + "\n  xmpp_presence_duplicates_dropped_total="
                            + server.counter("xmpp_presence_duplicates_dropped_total")
                            + ", xmpp_presence_coalesced_total=" + server.counter("xmpp_presence_coalesced_total"),
                            e);
                }
            }
        } finally {
            old.close();
        }
    }

    /** An available presence (no 'type') from exactly this JID. */
    private static Pattern availableFrom(String jid) {
        return Pattern.compile("<presence\\b(?![^>]*\\btype=)[^>]*\\bfrom=['\"]"
                + Pattern.quote(jid) + "['\"][^>]*(?:/>|>.*?</presence>)",
                Pattern.DOTALL);
    }

    private List<SessionEntry> sessions(String user) {
        try {
            return server.server().cluster().directory().sessions(Kit.jid(user)).toCompletableFuture()
                    .get(Kit.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
