package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPException.StreamErrorException;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.sasl.SASLError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.jid.parts.Resourcepart;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.switchboard.launcher.it.smack.SmackClients.TIMEOUT_MS;
import static io.switchboard.launcher.it.smack.SmackClients.bare;
import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SmackAccountIT extends SmackTestBase {

    private double scramFailures() {
        return server.counter("xmpp_auth_total", "mechanism=\"SCRAM-SHA-256\"", "result=\"failure\"");
    }

    /** Logs in on a fresh connection and expects SASL to fail with not-authorized (RFC 6120 §6.5.10). */
    private void assertLoginRejected(String user, String password) throws Exception {
        XMPPTCPConnection conn = clients.connect();
        try {
            SASLErrorException e = catchThrowableOfType(SASLErrorException.class,
                    () -> conn.login(user, password, Resourcepart.from("probe")));
            assertThat(e).as("login of %s with password '%s' is rejected", user, password).isNotNull();
            assertThat(e.getSASLFailure().getSASLError()).isEqualTo(SASLError.not_authorized);
            assertThat(conn.isAuthenticated()).isFalse();
        } finally {
            conn.disconnect();
        }
    }

    /** Completes with the exception a connection was closed with, or null for a clean close. */
    private static CompletableFuture<Exception> closure(XMPPTCPConnection conn) {
        CompletableFuture<Exception> closed = new CompletableFuture<>();
        conn.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosed() {
                closed.complete(null);
            }

            @Override
            public void connectionClosedOnError(Exception e) {
                closed.complete(e);
            }
        });
        return closed;
    }

    @Test
    @DisplayName("5. RFC 6120 §6.5.10 / RFC 5802 §5: a wrong password fails SASL with <not-authorized/> "
            + "and leaves no session behind (messages go to offline storage, RFC 6121 §8.5.2.2.1)")
    void wrongPasswordIsNotAuthorizedAndCreatesNoSession() throws Exception {
        clients.register("acct-eve", "right-secret");
        clients.register("acct-alice", "alice-secret");
        XMPPTCPConnection alice = clients.login("acct-alice", "alice-secret", "desk");

        double failures = scramFailures();
        XMPPTCPConnection eve = clients.connect();
        StanzaCollector atFailedEve = eve.createStanzaCollector(s -> s instanceof Message);
        try {
            SASLErrorException e = catchThrowableOfType(SASLErrorException.class,
                    () -> eve.login("acct-eve", "wrong-secret", Resourcepart.from("laptop")));
            assertThat(e).as("SASL fails").isNotNull();
            assertThat(e.getMechanism()).isEqualTo(ScramSha256Mechanism.NAME);
            assertThat(e.getSASLFailure().getSASLError()).isEqualTo(SASLError.not_authorized);
            assertThat(eve.isAuthenticated()).isFalse();
            assertThat(scramFailures()).as("server counted the SCRAM-SHA-256 failure").isEqualTo(failures + 1);
            assertThat(sessionsOf("acct-eve")).as("no session in the directory").isEmpty();

            double stored = offlineStored();
            alice.sendStanza(chat(alice, bare("acct-eve"), "for eve"));
            awaitOfflineStored(stored + 1);
        } finally {
            eve.disconnect();
        }
        assertThat((Stanza) atFailedEve.pollResult()).as("the unauthenticated connection received nothing").isNull();
        atFailedEve.cancel();

        XMPPTCPConnection realEve = clients.connect();
        StanzaCollector atEve = bodies(realEve);
        try {
            realEve.login("acct-eve", "right-secret", Resourcepart.from("laptop"));
            Message m = next(atEve);
            assertThat(m).as("the message waited in offline storage").isNotNull();
            assertThat(m.getBody()).isEqualTo("for eve");
        } finally {
            atEve.cancel();
        }
    }

    @Test
    @DisplayName("6. RFC 6120 §7.7.2.2: binding an already-bound full JID closes the old stream with <conflict/>; "
            + "the new session works")
    void sameResourceTwiceConflictsTheFirstSession() throws Exception {
        clients.register("acct-carol", "carol-secret");
        clients.register("acct-dan", "dan-secret");
        XMPPTCPConnection dan = clients.login("acct-dan", "dan-secret", "desk");

        XMPPTCPConnection first = clients.login("acct-carol", "carol-secret", "same");
        CompletableFuture<Exception> firstClosed = closure(first);
        XMPPTCPConnection second = clients.login("acct-carol", "carol-secret", "same");
        assertThat(second.getUser().toString()).isEqualTo("acct-carol@localhost/same");

        Exception reason = firstClosed.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(reason).as("the first connection is closed with a stream error")
                .isInstanceOf(StreamErrorException.class);
        assertThat(((StreamErrorException) reason).getStreamError().getCondition())
                .isEqualTo(StreamError.Condition.conflict);
        assertThat(first.isConnected()).isFalse();

        StanzaCollector atSecond = bodies(second);
        try {
            dan.sendStanza(chat(dan, second.getUser(), "to the full JID"));
            Message m1 = next(atSecond);
            assertThat(m1).as("the new session receives messages to the full JID").isNotNull();
            assertThat(m1.getBody()).isEqualTo("to the full JID");

            dan.sendStanza(chat(dan, bare("acct-carol"), "to the bare JID"));
            Message m2 = next(atSecond);
            assertThat(m2).as("the new session receives messages to the bare JID").isNotNull();
            assertThat(m2.getBody()).isEqualTo("to the bare JID");
        } finally {
            atSecond.cancel();
        }
        assertThat(sessionsOf("acct-carol")).as("exactly one session is left").hasSize(1);
    }

    @Test
    @DisplayName("7a. XEP-0077 §3.3: changing the password makes the old one fail and the new one work")
    void changePassword() throws Exception {
        clients.register("acct-frank", "old-secret");
        XMPPTCPConnection frank = clients.login("acct-frank", "old-secret", "desk");
        AccountManager accounts = AccountManager.getInstance(frank);
        accounts.sensitiveOperationOverInsecureConnection(false);
        accounts.changePassword("new-secret");
        frank.disconnect();

        assertLoginRejected("acct-frank", "old-secret");
        XMPPTCPConnection again = clients.login("acct-frank", "new-secret", "desk");
        assertThat(again.isAuthenticated()).isTrue();
    }

    @Test
    @DisplayName("7b. XEP-0077 §3.2: removing the account ends its sessions and later logins fail")
    void deleteAccount() throws Exception {
        clients.register("acct-gina", "gina-secret");
        XMPPTCPConnection gina = clients.login("acct-gina", "gina-secret", "desk");
        CompletableFuture<Exception> closed = closure(gina);
        AccountManager accounts = AccountManager.getInstance(gina);
        accounts.sensitiveOperationOverInsecureConnection(false);
        accounts.deleteAccount();

        closed.get(TIMEOUT_MS, TimeUnit.MILLISECONDS); // the server ends the removed account's stream
        awaitNoSessions("acct-gina");
        assertLoginRejected("acct-gina", "gina-secret");
    }

    @Test
    @DisplayName("7c. XEP-0077 §3.1: registering a username that is already taken fails with <conflict/>")
    void registeringATakenUsernameConflicts() throws Exception {
        clients.register("acct-hank", "hank-secret");
        XMPPTCPConnection conn = clients.connect();
        AccountManager accounts = AccountManager.getInstance(conn);
        accounts.sensitiveOperationOverInsecureConnection(false);
        XMPPErrorException e = catchThrowableOfType(XMPPErrorException.class,
                () -> accounts.createAccount(Localpart.from("acct-hank"), "other-secret"));
        assertThat(e).as("the second registration is refused").isNotNull();
        assertThat(e.getStanzaError().getCondition()).isEqualTo(StanzaError.Condition.conflict);
        conn.disconnect();

        assertLoginRejected("acct-hank", "other-secret");
        assertThat(clients.login("acct-hank", "hank-secret", "desk").isAuthenticated())
                .as("the original password still works").isTrue();
    }
}
