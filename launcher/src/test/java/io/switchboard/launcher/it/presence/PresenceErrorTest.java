package io.switchboard.launcher.it.presence;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.storage.Subscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6121 §4.4.2 / §4.5.2: presence is broadcast to contacts "from whom the server has not
 * received a presence error during the user's session".
 */
class PresenceErrorTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @DisplayName("RFC 6121 §4.4.2: after a contact returns a presence error, the session stops broadcasting to it")
    void aContactThatReturnedAPresenceErrorGetsNoMoreBroadcastsThisSession() throws Exception {
        Kit.createAccounts(server, "pe-user", "pe-broken", "pe-fine");
        Kit.join(List.of(
                Kit.putItem(server, "pe-user", "pe-broken", Subscription.BOTH),
                Kit.putItem(server, "pe-broken", "pe-user", Subscription.BOTH),
                Kit.putItem(server, "pe-user", "pe-fine", Subscription.BOTH),
                Kit.putItem(server, "pe-fine", "pe-user", Subscription.BOTH)));
        SSLContext tls = Kit.sslContext(server.dataDir());
        try (RawClient broken = RawClient.login(server.c2sPort(), tls, "pe-broken", Kit.PASSWORD, "b");
             RawClient fine = RawClient.login(server.c2sPort(), tls, "pe-fine", Kit.PASSWORD, "f")) {
            broken.available();
            fine.available();
            try (RawClient user = RawClient.login(server.c2sPort(), tls, "pe-user", Kit.PASSWORD, "u")) {
                user.available();
                broken.awaitMatch(Pattern.compile("<presence[^>]*from='pe-user@localhost/u'"));
                fine.awaitMatch(Pattern.compile("<presence[^>]*from='pe-user@localhost/u'"));

                broken.send("<presence to='pe-user@localhost/u' type='error'><error type='cancel'>"
                        + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>");
                user.awaitMatch(Pattern.compile("<presence[^>]*type='error'"));

                user.send("<presence><status>after the error</status></presence>");
                fine.awaitContains("<status>after the error</status>");
                // 'broken' would have got it in the same batch as 'fine'; a round trip on its own
                // stream proves nothing more is on the way.
                broken.send("<iq type='get' id='pe-ping' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
                broken.awaitContains("id='pe-ping'");
                assertThat(broken.transcript()).doesNotContain("after the error");
            }
        }
    }
}
