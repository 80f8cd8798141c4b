package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.SimpleIQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.iqversion.VersionManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.jivesoftware.smackx.ping.PingManager;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;

import static io.switchboard.launcher.it.smack.SmackClients.DOMAIN;
import static io.switchboard.launcher.it.smack.SmackClients.bare;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.jid;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SmackServerAnswersIT extends SmackTestBase {

    /** An IQ get whose payload namespace nobody implements. */
    private static final class UnknownQuery extends SimpleIQ {
        UnknownQuery(Jid to) {
            super("query", "urn:example:switchboard:no-such-protocol");
            setType(IQ.Type.get);
            setTo(to);
        }
    }

    private static StanzaError iqError(XMPPTCPConnection conn, IQ request) {
        XMPPErrorException e = catchThrowableOfType(XMPPErrorException.class,
                () -> conn.sendIqRequestAndWaitForResponse(request));
        assertThat(e).as("an IQ error answers %s", request.toXML()).isNotNull();
        return e.getStanzaError();
    }

    private static void assertServiceUnavailableCancel(StanzaError error) {
        assertThat(error.getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        assertThat(error.getType()).isEqualTo(StanzaError.Type.CANCEL);
    }

    @Test
    @DisplayName("4a. RFC 6121 §8.5.3.2.3: an IQ to a full JID with no such resource -> service-unavailable (cancel); "
            + "§8.5.1: same for an IQ to a user that does not exist")
    void iqToUnknownFullJidIsServiceUnavailable() throws Exception {
        clients.register("ans-alice", "alice-secret");
        XMPPTCPConnection alice = clients.login("ans-alice", "alice-secret", "desk");

        StanzaError noResource = iqError(alice, new Ping(jid("ans-alice@localhost/nowhere")));
        assertServiceUnavailableCancel(noResource);

        StanzaError noUser = iqError(alice, new Ping(jid("nobody-here@localhost/res")));
        assertServiceUnavailableCancel(noUser);
    }

    @Test
    @DisplayName("4b. RFC 6120 §8.4: an IQ get in a namespace the server does not understand -> service-unavailable")
    void unknownNamespaceAtServerIsServiceUnavailable() throws Exception {
        clients.register("ans-bob", "bob-secret");
        XMPPTCPConnection bob = clients.login("ans-bob", "bob-secret", "desk");

        assertServiceUnavailableCancel(iqError(bob, new UnknownQuery(jid(DOMAIN))));
    }

    @Test
    @DisplayName("4c. RFC 6121 §8.5.1: a message to a non-existent user -> message error service-unavailable")
    void messageToNonExistentUserIsServiceUnavailable() throws Exception {
        clients.register("ans-carol", "carol-secret");
        XMPPTCPConnection carol = clients.login("ans-carol", "carol-secret", "desk");

        StanzaCollector errors = carol.createStanzaCollector(
                s -> s instanceof Message m && m.getType() == Message.Type.error);
        try {
            Message sent = chat(carol, bare("ghost-user"), "anyone there?");
            carol.sendStanza(sent);
            Message error = next(errors);
            assertThat(error).as("an error message comes back").isNotNull();
            assertThat(error.getStanzaId()).as("the error echoes the id (RFC 6120 §8.3.1)")
                    .isEqualTo(sent.getStanzaId());
            assertThat(String.valueOf(error.getFrom())).isEqualTo("ghost-user@localhost");
            assertThat(error.getError()).isNotNull();
            assertThat(error.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
            assertThat(error.getError().getType()).isEqualTo(StanzaError.Type.CANCEL);
        } finally {
            errors.cancel();
        }
    }

    @Test
    @DisplayName("4d. XEP-0199 §4.2: a ping to the server is answered with an empty result")
    void pingServer() throws Exception {
        clients.register("ans-dave", "dave-secret");
        XMPPTCPConnection dave = clients.login("ans-dave", "dave-secret", "desk");

        IQ pong = dave.sendIqRequestAndWaitForResponse(new Ping(jid(DOMAIN)));
        assertThat(pong.getType()).isEqualTo(IQ.Type.result);
        assertThat(String.valueOf(pong.getFrom())).isEqualTo(DOMAIN);
        assertThat(PingManager.getInstanceFor(dave).pingMyServer()).isTrue();
    }

    @Test
    @DisplayName("4e. XEP-0030 §3.1: disco#info on the server: identity server/im and the implemented features")
    void discoInfoOnServer() throws Exception {
        clients.register("ans-erin", "erin-secret");
        XMPPTCPConnection erin = clients.login("ans-erin", "erin-secret", "desk");

        DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(erin).discoverInfo(jid(DOMAIN));
        assertThat(info.hasIdentity("server", "im")).as("identity category='server' type='im' in %s", info.toXML())
                .isTrue();
        assertThat(info.getFeatures()).extracting(DiscoverInfo.Feature::getVar).contains(
                "urn:xmpp:ping",
                "jabber:iq:version",
                "jabber:iq:register",
                "msgoffline",
                "http://jabber.org/protocol/disco#info",
                "http://jabber.org/protocol/disco#items");
        assertThat(info.containsDuplicateFeatures()).isFalse();
        assertThat(info.containsDuplicateIdentities()).isFalse();
    }

    @Test
    @DisplayName("4f. XEP-0092 §3: the server's software version is named 'Switchboard'")
    void softwareVersion() throws Exception {
        clients.register("ans-frank", "frank-secret");
        XMPPTCPConnection frank = clients.login("ans-frank", "frank-secret", "desk");

        Version version = VersionManager.getInstanceFor(frank).getVersion(jid(DOMAIN));
        assertThat(version).isNotNull();
        assertThat(version.getName()).isEqualTo("Switchboard");
        assertThat(version.getVersion()).isNotBlank();
    }
}
