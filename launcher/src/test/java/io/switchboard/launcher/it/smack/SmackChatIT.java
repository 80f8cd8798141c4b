package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.switchboard.launcher.it.smack.SmackClients.bare;
import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;

class SmackChatIT extends SmackTestBase {

    @Test
    @DisplayName("1. XEP-0077 §3.1 register, RFC 6120 §5 STARTTLS + §6 SASL SCRAM-SHA-256 (RFC 7677), "
            + "RFC 6121 §5.1 chat both ways with 'from' = sender's full JID (RFC 6120 §8.1.2.1)")
    void registerLoginOverStarttlsWithScramSha256AndChat() throws Exception {
        double scramSuccesses = server.counter("xmpp_auth_total", "mechanism=\"SCRAM-SHA-256\"", "result=\"success\"");
        clients.register("chat-alice", "alice-secret");
        clients.register("chat-bob", "bob-secret");

        XMPPTCPConnection alice = clients.login("chat-alice", "alice-secret", "desk");
        XMPPTCPConnection bob = clients.login("chat-bob", "bob-secret", "phone");

        assertThat(alice.isSecureConnection()).as("alice's stream is TLS-protected").isTrue();
        assertThat(bob.isSecureConnection()).as("bob's stream is TLS-protected").isTrue();
        assertThat(alice.getUsedSaslMechansism()).isEqualTo(ScramSha256Mechanism.NAME);
        assertThat(bob.getUsedSaslMechansism()).isEqualTo(ScramSha256Mechanism.NAME);
        assertThat(server.counter("xmpp_auth_total", "mechanism=\"SCRAM-SHA-256\"", "result=\"success\""))
                .as("server counted two SCRAM-SHA-256 successes").isEqualTo(scramSuccesses + 2);
        assertThat(alice.getUser().toString()).isEqualTo("chat-alice@localhost/desk");
        assertThat(bob.getUser().toString()).isEqualTo("chat-bob@localhost/phone");

        StanzaCollector atBob = bodies(bob);
        StanzaCollector atAlice = bodies(alice);
        try {
            alice.sendStanza(chat(alice, bare("chat-bob"), "hello bob"));
            Message toBob = next(atBob);
            assertThat(toBob).as("bob receives alice's message").isNotNull();
            assertThat(toBob.getBody()).isEqualTo("hello bob");
            assertThat(toBob.getType()).isEqualTo(Message.Type.chat);
            assertThat(String.valueOf(toBob.getFrom())).as("'from' is alice's full JID").isEqualTo(alice.getUser().toString());

            bob.sendStanza(chat(bob, toBob.getFrom(), "hi alice"));
            Message toAlice = next(atAlice);
            assertThat(toAlice).as("alice receives bob's reply").isNotNull();
            assertThat(toAlice.getBody()).isEqualTo("hi alice");
            assertThat(toAlice.getType()).isEqualTo(Message.Type.chat);
            assertThat(String.valueOf(toAlice.getFrom())).as("'from' is bob's full JID").isEqualTo(bob.getUser().toString());
        } finally {
            atBob.cancel();
            atAlice.cancel();
        }
    }

    @Test
    @DisplayName("RFC 6120 §10.1: stanzas from one entity to another are delivered in the order sent")
    void messagesFromOneSenderArriveInOrder() throws Exception {
        clients.register("order-alice", "alice-secret");
        clients.register("order-bob", "bob-secret");
        XMPPTCPConnection alice = clients.login("order-alice", "alice-secret", "desk");
        XMPPTCPConnection bob = clients.login("order-bob", "bob-secret", "phone");

        int count = 100;
        StanzaCollector atBob = bodies(bob);
        try {
            for (int i = 0; i < count; i++) {
                alice.sendStanza(chat(alice, bob.getUser(), "n" + i));
            }
            List<String> received = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Message m = next(atBob);
                assertThat(m).as("message %d of %d arrived (got %s)", i, count, received).isNotNull();
                received.add(m.getBody());
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                expected.add("n" + i);
            }
            assertThat(received).containsExactlyElementsOf(expected);
        } finally {
            atBob.cancel();
        }
    }
}
