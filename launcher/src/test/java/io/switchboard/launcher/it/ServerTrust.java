package io.switchboard.launcher.it;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * Trusts exactly the self-signed certificate a test server generated at first start (under its
 * data directory) — never trust-all — for every client the integration tests drive.
 */
public final class ServerTrust {
    private ServerTrust() {
    }

    public static Path certificatePath(Path dataDir) {
        return dataDir.resolve("tls").resolve(TestServer.DOMAIN + ".crt.pem");
    }

    /** The certificate chain in the generated PEM file. */
    public static List<Certificate> certificates(Path dataDir) {
        Path pem = certificatePath(dataDir);
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the test server's certificate " + pem, e);
        }
    }

    public static X509TrustManager trustManager(Path dataDir) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate c : certificates(dataDir)) {
                trusted.setCertificateEntry("switchboard-" + i++, c);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("no X509TrustManager");
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the test server's certificate", e);
        }
    }

    public static SSLContext sslContext(Path dataDir) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager(dataDir)}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up TLS trust for " + certificatePath(dataDir), e);
        }
    }
}
