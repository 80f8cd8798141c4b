package io.switchboard.launcher.it.cluster;

import io.switchboard.launcher.cluster.NodeProcess;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.smack.ScramSha256Mechanism;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-node routing on a cluster of separate processes ({@link ProcessCluster}: 2 connectors,
 * 2 routers, 1 presence service, Cassandra storage): Smack clients on connector A and connector B
 * register in-band, chat, exchange presence and get offline messages exactly as on one node. One
 * cluster serves every test of the class; each test uses its own users.
 */
class CrossNodeChatIT {
    private static final long TIMEOUT_MS = 15_000;
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final int A = 0;
    private static final int B = 1;

    private static ProcessCluster cluster;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        ScramSha256Mechanism.register();
        ReconnectionManager.setEnabledPerDefault(false);
        Roster.setRosterLoadedAtLoginDefault(false);
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual); // the tests answer requests themselves
        SmackConfiguration.setDefaultReplyTimeout((int) TIMEOUT_MS);
        cluster = ProcessCluster.start(2, 2, 1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void disconnectClients() {
        for (XMPPTCPConnection c : connections) {
            if (c.isConnected()) {
                c.disconnect();
            }
        }
        connections.clear();
    }

    @Test
    @DisplayName("Every process serves only its role, with its own /health and /metrics, and sees all 5 members")
    void eachRoleRunsAloneWithItsOwnHealthAndMetrics() {
        assertThat(cluster.nodes()).hasSize(5);
        for (NodeProcess n : cluster.nodes()) {
            assertThat(n.healthy()).as("%s /health", n).isTrue();
            assertThat(n.clusterMembers()).as("%s xmpp_cluster_members", n).hasValue(5);
        }
        for (NodeProcess connector : cluster.connectors()) {
            assertThat(connector.metric("xmpp_connections_open")).as("%s has client listeners", connector).isPresent();
        }
        for (NodeProcess other : cluster.nodes().stream().filter(n -> !n.spec().isConnector()).toList()) {
            assertThat(other.metric("xmpp_connections_open")).as("%s runs no connector", other).isEmpty();
        }
    }

    @Test
    @DisplayName("Both connectors present the one shared certificate")
    void connectorsShareOneCertificate() throws Exception {
        X509Certificate[] seen = new X509Certificate[2];
        for (int c = A; c <= B; c++) {
            int index = c;
            XMPPTCPConnectionConfiguration.Builder config = config(c).setCustomX509TrustManager(
                    new CapturingTrustManager(cluster.trustManager(), chain -> seen[index] = chain[0]));
            connect(config);
        }
        assertThat(seen[0]).isNotNull();
        assertThat(seen[1]).isEqualTo(seen[0]);
    }

    @Test
    @DisplayName("Users on different connectors register in-band and chat both ways, in order")
    void chatAcrossConnectors() throws Exception {
        register(A, "xn-alice", "alice-pw");
        register(B, "xn-bob", "bob-pw");
        XMPPTCPConnection alice = login(A, "xn-alice", "alice-pw", "desk");
        XMPPTCPConnection bob = login(B, "xn-bob", "bob-pw", "phone");
        StanzaCollector atAlice = bodies(alice);
        StanzaCollector atBob = bodies(bob);
        int n = 25;
        for (int i = 0; i < n; i++) {
            alice.sendStanza(chat(alice, bob.getUser(), "a2b-" + i));
            bob.sendStanza(chat(bob, alice.getUser(), "b2a-" + i));
        }
        assertThat(receive(atBob, n)).containsExactlyElementsOf(numbered("a2b-", n));
        assertThat(receive(atAlice, n)).containsExactlyElementsOf(numbered("b2a-", n));
    }

    @Test
    @DisplayName("Users on different connectors subscribe to each other and see each other's presence")
    void presenceAcrossConnectors() throws Exception {
        register(A, "xn-carol", "carol-pw");
        register(B, "xn-dave", "dave-pw");
        XMPPTCPConnection carol = login(A, "xn-carol", "carol-pw", "desk");
        XMPPTCPConnection dave = login(B, "xn-dave", "dave-pw", "phone");
        Jid carolFull = carol.getUser();
        Jid daveFull = dave.getUser();

        // carol -> dave: subscribe, approved; carol then gets dave's current presence (RFC 6121 §3.1.5).
        StanzaCollector requestAtDave = dave.createStanzaCollector(presence(bare("xn-carol"), Presence.Type.subscribe));
        StanzaCollector daveAtCarol = carol.createStanzaCollector(presence(daveFull, Presence.Type.available));
        carol.sendStanza(subscription(carol, bare("xn-dave"), Presence.Type.subscribe));
        assertThat((Presence) requestAtDave.nextResult(TIMEOUT_MS)).as("dave (on B) got carol's request").isNotNull();
        dave.sendStanza(subscription(dave, bare("xn-carol"), Presence.Type.subscribed));
        assertThat((Presence) daveAtCarol.nextResult(TIMEOUT_MS)).as("carol (on A) got dave's presence").isNotNull();

        // dave -> carol, the other way round.
        StanzaCollector requestAtCarol = carol.createStanzaCollector(presence(bare("xn-dave"), Presence.Type.subscribe));
        StanzaCollector carolAtDave = dave.createStanzaCollector(presence(carolFull, Presence.Type.available));
        dave.sendStanza(subscription(dave, bare("xn-carol"), Presence.Type.subscribe));
        assertThat((Presence) requestAtCarol.nextResult(TIMEOUT_MS)).as("carol got dave's request").isNotNull();
        carol.sendStanza(subscription(carol, bare("xn-dave"), Presence.Type.subscribed));
        assertThat((Presence) carolAtDave.nextResult(TIMEOUT_MS)).as("dave got carol's presence").isNotNull();

        // A presence change on A reaches B.
        StanzaCollector lunch = dave.createStanzaCollector(stanza -> stanza instanceof Presence p
                && carolFull.equals(p.getFrom()) && "at lunch".equals(p.getStatus()));
        carol.sendStanza(carol.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.available)
                .setMode(Presence.Mode.away).setStatus("at lunch").build());
        Presence seen = lunch.nextResult(TIMEOUT_MS);
        assertThat(seen).as("dave saw carol's status change").isNotNull();
        assertThat(seen.getMode()).isEqualTo(Presence.Mode.away);

        // Logging out on B is seen on A.
        StanzaCollector gone = carol.createStanzaCollector(presence(daveFull, Presence.Type.unavailable));
        dave.disconnect();
        assertThat((Presence) gone.nextResult(TIMEOUT_MS)).as("carol saw dave go offline").isNotNull();
    }

    @Test
    @DisplayName("A message sent on A to an offline user is stored and delivered, once and in order, at login on B")
    void offlineMessageDeliveredOnTheOtherConnector() throws Exception {
        register(A, "xn-erin", "erin-pw");
        register(B, "xn-frank", "frank-pw");
        XMPPTCPConnection erin = login(A, "xn-erin", "erin-pw", "desk");
        double stored = offlineStored();
        for (int i = 1; i <= 3; i++) {
            erin.sendStanza(chat(erin, bare("xn-frank"), "offline-" + i));
        }
        await("3 offline messages stored", () -> offlineStored() >= stored + 3);

        XMPPTCPConnection frank = connect(config(B).setSendPresence(true));
        StanzaCollector atFrank = bodies(frank);
        frank.login("xn-frank", "frank-pw", Resourcepart.from("phone"));
        List<Message> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message m = atFrank.nextResult(TIMEOUT_MS);
            assertThat(m).as("offline message %d of 3 (so far %s)", i + 1, received).isNotNull();
            received.add(m);
        }
        assertThat(received).extracting(Message::getBody).containsExactly("offline-1", "offline-2", "offline-3");
        assertThat(received).allSatisfy(m -> assertThat(m.getExtension(DelayInformation.class)).isNotNull());
        assertThat((Message) atFrank.nextResult(500)).as("delivered exactly once").isNull();
    }

    // ---- clients ------------------------------------------------------------------------------------------

    private XMPPTCPConnectionConfiguration.Builder config(int connector) throws Exception {
        return XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(cluster.c2sPort(connector))
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(cluster.trustManager())
                .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                .setConnectTimeout((int) TIMEOUT_MS);
    }

    private XMPPTCPConnection connect(XMPPTCPConnectionConfiguration.Builder config) throws Exception {
        XMPPTCPConnection conn = new XMPPTCPConnection(config.build());
        conn.setReplyTimeout(TIMEOUT_MS);
        connections.add(conn);
        conn.connect();
        return conn;
    }

    private void register(int connector, String user, String password) throws Exception {
        XMPPTCPConnection conn = connect(config(connector));
        try {
            AccountManager accounts = AccountManager.getInstance(conn);
            accounts.sensitiveOperationOverInsecureConnection(false);
            accounts.createAccount(Localpart.from(user), password);
        } finally {
            conn.disconnect();
        }
    }

    private XMPPTCPConnection login(int connector, String user, String password, String resource) throws Exception {
        XMPPTCPConnection conn = connect(config(connector).setSendPresence(true));
        conn.login(user, password, Resourcepart.from(resource));
        return conn;
    }

    private static EntityBareJid bare(String user) {
        return JidCreate.entityBareFromOrThrowUnchecked(user + "@" + DOMAIN);
    }

    private static Message chat(XMPPTCPConnection from, Jid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat).to(to).setBody(body).build();
    }

    private static Presence subscription(XMPPTCPConnection from, Jid to, Presence.Type type) {
        return from.getStanzaFactory().buildPresenceStanza().ofType(type).to(to).build();
    }

    private static StanzaFilter presence(Jid from, Presence.Type type) {
        return stanza -> stanza instanceof Presence p && p.getType() == type && from.equals(p.getFrom());
    }

    private static StanzaCollector bodies(XMPPTCPConnection conn) {
        return conn.createStanzaCollector(stanza -> stanza instanceof Message m && m.getBody() != null
                && m.getType() != Message.Type.error);
    }

    private static List<String> receive(StanzaCollector collector, int count) throws InterruptedException {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message m = collector.nextResult(TIMEOUT_MS);
            assertThat(m).as("message %d of %d (so far %s)", i + 1, count, bodies).isNotNull();
            bodies.add(m.getBody());
        }
        return bodies;
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(prefix + i);
        }
        return list;
    }

    /** Messages the routers stored for offline users, summed over both router processes. */
    private static double offlineStored() {
        return cluster.sum("xmpp_router_stanzas_total", "kind=\"message\"", "outcome=\"offline\"");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT_MS + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Delegates trust decisions and records the chain the server presented. */
    private record CapturingTrustManager(javax.net.ssl.X509TrustManager delegate,
                                         java.util.function.Consumer<X509Certificate[]> seen)
            implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            seen.accept(chain);
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
