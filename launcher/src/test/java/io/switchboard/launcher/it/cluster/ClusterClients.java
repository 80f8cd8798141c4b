package io.switchboard.launcher.it.cluster;

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
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smack clients of a {@link ProcessCluster} (STARTTLS trusting the cluster's certificate,
 * SCRAM-SHA-256, in-band registration), for the failure tests. {@link #close()} disconnects every
 * connection made here.
 */
final class ClusterClients implements AutoCloseable {
    static final long TIMEOUT_MS = 15_000;
    static final String DOMAIN = TestServer.DOMAIN;

    static {
        ScramSha256Mechanism.register();
        ReconnectionManager.setEnabledPerDefault(false);
        Roster.setRosterLoadedAtLoginDefault(false);
        Roster.setDefaultSubscriptionMode(Roster.SubscriptionMode.manual); // the tests answer requests themselves
        SmackConfiguration.setDefaultReplyTimeout((int) TIMEOUT_MS);
    }

    private final ProcessCluster cluster;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    ClusterClients(ProcessCluster cluster) {
        this.cluster = cluster;
    }

    XMPPTCPConnectionConfiguration.Builder config(int connector) throws Exception {
        return XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(DOMAIN)
                .setHostAddress(InetAddress.getByName("127.0.0.1"))
                .setPort(cluster.c2sPort(connector))
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(cluster.trustManager())
                .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                .setConnectTimeout((int) TIMEOUT_MS);
    }

    synchronized XMPPTCPConnection connect(XMPPTCPConnectionConfiguration.Builder config) throws Exception {
        XMPPTCPConnection conn = new XMPPTCPConnection(config.build());
        conn.setReplyTimeout(TIMEOUT_MS);
        connections.add(conn);
        conn.connect();
        return conn;
    }

    void register(int connector, String user, String password) throws Exception {
        XMPPTCPConnection conn = connect(config(connector));
        try {
            AccountManager accounts = AccountManager.getInstance(conn);
            accounts.sensitiveOperationOverInsecureConnection(false);
            accounts.createAccount(Localpart.from(user), password);
        } finally {
            conn.disconnect();
        }
    }

    XMPPTCPConnection login(int connector, String user, String password, String resource) throws Exception {
        XMPPTCPConnection conn = connect(config(connector).setSendPresence(true));
        conn.login(user, password, Resourcepart.from(resource));
        return conn;
    }

    /** {@code watcher} subscribes to {@code watched}'s presence, which approves; returns once the watcher saw it. */
    static void subscribe(XMPPTCPConnection watcher, XMPPTCPConnection watched) throws Exception {
        EntityBareJid watcherBare = watcher.getUser().asEntityBareJid();
        EntityBareJid watchedBare = watched.getUser().asEntityBareJid();
        StanzaCollector request = watched.createStanzaCollector(presence(watcherBare, Presence.Type.subscribe));
        StanzaCollector seen = watcher.createStanzaCollector(presence(watched.getUser(), Presence.Type.available));
        try {
            watcher.sendStanza(watcher.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribe)
                    .to(watchedBare).build());
            assertThat((Presence) request.nextResult(TIMEOUT_MS)).as("%s got %s's request", watchedBare, watcherBare)
                    .isNotNull();
            watched.sendStanza(watched.getStanzaFactory().buildPresenceStanza().ofType(Presence.Type.subscribed)
                    .to(watcherBare).build());
            assertThat((Presence) seen.nextResult(TIMEOUT_MS)).as("%s saw %s's presence", watcherBare, watchedBare)
                    .isNotNull();
        } finally {
            request.cancel();
            seen.cancel();
        }
    }

    static EntityBareJid bare(String user) {
        return JidCreate.entityBareFromOrThrowUnchecked(user + "@" + DOMAIN);
    }

    static Message chat(XMPPTCPConnection from, Jid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat).to(to).setBody(body).build();
    }

    static StanzaFilter presence(Jid from, Presence.Type type) {
        return stanza -> stanza instanceof Presence p && p.getType() == type && from.equals(p.getFrom());
    }

    static StanzaCollector bodies(XMPPTCPConnection conn) {
        return conn.createStanzaCollector(stanza -> stanza instanceof Message m && m.getBody() != null
                && m.getType() != Message.Type.error);
    }

    static List<String> receive(StanzaCollector collector, int count) throws InterruptedException {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message m = collector.nextResult(TIMEOUT_MS);
            assertThat(m).as("message %d of %d (so far %s)", i + 1, count, bodies).isNotNull();
            bodies.add(m.getBody());
        }
        return bodies;
    }

    static List<String> numbered(String prefix, int count) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(prefix + i);
        }
        return list;
    }

    /** Chats {@code n} messages each way and checks both sides got them all, in order. */
    static void chatBothWays(XMPPTCPConnection a, XMPPTCPConnection b, String tag, int n) throws Exception {
        StanzaCollector atA = bodies(a);
        StanzaCollector atB = bodies(b);
        try {
            for (int i = 0; i < n; i++) {
                a.sendStanza(chat(a, b.getUser(), tag + "-a2b-" + i));
                b.sendStanza(chat(b, a.getUser(), tag + "-b2a-" + i));
            }
            assertThat(receive(atB, n)).containsExactlyElementsOf(numbered(tag + "-a2b-", n));
            assertThat(receive(atA, n)).containsExactlyElementsOf(numbered(tag + "-b2a-", n));
        } finally {
            atA.cancel();
            atB.cancel();
        }
    }

    static void await(String what, long timeoutMs, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public synchronized void close() {
        for (XMPPTCPConnection c : connections) {
            if (c.isConnected()) {
                c.disconnect();
            }
        }
        connections.clear();
    }
}
