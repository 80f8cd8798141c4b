package io.switchboard.launcher.it.presence;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.storage.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6121 §4.5.2: contacts learn a user is offline when its connection is lost, including when
 * the connector node holding it dies: the surviving node removes that node's sessions from the
 * directory and broadcasts their unavailable presence.
 */
class ConnectorDeathTest {

    @Test
    @DisplayName("RFC 6121 §4.5.2: a killed connector's users go unavailable for their contacts, leave the directory,"
            + " and can log in again at once on a surviving connector")
    void contactsLearnThatUsersOfADeadConnectorAreOffline() throws Exception {
        try (PresenceFanOutClusterTest.Cluster cluster = PresenceFanOutClusterTest.Cluster.start(false)) {
            TestServer a = cluster.a();
            TestServer b = cluster.b();
            Kit.createAccounts(a, "cd-alice", "cd-bob");
            Kit.join(List.of(Kit.putItem(a, "cd-alice", "cd-bob", Subscription.BOTH),
                    Kit.putItem(a, "cd-bob", "cd-alice", Subscription.BOTH)));
            SSLContext tls = Kit.sslContext(a.dataDir());
            try (RawClient alice = RawClient.login(a.c2sPort(), tls, "cd-alice", Kit.PASSWORD, "home")) {
                alice.available();
                RawClient bob = RawClient.login(b.c2sPort(), tls, "cd-bob", Kit.PASSWORD, "phone");
                try {
                    bob.available();
                    alice.awaitMatch(Pattern.compile("<presence[^>]*from='cd-bob@localhost/phone'(?![^>]*type=)"));

                    // The connector node dies without a goodbye: its cluster member vanishes.
                    b.server().cluster().hazelcast().getLifecycleService().terminate();

                    alice.awaitMatch(Pattern.compile(
                            "<presence[^>]*from='cd-bob@localhost/phone'[^>]*type='unavailable'"
                                    + "|<presence[^>]*type='unavailable'[^>]*from='cd-bob@localhost/phone'"));
                    Kit.await("bob's session left the directory", () -> a.server().cluster().directory()
                            .sessions("cd-bob@localhost").toCompletableFuture().join().isEmpty());
                    assertThat(a.counter("xmpp_cluster_members")).isEqualTo(1.0);
                } finally {
                    bob.close();
                }
                // Bob logs in again at once, on the surviving connector, and alice sees him.
                try (RawClient again = RawClient.login(a.c2sPort(), tls, "cd-bob", Kit.PASSWORD, "phone")) {
                    again.available();
                    alice.awaitMatch(Pattern.compile("<presence[^>]*from='cd-bob@localhost/phone'(?![^>]*type=)"));
                }
            }
        }
    }
}
