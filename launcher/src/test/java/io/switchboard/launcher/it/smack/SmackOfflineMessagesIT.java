package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Resourcepart;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static io.switchboard.launcher.it.smack.SmackClients.bare;
import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;

class SmackOfflineMessagesIT extends SmackTestBase {

    @Test
    @DisplayName("2. XEP-0160 §3 offline storage + RFC 6121 §8.5.2.2.1: messages to an offline user's bare JID "
            + "arrive in order at the next available presence, each with a XEP-0203 delay stamp, exactly once")
    void offlineMessagesAreDeliveredInOrderWithDelayOnce() throws Exception {
        clients.register("off-alice", "alice-secret");
        clients.register("off-bob", "bob-secret");
        XMPPTCPConnection alice = clients.login("off-alice", "alice-secret", "desk");

        // bob was online once and logged out: the server must no longer see a session.
        XMPPTCPConnection bobOnce = clients.login("off-bob", "bob-secret", "phone");
        bobOnce.disconnect();
        awaitNoSessions("off-bob");

        StanzaCollector errorsAtAlice = alice.createStanzaCollector(
                s -> s instanceof Message m && m.getType() == Message.Type.error);
        try {
            double stored = offlineStored();
            Date before = new Date(System.currentTimeMillis() - 1_000);
            for (int i = 1; i <= 3; i++) {
                alice.sendStanza(chat(alice, bare("off-bob"), "offline-" + i));
            }
            awaitOfflineStored(stored + 3);

            XMPPTCPConnection bob = clients.connect();
            StanzaCollector atBob = bodies(bob);
            List<Message> received = new ArrayList<>();
            try {
                bob.login("off-bob", "bob-secret", Resourcepart.from("phone")); // sends initial presence
                for (int i = 0; i < 3; i++) {
                    Message m = next(atBob);
                    assertThat(m).as("offline message %d of 3 arrived (so far %s)", i + 1, received).isNotNull();
                    received.add(m);
                }
            } finally {
                atBob.cancel();
            }
            assertThat(received).extracting(Message::getBody).containsExactly("offline-1", "offline-2", "offline-3");
            for (Message m : received) {
                assertThat(String.valueOf(m.getFrom())).isEqualTo(alice.getUser().toString());
                DelayInformation delay = DelayInformation.from(m);
                assertThat(delay).as("XEP-0203 <delay xmlns='urn:xmpp:delay'/> on %s", m.toXML()).isNotNull();
                assertThat(delay.getStamp()).as("delay stamp").isNotNull()
                        .isAfterOrEqualTo(before).isBeforeOrEqualTo(new Date());
            }
            bob.disconnect();
            awaitNoSessions("off-bob");

            // Exactly once: a marker stored after the first flush must be the only thing the next login gets.
            alice.sendStanza(chat(alice, bare("off-bob"), "marker"));
            awaitOfflineStored(stored + 4);
            XMPPTCPConnection bobAgain = clients.connect();
            StanzaCollector again = bodies(bobAgain);
            try {
                bobAgain.login("off-bob", "bob-secret", Resourcepart.from("phone"));
                Message first = next(again);
                assertThat(first).as("the marker is delivered").isNotNull();
                assertThat(first.getBody()).as("offline messages already delivered are not delivered again")
                        .isEqualTo("marker");
            } finally {
                again.cancel();
            }
            assertThat((Stanza) errorsAtAlice.pollResult()).as("alice got no error back").isNull();
        } finally {
            errorsAtAlice.cancel();
        }
    }

    @Test
    @DisplayName("2b. XEP-0160 §3 + RFC 6120 §10.1: a burst of 20 offline messages from one sender comes back in "
            + "the order it was sent")
    void offlineBurstKeepsOrder() throws Exception {
        clients.register("burst-alice", "alice-secret");
        clients.register("burst-bob", "bob-secret");
        XMPPTCPConnection alice = clients.login("burst-alice", "alice-secret", "desk");

        int count = 20;
        double stored = offlineStored();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add("burst-" + i);
            alice.sendStanza(chat(alice, bare("burst-bob"), "burst-" + i));
        }
        awaitOfflineStored(stored + count);

        XMPPTCPConnection bob = clients.connect();
        StanzaCollector atBob = bodies(bob);
        List<String> received = new ArrayList<>();
        try {
            bob.login("burst-bob", "bob-secret", Resourcepart.from("phone"));
            for (int i = 0; i < count; i++) {
                Message m = next(atBob);
                assertThat(m).as("offline message %d of %d arrived (so far %s)", i + 1, count, received).isNotNull();
                received.add(m.getBody());
            }
        } finally {
            atBob.cancel();
        }
        assertThat(received).containsExactlyElementsOf(sent);
    }
}
