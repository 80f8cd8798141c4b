package io.switchboard.launcher.it.presence;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.smack.ScramSha256Mechanism;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.Subscription;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Test kit for the presence integration tests: accounts and rosters written straight into the
 * server's store (what {@code switchboard user add} does; much faster than in-band registration),
 * and Smack 4.4 clients (STARTTLS required, trusting exactly the generated certificate,
 * SCRAM-SHA-256) that neither load the roster nor send presence on their own, and leave every
 * subscription request to the test (Smack's default mode would auto-deny them).
 */
final class Kit implements AutoCloseable {
    static final long TIMEOUT_MS = 15_000;
    static final String DOMAIN = TestServer.DOMAIN;
    static final String PASSWORD = "secret-pw";

    /** Shared by all test users (same salt everywhere is fine for tests and saves the PBKDF2 work). */
    private static final List<ScramCredential> CREDENTIALS = List.of(
            ScramCredential.generate(ScramAlgorithm.SHA_256, PASSWORD, 4096),
            ScramCredential.generate(ScramAlgorithm.SHA_1, PASSWORD, 4096));

    static {
        ScramSha256Mechanism.register();
        ReconnectionManager.setEnabledPerDefault(false);
        SmackConfiguration.setDefaultReplyTimeout((int) TIMEOUT_MS);
    }

    private final TestServer server;
    private final X509TrustManager trustManager;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    Kit(TestServer server) {
        this.server = server;
        this.trustManager = trustManager(server.dataDir());
    }

    // ---- store -----------------------------------------------------------------------------------------

    static String jid(String user) {
        return user + "@" + DOMAIN;
    }

    static BareJid bare(String user) {
        return JidCreate.bareFromOrThrowUnchecked(jid(user));
    }

    static Jid anyJid(String jid) {
        return JidCreate.fromOrThrowUnchecked(jid);
    }

    static void createAccounts(TestServer server, String... users) {
        createAccounts(server, List.of(users));
    }

    static void createAccounts(TestServer server, Collection<String> users) {
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (String user : users) {
            all.add(server.server().storage().accounts().create(jid(user), CREDENTIALS).toCompletableFuture());
        }
        join(all);
    }

    /** Writes {@code owner}'s roster item for {@code contact} directly (no pushes, no presence). */
    static CompletableFuture<Long> putItem(TestServer server, String owner, String contact, Subscription subscription) {
        return server.server().storage().rosters()
                .put(jid(owner), new RosterItem(jid(contact), null, Set.of(), subscription, false, false))
                .toCompletableFuture();
    }

    /** A mutual subscription ('both' on both sides), as if both had subscribed and approved. */
    static void befriend(TestServer server, String a, String b) {
        join(List.of(putItem(server, a, b, Subscription.BOTH), putItem(server, b, a, Subscription.BOTH)));
    }

    static <T> void join(List<CompletableFuture<T>> futures) {
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("store write failed", e);
        }
    }

    // ---- Smack clients ----------------------------------------------------------------------------------

    XMPPTCPConnectionConfiguration.Builder config() {
        try {
            return XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(DOMAIN)
                    .setHostAddress(InetAddress.getByName("127.0.0.1"))
                    .setPort(server.c2sPort())
                    .setSecurityMode(SecurityMode.required)
                    .setCustomX509TrustManager(trustManager)
                    .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                    .setSendPresence(false)
                    .setConnectTimeout((int) TIMEOUT_MS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client logged in as {@code user/resource}: bound, but neither interested nor available yet. */
    Client login(String user, String resource) throws Exception {
        RecordingConnection conn = new RecordingConnection(config().build());
        conn.setReplyTimeout(TIMEOUT_MS);
        Roster roster = Roster.getInstanceFor(conn);
        roster.setRosterLoadedAtLogin(false);
        roster.setSubscriptionMode(Roster.SubscriptionMode.manual);
        synchronized (connections) {
            connections.add(conn);
        }
        Inbox inbox = Inbox.of(conn, user + "/" + resource);
        conn.connect();
        conn.login(user, PASSWORD, Resourcepart.from(resource));
        return new Client(conn, inbox, jid(user), jid(user) + "/" + resource);
    }

    /** Logs in, requests the roster (interested resource) and sends initial presence (available). */
    Client online(String user, String resource) throws Exception {
        Client c = login(user, resource);
        c.rosterGet();
        c.available();
        return c;
    }

    @Override
    public void close() {
        synchronized (connections) {
            for (XMPPTCPConnection conn : connections) {
                try {
                    if (conn.isConnected()) {
                        conn.disconnect();
                    }
                } catch (RuntimeException e) {
                    // best effort
                }
            }
            connections.clear();
        }
    }

    /** One logged-in resource with its inbox. */
    record Client(XMPPTCPConnection conn, Inbox inbox, String bareJid, String fullJid) {

        /** RFC 6121 §2.2 roster get (makes the resource interested); returns the result. */
        RosterPacket rosterGet() throws Exception {
            IQ answer = rosterGet(null);
            return (RosterPacket) answer;
        }

        /** Roster get with a version (XEP-0237 / RFC 6121 §2.6.3); the result may be an empty IQ. */
        IQ rosterGet(String ver) throws Exception {
            RosterPacket get = new RosterPacket();
            get.setType(IQ.Type.get);
            if (ver != null) {
                get.setVersion(ver);
            }
            return conn.sendIqRequestAndWaitForResponse(get);
        }

        /** RFC 6121 §2.3 roster set of one item; returns the (empty) result or throws the stanza error. */
        IQ rosterSet(String contact, String name, String... groups) throws Exception {
            RosterPacket set = new RosterPacket();
            set.setType(IQ.Type.set);
            RosterPacket.Item item = new RosterPacket.Item(JidCreate.bareFrom(contact), name);
            for (String g : groups) {
                item.addGroupName(g);
            }
            set.addRosterItem(item);
            return conn.sendIqRequestAndWaitForResponse(set);
        }

        /** RFC 6121 §2.5 roster remove. */
        IQ rosterRemove(String contact) throws Exception {
            RosterPacket set = new RosterPacket();
            set.setType(IQ.Type.set);
            RosterPacket.Item item = new RosterPacket.Item(JidCreate.bareFrom(contact), null);
            item.setItemType(RosterPacket.ItemType.remove);
            set.addRosterItem(item);
            return conn.sendIqRequestAndWaitForResponse(set);
        }

        /** Sends available presence and waits until the server reflects it back (RFC 6121 §4.2.2). */
        void available() throws Exception {
            send(null, null, null);
            inbox.await("own initial presence reflected", Inbox.presence(Presence.Type.available, fullJid));
        }

        /** Sends an availability broadcast with a status text (no wait). */
        void status(String status) throws Exception {
            send(null, null, status);
        }

        void send(Presence.Type type, String to, String status) throws Exception {
            var builder = conn.getStanzaFactory().buildPresenceStanza()
                    .ofType(type == null ? Presence.Type.available : type);
            if (to != null) {
                builder.to(anyJid(to));
            }
            if (status != null) {
                builder.setStatus(status);
            }
            conn.sendStanza(builder.build());
        }

        void subscription(Presence.Type type, String to) throws Exception {
            send(type, to, null);
        }
    }

    // ---- misc ----------------------------------------------------------------------------------------

    /** Polls a condition (state with no stanza to wait on, e.g. metrics). */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT_MS + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static Path certificatePath(Path dataDir) {
        return ServerTrust.certificatePath(dataDir);
    }

    static X509TrustManager trustManager(Path dataDir) {
        return ServerTrust.trustManager(dataDir);
    }

    static SSLContext sslContext(Path dataDir) {
        return ServerTrust.sslContext(dataDir);
    }
}
