package io.switchboard.launcher.it.presence;

import io.switchboard.launcher.it.TestServer;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** One real server per test class, a fresh {@link Kit} (all its clients disconnected) per test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PresenceServerTestBase {
    protected TestServer server;
    protected Kit kit;

    @BeforeAll
    void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newKit() {
        kit = new Kit(server);
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }

    static String jid(String user) {
        return Kit.jid(user);
    }

    // ---- roster item checks ---------------------------------------------------------------------------

    static RosterPacket.Item only(RosterPacket push) {
        assertThat(push.getRosterItems()).as("items in %s", push.toXML()).hasSize(1);
        return push.getRosterItems().get(0);
    }

    static RosterPacket.Item itemIn(IQ roster, String contact) {
        assertThat(roster).as("roster result").isInstanceOf(RosterPacket.class);
        for (RosterPacket.Item item : ((RosterPacket) roster).getRosterItems()) {
            if (item.getJid().toString().equals(contact)) {
                return item;
            }
        }
        throw new AssertionError("no item for " + contact + " in " + roster.toXML());
    }

    /** A push for {@code contact} with this subscription state, ask flag and approved flag. */
    static Predicate<Stanza> pushOf(String contact, RosterPacket.ItemType subscription, boolean ask) {
        return Inbox.push(contact).and(s -> {
            RosterPacket.Item item = ((RosterPacket) s).getRosterItems().get(0);
            return item.getItemType() == subscription && item.isSubscriptionPending() == ask;
        });
    }

    /**
     * Establishes {@code user} → {@code contact} (the user subscribed to the contact, who approved:
     * user 'to', contact 'from') through the protocol, waiting for the last step.
     */
    static void subscribeAndApprove(Kit.Client user, Kit.Client contact) throws Exception {
        int userMark = user.inbox().mark();
        int contactMark = contact.inbox().mark();
        user.subscription(Presence.Type.subscribe, contact.bareJid());
        contact.inbox().awaitIndex(contactMark, "subscribe from " + user.bareJid(),
                Inbox.presence(Presence.Type.subscribe, user.bareJid()));
        contact.subscription(Presence.Type.subscribed, user.bareJid());
        user.inbox().awaitIndex(userMark, "subscribed from " + contact.bareJid(),
                Inbox.presence(Presence.Type.subscribed, contact.bareJid()));
        user.inbox().awaitIndex(userMark, "push " + contact.bareJid() + " to/both",
                Inbox.push(contact.bareJid()).and(s -> {
                    RosterPacket.ItemType t = ((RosterPacket) s).getRosterItems().get(0).getItemType();
                    return t == RosterPacket.ItemType.to || t == RosterPacket.ItemType.both;
                }));
        contact.inbox().awaitIndex(contactMark, "push " + user.bareJid() + " from/both",
                Inbox.push(user.bareJid()).and(s -> {
                    RosterPacket.ItemType t = ((RosterPacket) s).getRosterItems().get(0).getItemType();
                    return t == RosterPacket.ItemType.from || t == RosterPacket.ItemType.both;
                }));
        user.inbox().skipAll();
        contact.inbox().skipAll();
    }
}
