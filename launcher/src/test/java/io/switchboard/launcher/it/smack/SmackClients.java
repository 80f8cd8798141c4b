package io.switchboard.launcher.it.smack;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smack clients against a {@link TestServer}: STARTTLS (required) trusting exactly the server's
 * generated certificate, SCRAM-SHA-256 only. Every connection made here is disconnected by
 * {@link #close()}, so tests cannot leak sessions into each other.
 */
final class SmackClients implements AutoCloseable {
    static final long TIMEOUT_MS = 10_000;
    static final String DOMAIN = TestServer.DOMAIN;

    static {
        ScramSha256Mechanism.register();
        ReconnectionManager.setEnabledPerDefault(false);
        Roster.setRosterLoadedAtLoginDefault(false); // no roster module yet; not what these tests pin
        SmackConfiguration.setDefaultReplyTimeout((int) TIMEOUT_MS);
    }

    private final TestServer server;
    private final X509TrustManager trustManager;
    private final SSLContext sslContext;
    private final Certificate serverCertificate;
    private final List<XMPPTCPConnection> connections = new ArrayList<>();

    SmackClients(TestServer server) {
        this.server = server;
        this.serverCertificate = ServerTrust.certificates(server.dataDir()).get(0);
        this.trustManager = ServerTrust.trustManager(server.dataDir());
        this.sslContext = ServerTrust.sslContext(server.dataDir());
    }

    static EntityBareJid bare(String user) {
        return JidCreate.entityBareFromOrThrowUnchecked(user + "@" + DOMAIN);
    }

    static Jid jid(String jid) {
        return JidCreate.fromOrThrowUnchecked(jid);
    }

    Certificate serverCertificate() {
        return serverCertificate;
    }

    SSLContext sslContext() {
        return sslContext;
    }

    /** STARTTLS-required c2s configuration with SCRAM-SHA-256 as the only mechanism. */
    XMPPTCPConnectionConfiguration.Builder starttlsConfig() {
        try {
            return XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(DOMAIN)
                    .setHostAddress(InetAddress.getByName("127.0.0.1"))
                    .setPort(server.c2sPort())
                    .setSecurityMode(SecurityMode.required)
                    .setCustomX509TrustManager(trustManager)
                    .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                    .setConnectTimeout((int) TIMEOUT_MS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Direct TLS (XEP-0368): Smack opens a TLS socket to the direct-TLS port and sees a plain stream. */
    XMPPTCPConnectionConfiguration.Builder directTlsConfig(SocketFactory tlsSocketFactory) {
        try {
            return XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(DOMAIN)
                    .setHostAddress(InetAddress.getByName("127.0.0.1"))
                    .setPort(server.directTlsPort())
                    .setSecurityMode(SecurityMode.disabled)
                    .setSocketFactory(tlsSocketFactory)
                    .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                    .setConnectTimeout((int) TIMEOUT_MS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connects (stream + STARTTLS) without authenticating. */
    XMPPTCPConnection connect(XMPPTCPConnectionConfiguration.Builder config) throws Exception {
        XMPPTCPConnection conn = new XMPPTCPConnection(config.build());
        conn.setReplyTimeout(TIMEOUT_MS);
        synchronized (connections) {
            connections.add(conn);
        }
        conn.connect();
        return conn;
    }

    XMPPTCPConnection connect() throws Exception {
        return connect(starttlsConfig());
    }

    /** Registers an account in-band (XEP-0077 §3.1) on a fresh connection, then disconnects it. */
    void register(String user, String password) throws Exception {
        XMPPTCPConnection conn = connect();
        try {
            AccountManager accounts = AccountManager.getInstance(conn);
            accounts.sensitiveOperationOverInsecureConnection(false);
            accounts.createAccount(Localpart.from(user), password);
        } finally {
            conn.disconnect();
        }
    }

    /** Connects and logs in; Smack sends initial presence (priority 0). */
    XMPPTCPConnection login(String user, String password, String resource) throws Exception {
        return login(starttlsConfig().setSendPresence(true), user, password, resource);
    }

    /** Connects and logs in without sending initial presence. */
    XMPPTCPConnection loginWithoutPresence(String user, String password, String resource) throws Exception {
        return login(starttlsConfig().setSendPresence(false), user, password, resource);
    }

    XMPPTCPConnection login(XMPPTCPConnectionConfiguration.Builder config, String user, String password,
                            String resource) throws Exception {
        XMPPTCPConnection conn = connect(config);
        conn.login(user, password, Resourcepart.from(resource));
        if (conn.getConfiguration().isSendPresence()) {
            server.awaitAvailable(conn.getUser().asEntityBareJidString(), resource);
        }
        return conn;
    }

    /**
     * Sends available presence with a priority and waits until the server reflects it back to this
     * very resource (RFC 6121 §4.2.2 / §4.4.2: the user's own available resources receive the
     * broadcast), which happens only after the session directory holds the new priority.
     */
    static void setPriority(XMPPTCPConnection conn, int priority) throws Exception {
        Jid self = conn.getUser();
        StanzaFilter reflected = stanza -> stanza instanceof Presence p && self.equals(p.getFrom())
                && p.getType() == Presence.Type.available && p.getPriority() == priority;
        StanzaCollector collector = conn.createStanzaCollector(reflected);
        try {
            conn.sendStanza(conn.getStanzaFactory().buildPresenceStanza()
                    .ofType(Presence.Type.available).setPriority(priority).build());
            assertThat((Stanza) collector.nextResult(TIMEOUT_MS))
                    .as("presence with priority %d reflected to %s", priority, self).isNotNull();
        } finally {
            collector.cancel();
        }
    }

    static Message chat(XMPPTCPConnection from, Jid to, String body) {
        return from.getStanzaFactory().buildMessageStanza().ofType(Message.Type.chat).to(to).setBody(body).build();
    }

    /** Messages with a body, from anyone: a collector a test reads and cancels itself. */
    static StanzaCollector bodies(XMPPTCPConnection conn) {
        return conn.createStanzaCollector(stanza -> stanza instanceof Message m && m.getBody() != null
                && m.getType() != Message.Type.error);
    }

    static Message next(StanzaCollector collector) throws InterruptedException {
        return collector.nextResult(TIMEOUT_MS);
    }

    /** Polls a condition (for state with no stanza to wait on, e.g. metrics) for up to 10 s. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMillis(TIMEOUT_MS).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT_MS + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
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
                    // best effort: the next test gets its own users anyway
                }
            }
            connections.clear();
        }
    }
}
