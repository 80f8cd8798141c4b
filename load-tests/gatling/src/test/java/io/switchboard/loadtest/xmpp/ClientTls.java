package io.switchboard.loadtest.xmpp;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/**
 * The TLS client context every simulated client shares. It trusts any certificate: load tests run
 * against development servers with self-signed certificates, on loopback, and certificate checks
 * are not what is being measured. OpenSSL (BoringSSL, via netty-tcnative, which Gatling ships) when
 * available: less memory and CPU per connection than the JDK's engine at tens of thousands of
 * connections.
 */
public final class ClientTls {
    private static volatile SslContext context;

    private ClientTls() {
    }

    public static SslContext context() {
        SslContext c = context;
        if (c == null) {
            synchronized (ClientTls.class) {
                if (context == null) {
                    context = build();
                }
                c = context;
            }
        }
        return c;
    }

    private static SslContext build() {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot create the TLS client context", e);
        }
    }

    public static String provider() {
        return OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }
}
