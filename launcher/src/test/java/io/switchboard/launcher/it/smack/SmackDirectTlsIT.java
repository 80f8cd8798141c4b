package io.switchboard.launcher.it.smack;

import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Resourcepart;

import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.switchboard.launcher.it.smack.SmackClients.bodies;
import static io.switchboard.launcher.it.smack.SmackClients.chat;
import static io.switchboard.launcher.it.smack.SmackClients.next;
import static org.assertj.core.api.Assertions.assertThat;

class SmackDirectTlsIT extends SmackTestBase {

    /**
     * Hands Smack unconnected TLS sockets that send SNI "localhost" and verify the certificate's
     * name (the XEP-0368 client side Smack 4.4 lacks), and remembers them for inspection.
     */
    private static final class DirectTlsSocketFactory extends SocketFactory {
        private final SSLSocketFactory tls;
        final List<SSLSocket> created = new CopyOnWriteArrayList<>();

        DirectTlsSocketFactory(SSLSocketFactory tls) {
            this.tls = tls;
        }

        @Override
        public Socket createSocket() throws IOException {
            SSLSocket socket = (SSLSocket) tls.createSocket();
            SSLParameters params = socket.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(SmackClients.DOMAIN)));
            params.setEndpointIdentificationAlgorithm("HTTPS"); // checks SNI name against the certificate
            socket.setSSLParameters(params);
            created.add(socket);
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return createSocket(InetAddress.getByName(host), port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return createSocket(InetAddress.getByName(host), port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = createSocket();
            s.connect(new InetSocketAddress(host, port));
            return s;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket s = createSocket();
            s.bind(new InetSocketAddress(localAddress, localPort));
            s.connect(new InetSocketAddress(address, port));
            return s;
        }
    }

    @Test
    @DisplayName("8. XEP-0368 direct TLS: TLS from the first byte on the direct-TLS port, then SASL SCRAM-SHA-256 "
            + "(RFC 6120 §6) and stanzas as usual")
    void directTlsLoginWithScram() throws Exception {
        clients.register("dtls-alice", "alice-secret"); // via STARTTLS: the account is the same either way
        double acceptedTls = server.counter("xmpp_connections_accepted_total", "transport=\"tls\"");
        double scramSuccesses = server.counter("xmpp_auth_total", "mechanism=\"SCRAM-SHA-256\"", "result=\"success\"");

        DirectTlsSocketFactory sockets = new DirectTlsSocketFactory(clients.sslContext().getSocketFactory());
        XMPPTCPConnection alice = clients.login(clients.directTlsConfig(sockets), "dtls-alice", "alice-secret",
                "tls");

        assertThat(alice.isAuthenticated()).isTrue();
        assertThat(alice.getUsedSaslMechansism()).isEqualTo(ScramSha256Mechanism.NAME);
        assertThat(server.counter("xmpp_connections_accepted_total", "transport=\"tls\""))
                .as("the server accepted one direct-TLS connection").isEqualTo(acceptedTls + 1);
        assertThat(server.counter("xmpp_auth_total", "mechanism=\"SCRAM-SHA-256\"", "result=\"success\""))
                .isEqualTo(scramSuccesses + 1);
        assertThat(sockets.created).hasSize(1);
        SSLSocket socket = sockets.created.get(0);
        assertThat(socket.getSession().getProtocol()).startsWith("TLSv1.");
        assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(clients.serverCertificate());

        // and the session is a normal one: a message to ourselves comes back
        StanzaCollector atAlice = bodies(alice);
        try {
            alice.sendStanza(chat(alice, alice.getUser(), "loopback over direct TLS"));
            Message m = next(atAlice);
            assertThat(m).isNotNull();
            assertThat(m.getBody()).isEqualTo("loopback over direct TLS");
        } finally {
            atAlice.cancel();
        }
    }
}
