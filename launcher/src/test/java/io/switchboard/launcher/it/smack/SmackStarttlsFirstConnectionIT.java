package io.switchboard.launcher.it.smack;

import io.switchboard.launcher.it.TestServer;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Deliberately not a {@link SmackTestBase}: it needs a server no other connection has touched yet. */
class SmackStarttlsFirstConnectionIT {

    @Test
    @DisplayName("RFC 6120 §5.4.3.3: after <proceed/> the server completes the TLS handshake - also for the very "
            + "first STARTTLS connection to a freshly started server (3 fresh servers)")
    void firstStarttlsConnectionToAFreshServerCompletesTls() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (TestServer server = TestServer.start(); SmackClients clients = new SmackClients(server)) {
                XMPPTCPConnection first = clients.connect(); // throws NoResponseException "establishing TLS" if stuck
                assertThat(first.isSecureConnection()).as("round %d: first connection is TLS-protected", round)
                        .isTrue();
            }
        }
    }
}
