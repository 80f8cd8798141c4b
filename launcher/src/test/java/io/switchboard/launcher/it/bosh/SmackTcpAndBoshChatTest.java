package io.switchboard.launcher.it.bosh;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import org.igniterealtime.jbosh.BOSHClient;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two independent client stacks on two transports: Smack 4.4 over TCP (STARTTLS) and Smack 4.4's
 * BOSH client ({@link XMPPBOSHConnection} on jbosh, XEP-0124/0206 over https://) become mutual
 * contacts, see each other's presence come and go, and chat both ways, several messages in order.
 * <p>
 * Trust: Smack's {@code XMPPBOSHConnection} does not hand its configured {@code SSLContext} to
 * jbosh, and jbosh 0.9.2 ignores {@code BOSHClientConfig.setSSLContext} anyway: its Apache
 * HttpClient sender builds {@code SSLContext.getInstance("TLS").init(null, null, null)}, i.e. the
 * JVM's default trust store (and it turns host name verification off). So the test trusts exactly
 * the server's certificate by pointing {@code javax.net.ssl.trustStore} at a store holding only it,
 * for the moment jbosh builds its HTTP client (inside {@code connect()}), and restores the property
 * right after.
 */
class SmackTcpAndBoshChatTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final int MESSAGES = 5;
    static TestServer server;
    static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        ReconnectionManager.setEnabledPerDefault(false);
        server = TestServer.start();
        trustStore = server.dataDir().resolve("bosh-client-truststore.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : ServerTrust.certificates(server.dataDir())) {
            store.setCertificateEntry("switchboard-" + i++, c);
        }
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, "changeit".toCharArray());
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("XEP-0206 §3-§5 + RFC 6121 §3.1, §4.2, §4.5.2, §5.2: Smack over TCP and Smack over BOSH (jbosh,"
            + " https) subscribe to each other, see each other available, chat both ways in order, and the BOSH"
            + " user's terminate (XEP-0124 §13) is seen over TCP as unavailable")
    void tcpAndBoshClientsChatAndSeeEachOthersPresence() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String alice = "tcpalice" + suffix;
        String bob = "boshbob" + suffix;
        RawXmppClient.registerAccount(server, alice, "pw-" + alice);
        RawXmppClient.registerAccount(server, bob, "pw-" + bob);
        BareJid aliceBare = JidCreate.bareFrom(alice + "@" + TestServer.DOMAIN);
        BareJid bobBare = JidCreate.bareFrom(bob + "@" + TestServer.DOMAIN);
        double boshSessions = server.counter("xmpp_connections_accepted_total", "transport=\"bosh\"");
        double boshMessagesIn = server.counter("xmpp_stanzas_in_total", "transport=\"bosh\"", "kind=\"message\"");
        double boshEnded = server.counter("xmpp_bosh_sessions_ended_total");
        double boshTerminated = server.counter("xmpp_bosh_sessions_ended_total", "reason=\"terminate\"");

        XMPPTCPConnection tcp = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(TestServer.DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(ServerTrust.trustManager(server.dataDir()))
                .setConnectTimeout((int) WAIT.toMillis())
                .build());
        BOSHConfiguration boshConfig = boshConfiguration();
        XMPPBOSHConnection bosh = new XMPPBOSHConnection(boshConfig);
        List<String> exchange = Collections.synchronizedList(new ArrayList<>());
        boolean passed = false;
        StanzaCollector tcpPresence = null;
        StanzaCollector tcpMessages = null;
        StanzaCollector boshPresence = null;
        StanzaCollector boshMessages = null;
        try {
            tcp.setReplyTimeout(WAIT.toMillis());
            bosh.setReplyTimeout(WAIT.toMillis());
            Roster tcpRoster = Roster.getInstanceFor(tcp);
            Roster boshRoster = Roster.getInstanceFor(bosh);
            // RFC 6121 §3.1.3: each client approves the other's subscription request automatically.
            tcpRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            boshRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            tcpPresence = tcp.createStanzaCollector(s -> s instanceof Presence p && p.getFrom() != null
                    && bobBare.equals(p.getFrom().asBareJid()) && p.getFrom().hasResource()
                    && (p.getType() == Presence.Type.available || p.getType() == Presence.Type.unavailable));
            tcpMessages = tcp.createStanzaCollector(s -> s instanceof Message m && m.getBody() != null);
            boshPresence = bosh.createStanzaCollector(s -> s instanceof Presence p && p.getFrom() != null
                    && aliceBare.equals(p.getFrom().asBareJid()) && p.getFrom().hasResource()
                    && (p.getType() == Presence.Type.available || p.getType() == Presence.Type.unavailable));
            boshMessages = bosh.createStanzaCollector(s -> s instanceof Message m && m.getBody() != null);

            tcp.connect();
            tcp.login(alice, "pw-" + alice, Resourcepart.from("desk"));
            connectTrustingServer(bosh);
            traceBosh(bosh, exchange);
            bosh.login(bob, "pw-" + bob, Resourcepart.from("web"));
            Jid aliceFull = tcp.getUser();
            Jid bobFull = bosh.getUser();
            assertThat(bosh.isAuthenticated()).isTrue();
            // (Smack 4.4's XMPPBOSHConnection.isSecureConnection() is hard-wired to false, so ask the configuration.)
            assertThat(boshConfig.getURI().toString()).as("BOSH over https")
                    .isEqualTo("https://localhost:" + server.httpsPort() + "/http-bind");
            assertThat(String.valueOf(bobFull)).isEqualTo(bob + "@localhost/web");
            assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"bosh\""))
                    .as("bob's stream is a BOSH one").isEqualTo(boshSessions + 1);

            // RFC 6121 §3.1: each asks the other; each approves; both end with subscription 'both'.
            tcpRoster.createItemAndRequestSubscription(bobBare, bob, null);
            boshRoster.createItemAndRequestSubscription(aliceBare, alice, null);
            await("alice's roster item for bob has subscription 'both'", () -> subscription(tcpRoster, bobBare)
                    == RosterPacket.ItemType.both);
            await("bob's roster item for alice has subscription 'both'", () -> subscription(boshRoster, aliceBare)
                    == RosterPacket.ItemType.both);

            // RFC 6121 §4.2.2, §3.1.5: with the subscription in place each side gets the other's presence.
            Presence bobSeen = tcpPresence.nextResult(WAIT.toMillis());
            assertThat(bobSeen).as("alice (TCP) sees bob (BOSH) available").isNotNull();
            assertThat(bobSeen.getType()).isEqualTo(Presence.Type.available);
            assertThat(String.valueOf(bobSeen.getFrom())).isEqualTo(String.valueOf(bobFull));
            Presence aliceSeen = boshPresence.nextResult(WAIT.toMillis());
            assertThat(aliceSeen).as("bob (BOSH) sees alice (TCP) available").isNotNull();
            assertThat(aliceSeen.getType()).isEqualTo(Presence.Type.available);
            assertThat(String.valueOf(aliceSeen.getFrom())).isEqualTo(String.valueOf(aliceFull));
            await("alice's roster shows bob available", () -> tcpRoster.getPresence(bobBare).isAvailable());
            await("bob's roster shows alice available", () -> boshRoster.getPresence(aliceBare).isAvailable());

            // RFC 6121 §5.2.2, §5.1: chat both ways, interleaved; each side receives the other's messages in the
            // order sent, 'from' stamped with the sender's full JID.
            for (int i = 1; i <= MESSAGES; i++) {
                tcp.sendStanza(chat(tcp, bobFull, "tcp->bosh " + i));
                bosh.sendStanza(chat(bosh, aliceFull, "bosh->tcp " + i));
            }
            for (int i = 1; i <= MESSAGES; i++) {
                Message atBosh = boshMessages.nextResult(WAIT.toMillis());
                assertThat(atBosh).as("bob (BOSH) receives alice's message %d", i).isNotNull();
                assertThat(atBosh.getBody()).isEqualTo("tcp->bosh " + i);
                assertThat(String.valueOf(atBosh.getFrom())).isEqualTo(String.valueOf(aliceFull));
                assertThat(atBosh.getType()).isEqualTo(Message.Type.chat);
                Message atTcp = tcpMessages.nextResult(WAIT.toMillis());
                assertThat(atTcp).as("alice (TCP) receives bob's message %d", i).isNotNull();
                assertThat(atTcp.getBody()).isEqualTo("bosh->tcp " + i);
                assertThat(String.valueOf(atTcp.getFrom())).isEqualTo(String.valueOf(bobFull));
                assertThat(atTcp.getType()).isEqualTo(Message.Type.chat);
            }
            assertThat(server.counter("xmpp_stanzas_in_total", "transport=\"bosh\"", "kind=\"message\""))
                    .as("bob's messages came in over BOSH").isGreaterThanOrEqualTo(boshMessagesIn + MESSAGES);

            // RFC 6121 §4.5.2 + XEP-0124 §13: bob terminates his BOSH session; alice sees him unavailable.
            bosh.disconnect();
            Presence bobGone = nextOfType(tcpPresence, Presence.Type.unavailable);
            assertThat(bobGone).as("alice (TCP) sees bob (BOSH) unavailable after he disconnects").isNotNull();
            assertThat(String.valueOf(bobGone.getFrom())).isEqualTo(String.valueOf(bobFull));
            awaitTerminated(boshTerminated, boshEnded);
            passed = true;
        } finally {
            for (StanzaCollector c : new StanzaCollector[] {tcpPresence, tcpMessages, boshPresence, boshMessages}) {
                if (c != null) {
                    c.cancel();
                }
            }
            disconnectQuietly(bosh);
            disconnectQuietly(tcp);
            if (!passed) {
                synchronized (exchange) {
                    System.out.println("BOSH exchange as jbosh saw it (" + exchange.size() + " bodies):");
                    exchange.forEach(System.out::println);
                }
            }
        }
    }

    @Test
    @DisplayName("XEP-0206 + RFC 6121 §4.5.2: a BOSH user sees a TCP contact leave, the presence pushed on a held"
            + " request (XEP-0124 §11)")
    void boshClientSeesTcpContactLeave() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String carol = "tcpcarol" + suffix;
        String dave = "boshdave" + suffix;
        RawXmppClient.registerAccount(server, carol, "pw-" + carol);
        RawXmppClient.registerAccount(server, dave, "pw-" + dave);
        BareJid carolBare = JidCreate.bareFrom(carol + "@" + TestServer.DOMAIN);
        BareJid daveBare = JidCreate.bareFrom(dave + "@" + TestServer.DOMAIN);
        double boshEnded = server.counter("xmpp_bosh_sessions_ended_total");
        double boshTerminated = server.counter("xmpp_bosh_sessions_ended_total", "reason=\"terminate\"");
        XMPPTCPConnection tcp = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(TestServer.DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(ServerTrust.trustManager(server.dataDir()))
                .setConnectTimeout((int) WAIT.toMillis())
                .build());
        XMPPBOSHConnection bosh = new XMPPBOSHConnection(boshConfiguration());
        List<String> exchange = Collections.synchronizedList(new ArrayList<>());
        boolean passed = false;
        StanzaCollector boshPresence = null;
        try {
            tcp.setReplyTimeout(WAIT.toMillis());
            bosh.setReplyTimeout(WAIT.toMillis());
            Roster tcpRoster = Roster.getInstanceFor(tcp);
            Roster boshRoster = Roster.getInstanceFor(bosh);
            tcpRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            boshRoster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
            boshPresence = bosh.createStanzaCollector(s -> s instanceof Presence p && p.getFrom() != null
                    && carolBare.equals(p.getFrom().asBareJid()) && p.getFrom().hasResource()
                    && (p.getType() == Presence.Type.available || p.getType() == Presence.Type.unavailable));
            tcp.connect();
            tcp.login(carol, "pw-" + carol, Resourcepart.from("desk"));
            connectTrustingServer(bosh);
            traceBosh(bosh, exchange);
            bosh.login(dave, "pw-" + dave, Resourcepart.from("web"));
            Jid carolFull = tcp.getUser();

            // This time the BOSH user asks first (RFC 6121 §3.1.1); both end with 'both'.
            boshRoster.createItemAndRequestSubscription(carolBare, carol, null);
            tcpRoster.createItemAndRequestSubscription(daveBare, dave, null);
            await("dave's roster item for carol has subscription 'both'", () -> subscription(boshRoster, carolBare)
                    == RosterPacket.ItemType.both);
            Presence carolSeen = nextOfType(boshPresence, Presence.Type.available);
            assertThat(carolSeen).as("dave (BOSH) sees carol (TCP) available").isNotNull();
            assertThat(String.valueOf(carolSeen.getFrom())).isEqualTo(String.valueOf(carolFull));

            tcp.disconnect();
            Presence carolGone = nextOfType(boshPresence, Presence.Type.unavailable);
            assertThat(carolGone).as("dave (BOSH) sees carol (TCP) unavailable after she disconnects").isNotNull();
            assertThat(String.valueOf(carolGone.getFrom())).isEqualTo(String.valueOf(carolFull));
            assertThat(bosh.isConnected()).as("the BOSH session is still up").isTrue();
            bosh.disconnect();
            awaitTerminated(boshTerminated, boshEnded);
            passed = true;
        } finally {
            if (boshPresence != null) {
                boshPresence.cancel();
            }
            disconnectQuietly(bosh);
            disconnectQuietly(tcp);
            if (!passed) {
                synchronized (exchange) {
                    System.out.println("BOSH exchange as jbosh saw it (" + exchange.size() + " bodies):");
                    exchange.forEach(System.out::println);
                }
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** XEP-0206 over https:// at the server's /http-bind, as the XEP-0156 discovery advertises it. */
    private static BOSHConfiguration boshConfiguration() throws Exception {
        return BOSHConfiguration.builder()
                .setUseHttps(true)
                .setHost("localhost")
                .setPort(server.httpsPort())
                .setFile("/http-bind")
                .setXmppDomain(TestServer.DOMAIN)
                // BOSH has no STARTTLS: the https:// underneath is the channel's security (XEP-0206 §11).
                .setSecurityMode(SecurityMode.disabled)
                .build();
    }

    private static final String[] TRUST_PROPERTIES = {
        "javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType", "javax.net.ssl.trustStorePassword"};

    /**
     * Connects with the JVM's default trust store pointed at the server's certificate alone: jbosh
     * builds its TLS context from the defaults when the connection creates its BOSH client (see the
     * class comment), so the properties are needed only for the duration of {@code connect()}.
     */
    private static void connectTrustingServer(XMPPBOSHConnection bosh) throws Exception {
        synchronized (SmackTcpAndBoshChatTest.class) {
            String[] saved = new String[TRUST_PROPERTIES.length];
            for (int i = 0; i < saved.length; i++) {
                saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
            }
            System.setProperty(TRUST_PROPERTIES[0], trustStore.toString());
            System.setProperty(TRUST_PROPERTIES[1], "PKCS12");
            System.setProperty(TRUST_PROPERTIES[2], "changeit");
            try {
                bosh.connect();
            } finally {
                for (int i = 0; i < saved.length; i++) {
                    if (saved[i] == null) {
                        System.clearProperty(TRUST_PROPERTIES[i]);
                    } else {
                        System.setProperty(TRUST_PROPERTIES[i], saved[i]);
                    }
                }
            }
        }
    }

    /**
     * Records every body jbosh sends and receives after session creation, printed if the test fails
     * (the diagnosis of a misbehaving exchange needs the wire, not only Smack's view of it).
     */
    private static void traceBosh(XMPPBOSHConnection bosh, List<String> exchange) {
        try {
            Field field = XMPPBOSHConnection.class.getDeclaredField("client");
            field.setAccessible(true);
            BOSHClient client = (BOSHClient) field.get(bosh);
            long start = System.nanoTime();
            client.addBOSHClientRequestListener(e -> exchange.add(
                    String.format("%6d ms  >> %s", (System.nanoTime() - start) / 1_000_000, e.getBody().toXML())));
            client.addBOSHClientResponseListener(e -> exchange.add(
                    String.format("%6d ms  << %s", (System.nanoTime() - start) / 1_000_000, e.getBody().toXML())));
            client.addBOSHClientConnListener(e -> exchange.add(
                    String.format("%6d ms  -- connected=%s error=%s", (System.nanoTime() - start) / 1_000_000,
                            e.isConnected(), e.getCause())));
        } catch (ReflectiveOperationException | RuntimeException e) {
            exchange.add("(no trace: " + e + ")");
        }
    }

    /**
     * XEP-0124 §13: the client's terminate request ends its session normally, and nothing else ended
     * one meanwhile (no overactivity or policy-violation, no item-not-found for a request id): the
     * session count by end reason grows by exactly one 'terminate', and no BOSH stream stays open.
     * Waiting for it also keeps the server from shutting down while the terminate is in flight.
     */
    private static void awaitTerminated(double terminatedBefore, double endedBefore) throws InterruptedException {
        await("the BOSH session ends with the client's terminate", () -> server.counter(
                "xmpp_bosh_sessions_ended_total", "reason=\"terminate\"") >= terminatedBefore + 1);
        assertThat(server.counter("xmpp_bosh_sessions_ended_total")).as("BOSH sessions ended, any reason")
                .isEqualTo(endedBefore + 1);
        await("no BOSH stream left open", () -> server.counter("xmpp_connections_open", "transport=\"bosh\"") == 0);
    }

    private static Message chat(AbstractXMPPConnection from, Jid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat).setBody(body).build();
    }

    private static RosterPacket.ItemType subscription(Roster roster, BareJid contact) {
        RosterEntry entry = roster.getEntry(contact);
        return entry == null ? null : entry.getType();
    }

    /** The next presence of {@code type} within the wait, skipping others (e.g. a repeated available). */
    private static Presence nextOfType(StanzaCollector collector, Presence.Type type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            Presence p = collector.nextResult(left);
            if (p == null || p.getType() == type) {
                return p;
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void disconnectQuietly(AbstractXMPPConnection connection) {
        try {
            if (connection.isConnected()) {
                connection.disconnect();
            }
        } catch (RuntimeException e) {
            // best effort: every test uses users of its own
        }
    }
}
