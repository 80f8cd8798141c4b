package io.switchboard.connector;

import io.switchboard.protocol.xml.Namespaces;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One STARTTLS handshake against our own c2s listener at start-up. Vert.x builds the server's
 * TLS context lazily, asynchronously, on the first upgrade; several clients upgrading at that
 * moment (everyone reconnecting after a restart) could stall one of their handshakes. Doing the
 * first upgrade ourselves means clients never meet the cold path, and start-up proves that
 * STARTTLS works before the node reports ready.
 */
final class StartTlsWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(StartTlsWarmUp.class);

    private StartTlsWarmUp() {
    }

    static Future<Void> run(Vertx vertx, ConnectorSettings settings) {
        String host = "0.0.0.0".equals(settings.c2s().host()) ? "127.0.0.1"
                : "::".equals(settings.c2s().host()) ? "::1" : settings.c2s().host();
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
        Promise<Void> done = Promise.promise();
        long timer = vertx.setTimer(10_000, id -> done.tryFail("no STARTTLS handshake within 10 s"));
        client.connect(settings.c2s().port(), host).onComplete(connected -> {
            if (connected.failed()) {
                done.tryFail(connected.cause());
                return;
            }
            NetSocket socket = connected.result();
            StringBuilder seen = new StringBuilder();
            socket.handler(buffer -> {
                seen.append(buffer.toString());
                if (seen.indexOf("</stream:features>") >= 0 && seen.indexOf("<starttls") >= 0
                        && seen.indexOf("sent-starttls") < 0) {
                    seen.append("sent-starttls");
                    socket.write("<starttls xmlns='" + Namespaces.TLS + "'/>");
                } else if (seen.indexOf("<proceed") >= 0 && seen.indexOf("upgrading") < 0) {
                    seen.append("upgrading");
                    socket.upgradeToSsl(new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("")
                            .setSslHandshakeTimeout(10).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS))
                            .onComplete(upgraded -> {
                                socket.close();
                                if (upgraded.succeeded()) {
                                    done.tryComplete();
                                } else {
                                    done.tryFail(upgraded.cause());
                                }
                            });
                }
            });
            socket.write(Buffer.buffer("<stream:stream xmlns='" + Namespaces.CLIENT + "' xmlns:stream='"
                    + Namespaces.STREAM + "' to='" + settings.domain() + "' version='1.0'>"));
        });
        return done.future().andThen(r -> {
            vertx.cancelTimer(timer);
            client.close();
            if (r.failed()) {
                LOG.warn("STARTTLS self-check on {}:{} failed: {}", host, settings.c2s().port(), r.cause().toString());
            }
        }).recover(e -> Future.succeededFuture());
    }
}
