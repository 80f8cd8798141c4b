package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Resourcepart;

import java.util.ArrayList;
import java.util.List;

import static io.switchboard.launcher.it.smack.SmackClients.bare;
import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static io.switchboard.launcher.it.smack.SmackClients.setPriority;
import static org.assertj.core.api.Assertions.assertThat;

class SmackPriorityRoutingIT extends SmackTestBase {

    /**
     * Sends a marker straight to {@code resource}'s full JID (RFC 6121 §8.5.3.1: always delivered)
     * and returns every message body the resource received up to and including the marker. A
     * stanza wrongly routed to this resource earlier is written to its connection before the
     * marker, so this proves "nothing else arrived" without a timed wait.
     */
    private static List<String> drainUntilMarker(XMPPTCPConnection sender, XMPPTCPConnection resource,
                                                 StanzaCollector collector, String marker) throws Exception {
        sender.sendStanza(chat(sender, resource.getUser(), marker));
        List<String> bodies = new ArrayList<>();
        while (true) {
            Message m = next(collector);
            assertThat(m).as("marker %s reached %s (got %s)", marker, resource.getUser(), bodies).isNotNull();
            bodies.add(m.getBody());
            if (marker.equals(m.getBody())) {
                return bodies;
            }
        }
    }

    @Test
    @DisplayName("3. RFC 6121 §8.5.2.1.1: a message to the bare JID goes to the highest non-negative priority "
            + "resource only; negative priorities never get it (§4.7.2.3); all negative -> offline (§8.5.2.2.1)")
    void bareJidMessagesFollowPriority() throws Exception {
        clients.register("prio-alice", "alice-secret");
        clients.register("prio-bob", "bob-secret");
        XMPPTCPConnection alice = clients.login("prio-alice", "alice-secret", "desk");
        XMPPTCPConnection high = clients.loginWithoutPresence("prio-bob", "bob-secret", "high");
        XMPPTCPConnection low = clients.loginWithoutPresence("prio-bob", "bob-secret", "low");
        setPriority(high, 10);
        setPriority(low, 1);

        StanzaCollector atHigh = bodies(high);
        StanzaCollector atLow = bodies(low);
        try {
            // high (10) beats low (1)
            alice.sendStanza(chat(alice, bare("prio-bob"), "to-bare-1"));
            Message m1 = next(atHigh);
            assertThat(m1).as("'high' receives the bare-JID message").isNotNull();
            assertThat(m1.getBody()).isEqualTo("to-bare-1");
            assertThat(drainUntilMarker(alice, low, atLow, "marker-low-1"))
                    .as("'low' did not receive the bare-JID message").containsExactly("marker-low-1");

            // high drops to -1: low is now the only candidate
            setPriority(high, -1);
            alice.sendStanza(chat(alice, bare("prio-bob"), "to-bare-2"));
            Message m2 = next(atLow);
            assertThat(m2).as("'low' receives the bare-JID message").isNotNull();
            assertThat(m2.getBody()).isEqualTo("to-bare-2");
            assertThat(drainUntilMarker(alice, high, atHigh, "marker-high-2"))
                    .as("'high' with a negative priority did not receive it").containsExactly("marker-high-2");

            // both negative: offline storage
            setPriority(low, -5);
            double stored = offlineStored();
            alice.sendStanza(chat(alice, bare("prio-bob"), "to-bare-3"));
            awaitOfflineStored(stored + 1);
            assertThat(drainUntilMarker(alice, high, atHigh, "marker-high-3")).containsExactly("marker-high-3");
            assertThat(drainUntilMarker(alice, low, atLow, "marker-low-3")).containsExactly("marker-low-3");
        } finally {
            atHigh.cancel();
            atLow.cancel();
        }

        // a later non-negative login (initial presence, priority 0) gets the stored message
        XMPPTCPConnection later = clients.connect();
        StanzaCollector atLater = bodies(later);
        try {
            later.login("prio-bob", "bob-secret", Resourcepart.from("later"));
            Message m3 = next(atLater);
            assertThat(m3).as("the stored message arrives at the later login").isNotNull();
            assertThat(m3.getBody()).isEqualTo("to-bare-3");
            assertThat(DelayInformation.from(m3)).as("it carries a XEP-0203 delay").isNotNull();
        } finally {
            atLater.cancel();
        }
    }

    @Test
    @DisplayName("3b. RFC 6121 §8.5.2.1.1: resources sharing the highest priority all receive a bare-JID message")
    void equalHighestPriorityResourcesAllReceive() throws Exception {
        clients.register("tie-alice", "alice-secret");
        clients.register("tie-bob", "bob-secret");
        XMPPTCPConnection alice = clients.login("tie-alice", "alice-secret", "desk");
        XMPPTCPConnection a = clients.loginWithoutPresence("tie-bob", "bob-secret", "a");
        XMPPTCPConnection b = clients.loginWithoutPresence("tie-bob", "bob-secret", "b");
        XMPPTCPConnection c = clients.loginWithoutPresence("tie-bob", "bob-secret", "c");
        setPriority(a, 5);
        setPriority(b, 5);
        setPriority(c, 2);

        StanzaCollector atA = bodies(a);
        StanzaCollector atB = bodies(b);
        StanzaCollector atC = bodies(c);
        try {
            alice.sendStanza(chat(alice, bare("tie-bob"), "to-both"));
            Message ma = next(atA);
            Message mb = next(atB);
            assertThat(ma).as("'a' (priority 5) receives it").isNotNull();
            assertThat(mb).as("'b' (priority 5) receives it").isNotNull();
            assertThat(ma.getBody()).isEqualTo("to-both");
            assertThat(mb.getBody()).isEqualTo("to-both");
            assertThat(drainUntilMarker(alice, c, atC, "marker-c"))
                    .as("'c' (priority 2) does not").containsExactly("marker-c");
        } finally {
            atA.cancel();
            atB.cancel();
            atC.cancel();
        }
    }
}
