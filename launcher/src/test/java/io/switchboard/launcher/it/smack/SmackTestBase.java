package io.switchboard.launcher.it.smack;

import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real server per test class; every test gets a fresh {@link SmackClients} whose connections
 * are all disconnected after the test, and uses its own user names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SmackTestBase {
    protected TestServer server;
    protected SmackClients clients;

    @BeforeAll
    void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newClients() {
        clients = new SmackClients(server);
    }

    @AfterEach
    void closeClients() {
        clients.close();
    }

    /** Messages the router put into offline storage (XEP-0160), server-wide. */
    protected double offlineStored() {
        return server.counter("xmpp_router_stanzas_total", "kind=\"message\"", "outcome=\"offline\"");
    }

    /** Waits until the router has stored {@code expected} offline messages in total. */
    protected void awaitOfflineStored(double expected) throws InterruptedException {
        SmackClients.await("offline-stored message count to reach " + expected, () -> offlineStored() >= expected);
    }

    /** The user's entries in the cluster session directory (the server's view of who is online). */
    protected List<SessionEntry> sessionsOf(String user) {
        try {
            return server.server().cluster().directory().sessions(user + "@" + TestServer.DOMAIN)
                    .toCompletableFuture().get(SmackClients.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected void awaitNoSessions(String user) throws InterruptedException {
        SmackClients.await("no sessions for " + user, () -> sessionsOf(user).isEmpty());
    }
}
