package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Resourcepart;

import static io.switchboard.launcher.it.smack.SmackClients.await;
import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.jid;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;

class SmackCleanShutdownIT extends SmackTestBase {

    private double openTcp() {
        return server.counter("xmpp_connections_open", "transport=\"tcp\"");
    }

    @Test
    @DisplayName("9. RFC 6120 §4.4: a clean stream close ends the session: connection gauge back down, no "
            + "directory entry, and a chat to the gone resource is stored offline (RFC 6121 §8.5.3.2.1)")
    void cleanDisconnectEndsTheSession() throws Exception {
        clients.register("bye-alice", "alice-secret");
        clients.register("bye-bob", "bob-secret");
        XMPPTCPConnection alice = clients.login("bye-alice", "alice-secret", "desk");

        double open = openTcp();
        double streamErrors = server.counter("xmpp_stream_errors_total");
        XMPPTCPConnection bob = clients.login("bye-bob", "bob-secret", "phone");
        await("open tcp connections = " + (open + 1), () -> openTcp() == open + 1);
        assertThat(sessionsOf("bye-bob")).hasSize(1);

        bob.disconnect();
        assertThat(bob.isConnected()).isFalse();
        await("open tcp connections back to " + open, () -> openTcp() == open);
        awaitNoSessions("bye-bob");
        assertThat(server.counter("xmpp_stream_errors_total")).as("a clean close is not a stream error")
                .isEqualTo(streamErrors);

        double stored = offlineStored();
        alice.sendStanza(chat(alice, jid("bye-bob@localhost/phone"), "after you left"));
        awaitOfflineStored(stored + 1);

        XMPPTCPConnection bobAgain = clients.connect();
        StanzaCollector atBob = bodies(bobAgain);
        try {
            bobAgain.login("bye-bob", "bob-secret", Resourcepart.from("phone"));
            Message m = next(atBob);
            assertThat(m).as("the chat sent to the gone resource waited offline").isNotNull();
            assertThat(m.getBody()).isEqualTo("after you left");
            assertThat(DelayInformation.from(m)).isNotNull();
        } finally {
            atBob.cancel();
        }
    }
}
