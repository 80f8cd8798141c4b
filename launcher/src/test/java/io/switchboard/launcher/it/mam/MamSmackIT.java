package io.switchboard.launcher.it.mam;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.smack.ScramSha256Mechanism;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jivesoftware.smackx.mam.MamManager;
import org.jivesoftware.smackx.mam.MamManager.MamPrefs;
import org.jivesoftware.smackx.mam.MamManager.MamQuery;
import org.jivesoftware.smackx.mam.MamManager.MamQueryArgs;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.mam.element.MamPrefsIQ.DefaultBehavior;
import org.jivesoftware.smackx.sid.element.StanzaIdElement;
import org.jivesoftware.smackx.xdata.FormField;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0313 Message Archive Management with a real client library: Smack's {@link MamManager}
 * (smack-experimental) against a real server on the embedded store ({@link MamOnCassandraSmackIT}
 * runs the same tests on Cassandra).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MamSmackIT {
    private static final long TIMEOUT_MS = 20_000;
    private static final String PASSWORD = "s3cret-pass";
    private static final int MESSAGES = 250;
    private static final int PAGE = 20;

    private TestServer server;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    @BeforeAll
    void startServer() {
        ScramSha256Mechanism.register();
        ReconnectionManager.setEnabledPerDefault(false);
        Roster.setRosterLoadedAtLoginDefault(false);
        SmackConfiguration.setDefaultReplyTimeout((int) TIMEOUT_MS);
        server = TestServer.start(serverSettings());
    }

    /** SWITCHBOARD_* overrides for the server under test; the embedded store by default. */
    protected java.util.Map<String, String> serverSettings() {
        return java.util.Map.of();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void disconnectAll() {
        for (XMPPTCPConnection c : connections) {
            if (c.isConnected()) {
                c.disconnect();
            }
        }
        connections.clear();
    }

    // ---- clients --------------------------------------------------------------------------------

    private XMPPTCPConnectionConfiguration.Builder config() throws Exception {
        return XMPPTCPConnectionConfiguration.builder().setXmppDomain(TestServer.DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1")).setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.required).setCustomX509TrustManager(ServerTrust.trustManager(server.dataDir()))
                .addEnabledSaslMechanism(ScramSha256Mechanism.NAME).setConnectTimeout((int) TIMEOUT_MS);
    }

    private XMPPTCPConnection connect() throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(config().build());
        c.setReplyTimeout(TIMEOUT_MS);
        connections.add(c);
        c.connect();
        return c;
    }

    /** Registers a fresh account (XEP-0077) and logs it in with initial presence. */
    private XMPPTCPConnection newUser(String prefix) throws Exception {
        String user = prefix + UUID.randomUUID().toString().substring(0, 8);
        XMPPTCPConnection c = connect();
        AccountManager accounts = AccountManager.getInstance(c);
        accounts.sensitiveOperationOverInsecureConnection(false);
        accounts.createAccount(Localpart.from(user), PASSWORD);
        c.login(user, PASSWORD, Resourcepart.from("res"));
        server.awaitAvailable(c.getUser().asEntityBareJidString(), "res"); // else early messages go offline
        return c;
    }

    private static EntityBareJid bare(XMPPTCPConnection c) {
        return c.getUser().asEntityBareJid();
    }

    private static Message chat(XMPPTCPConnection from, Jid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat).to(to).setBody(body).build();
    }

    /** Sends the bodies from {@code from} to {@code to}'s bare JID and returns them as {@code to} received them. */
    private static List<Message> exchange(XMPPTCPConnection from, XMPPTCPConnection to, List<String> bodies)
            throws Exception {
        StanzaCollector collector = to.createStanzaCollector(s -> s instanceof Message m && m.getBody() != null
                && m.getType() == Message.Type.chat && bodies.contains(m.getBody()));
        List<Message> received = new ArrayList<>();
        try {
            for (String body : bodies) {
                from.sendStanza(chat(from, bare(to), body));
            }
            for (int i = 0; i < bodies.size(); i++) {
                Message m = collector.nextResult(TIMEOUT_MS);
                assertThat(m).as("message %d of %d delivered", i + 1, bodies.size()).isNotNull();
                received.add(m);
            }
        } finally {
            collector.cancel();
        }
        return received;
    }

    private static List<String> bodies(String prefix, int count) {
        List<String> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add(String.format("%s-%03d", prefix, i));
        }
        return bodies;
    }

    private static List<String> bodiesOf(List<Message> messages) {
        return messages.stream().map(Message::getBody).toList();
    }

    private static List<String> idsOf(MamQuery q) {
        return q.getMamResultExtensions().stream().map(MamResultExtension::getId).toList();
    }

    // ---- tests ----------------------------------------------------------------------------------

    @Test
    @DisplayName("XEP-0313 §4.3 + XEP-0059: 250 archived messages paged forward and backward in pages of 20, "
            + "each seen exactly once, in order, 'complete' only on the last page; XEP-0359 stanza-id of each "
            + "delivered message = its archive id")
    void pagesThroughTheWholeArchiveBothWays() throws Exception {
        XMPPTCPConnection alice = newUser("sm-alice");
        XMPPTCPConnection bob = newUser("sm-bob");
        List<String> sent = bodies("msg", MESSAGES);
        List<Message> delivered = exchange(alice, bob, sent);
        assertThat(bodiesOf(delivered)).containsExactlyElementsOf(sent);
        List<String> stanzaIds = new ArrayList<>();
        for (Message m : delivered) {
            StanzaIdElement sid = StanzaIdElement.getStanzaId(m);
            assertThat((Object) sid).as("stanza-id on %s", m.toXML()).isNotNull();
            assertThat(sid.getBy()).isEqualTo(bare(bob).toString());
            stanzaIds.add(sid.getId());
        }
        assertThat(stanzaIds).doesNotHaveDuplicates();

        MamManager mam = MamManager.getInstanceFor(bob);
        // Forward: oldest first.
        MamQuery forward = mam.queryArchive(MamQueryArgs.builder().setResultPageSizeTo(PAGE).build());
        List<String> forwardBodies = new ArrayList<>(bodiesOf(forward.getMessages()));
        List<String> forwardIds = new ArrayList<>(idsOf(forward));
        int pages = 1;
        while (!forward.isComplete()) {
            assertThat(forward.getMessageCount()).as("a page that is not the last is full").isEqualTo(PAGE);
            List<Message> page = forward.pageNext(PAGE);
            forwardBodies.addAll(bodiesOf(page));
            forwardIds.addAll(idsOf(forward));
            pages++;
            assertThat(pages).as("terminates").isLessThanOrEqualTo(MESSAGES / PAGE + 1);
        }
        assertThat(forward.getMessageCount()).as("the last page holds the rest").isEqualTo(MESSAGES % PAGE);
        assertThat(pages).isEqualTo(MESSAGES / PAGE + 1);
        assertThat(forwardBodies).containsExactlyElementsOf(sent);
        assertThat(forwardIds).containsExactlyElementsOf(stanzaIds);

        // Backward: the last page first (empty <before/>), then <before>first</before>.
        MamQuery backward = mam.queryArchive(MamQueryArgs.builder().queryLastPage().setResultPageSizeTo(PAGE).build());
        List<List<String>> backwardPages = new ArrayList<>();
        backwardPages.add(bodiesOf(backward.getMessages()));
        assertThat(backwardPages.get(0)).as("the last page, in chronological order")
                .containsExactlyElementsOf(sent.subList(MESSAGES - PAGE, MESSAGES));
        while (!backward.isComplete()) {
            backwardPages.add(bodiesOf(backward.pagePrevious(PAGE)));
            assertThat(backwardPages.size()).as("terminates").isLessThanOrEqualTo(MESSAGES / PAGE + 1);
        }
        Collections.reverse(backwardPages);
        List<String> backwardBodies = backwardPages.stream().flatMap(List::stream).toList();
        assertThat(backwardBodies).containsExactlyElementsOf(sent);
        assertThat(backwardPages.get(0)).as("the oldest page holds the rest").hasSize(MESSAGES % PAGE);
    }

    @Test
    @DisplayName("XEP-0313 §4.1.1 'with' keeps a third user's messages out; §4.1.2 'start'/'end' select a time window")
    void filtersByContactAndTime() throws Exception {
        XMPPTCPConnection alice = newUser("sf-alice");
        XMPPTCPConnection bob = newUser("sf-bob");
        XMPPTCPConnection carol = newUser("sf-carol");
        List<String> early = bodies("early", 4);
        List<String> middle = bodies("middle", 5);
        List<String> late = bodies("late", 3);
        exchange(alice, bob, early);
        exchange(carol, bob, bodies("carol", 6));
        Thread.sleep(30);
        Date start = new Date();
        Thread.sleep(30);
        exchange(alice, bob, middle);
        Thread.sleep(30);
        Date end = new Date();
        Thread.sleep(30);
        exchange(alice, bob, late);

        MamManager mam = MamManager.getInstanceFor(bob);
        MamQuery fromAlice = mam.queryArchive(MamQueryArgs.builder().limitResultsToJid(bare(alice))
                .setResultPageSizeTo(100).build());
        List<String> expected = new ArrayList<>(early);
        expected.addAll(middle);
        expected.addAll(late);
        assertThat(bodiesOf(fromAlice.getMessages())).containsExactlyElementsOf(expected);
        assertThat(fromAlice.isComplete()).isTrue();
        for (Message m : fromAlice.getMessages()) {
            assertThat((Object) m.getFrom().asBareJid()).isEqualTo(bare(alice));
        }

        MamQuery window = mam.queryArchive(MamQueryArgs.builder().limitResultsSince(start).limitResultsBefore(end)
                .setResultPageSizeTo(100).build());
        assertThat(bodiesOf(window.getMessages())).containsExactlyElementsOf(middle);
        assertThat(window.isComplete()).isTrue();

        MamQuery carolsSide = MamManager.getInstanceFor(carol).queryArchive(MamQueryArgs.builder()
                .limitResultsToJid(bare(bob)).build());
        assertThat(bodiesOf(carolsSide.getMessages())).as("the sender's own archive has its outgoing copies")
                .containsExactlyElementsOf(bodies("carol", 6));
    }

    @Test
    @DisplayName("XEP-0441 (XEP-0313 §6.1) preferences round trip through Smack, and the server archives by them")
    void preferencesRoundTrip() throws Exception {
        XMPPTCPConnection alice = newUser("sp-alice");
        XMPPTCPConnection bob = newUser("sp-bob");
        XMPPTCPConnection carol = newUser("sp-carol");
        XMPPTCPConnection dave = newUser("sp-dave");
        MamManager mam = MamManager.getInstanceFor(bob);

        MamPrefs prefs = mam.retrieveArchivingPreferences().asMamPrefs();
        assertThat(prefs.getDefaultBehavior()).isEqualTo(DefaultBehavior.always);
        assertThat(prefs.getAlwaysJids()).isEmpty();
        assertThat(prefs.getNeverJids()).isEmpty();

        prefs.setDefaultBehavior(DefaultBehavior.roster);
        prefs.getAlwaysJids().add(bare(alice));
        prefs.getNeverJids().add(bare(carol));
        MamPrefs applied = mam.updateArchivingPreferences(prefs).asMamPrefs();
        assertThat(applied.getDefaultBehavior()).isEqualTo(DefaultBehavior.roster);
        assertThat(applied.getAlwaysJids()).containsExactly(bare(alice));
        assertThat(applied.getNeverJids()).containsExactly(bare(carol));

        MamPrefs reread = mam.retrieveArchivingPreferences().asMamPrefs();
        assertThat(reread.getDefaultBehavior()).isEqualTo(DefaultBehavior.roster);
        assertThat(reread.getAlwaysJids()).containsExactly(bare(alice));
        assertThat(reread.getNeverJids()).containsExactly(bare(carol));

        Message fromAlice = exchange(alice, bob, List.of("always-listed")).get(0);
        Message fromCarol = exchange(carol, bob, List.of("never-listed")).get(0);
        Message fromDave = exchange(dave, bob, List.of("not-in-roster")).get(0);
        assertThat((Object) StanzaIdElement.getStanzaId(fromAlice)).isNotNull();
        assertThat((Object) StanzaIdElement.getStanzaId(fromCarol)).as("not archived: no stanza-id").isNull();
        assertThat((Object) StanzaIdElement.getStanzaId(fromDave)).as("not archived: no stanza-id").isNull();
        assertThat(bodiesOf(mam.queryArchive(MamQueryArgs.builder().build()).getMessages()))
                .containsExactly("always-listed");
    }

    @Test
    @DisplayName("XEP-0313 §7: Smack sees MAM (and #extended) on the account, XEP-0359 on the server, and the form")
    void discovery() throws Exception {
        XMPPTCPConnection bob = newUser("sd-bob");
        MamManager mam = MamManager.getInstanceFor(bob);
        assertThat(mam.isSupported()).isTrue();
        ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(bob);
        assertThat(disco.supportsFeature(bare(bob), "urn:xmpp:mam:2#extended")).isTrue();
        assertThat(disco.supportsFeature(JidCreate.domainBareFrom(TestServer.DOMAIN), "urn:xmpp:sid:0")).isTrue();
        Set<String> fields = new HashSet<>();
        for (FormField f : mam.retrieveFormFields()) {
            fields.add(f.getFieldName());
        }
        assertThat(fields).contains("FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids");
        assertThat(mam.getMessageUidOfLatestMessage()).as("empty archive").isNull();
    }
}
