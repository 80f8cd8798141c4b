package io.switchboard.launcher.it;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * tls.certificate / tls.private-key: a configured PEM pair is served on both the direct-TLS port
 * (XEP-0368) and after STARTTLS (RFC 6120 §5), instead of the generated self-signed one.
 */
class ConfiguredCertificateTest {
    @TempDir
    Path dir;

    @Test
    void theConfiguredPemCertificateIsServedOnBothTlsPaths() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=localhost, O=Configured Test Certificate");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(4242),
                new Date(System.currentTimeMillis() - 60_000), new Date(System.currentTimeMillis() + 86_400_000L),
                subject, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        X509CertificateHolder cert = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate()));
        Path certFile = dir.resolve("server.crt");
        Path keyFile = dir.resolve("server.key");
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));

        try (TestServer server = TestServer.start(Map.of(
                "SWITCHBOARD_TLS_CERTIFICATE", certFile.toString(),
                "SWITCHBOARD_TLS_PRIVATE_KEY", keyFile.toString()))) {
            X509Certificate direct = directTlsPeer(server.directTlsPort());
            assertThat(direct.getSerialNumber()).isEqualTo(BigInteger.valueOf(4242));
            assertThat(direct.getSubjectX500Principal().getName()).contains("O=Configured Test Certificate");

            X509Certificate upgraded = startTlsPeer(server.c2sPort());
            assertThat(upgraded.getSerialNumber()).isEqualTo(BigInteger.valueOf(4242));
            assertThat(Files.exists(server.dataDir().resolve("tls"))).as("no self-signed certificate generated")
                    .isFalse();
        }
    }

    private static X509Certificate directTlsPeer(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) capturingContext().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static X509Certificate startTlsPeer(int port) throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            OutputStream out = plain.getOutputStream();
            InputStream in = plain.getInputStream();
            out.write(("<stream:stream to='localhost' xmlns='jabber:client' "
                    + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>").getBytes(StandardCharsets.UTF_8));
            readUntil(in, "</stream:features>");
            out.write("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>".getBytes(StandardCharsets.UTF_8));
            readUntil(in, "<proceed");
            try (SSLSocket tls = (SSLSocket) capturingContext().getSocketFactory()
                    .createSocket(plain, "localhost", port, true)) {
                tls.startHandshake();
                return (X509Certificate) tls.getSession().getPeerCertificates()[0];
            }
        }
    }

    private static void readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("connection closed before " + marker + ": " + seen);
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    /** Accepts any server certificate: the test inspects it instead of trusting it. */
    private static SSLContext capturingContext() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
