package io.switchboard.connector;

import io.switchboard.connector.bosh.BoshSessions;
import io.switchboard.connector.stream.TcpStreamTransport;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.connector.tls.TlsMaterial;
import io.switchboard.connector.websocket.WebListeners;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One event loop's share of the client listeners. Several instances are deployed; Vert.x spreads
 * accepted sockets over them, so each connection lives on one event loop for its whole life.
 */
final class ConnectorVerticle extends VerticleBase {
    private final ConnectorServices services;
    private final TlsMaterial tls;
    private final BoshSessions bosh;
    private final Set<XmppConnection> local = new HashSet<>();
    private final List<NetServer> servers = new ArrayList<>();
    private WebListeners web;

    ConnectorVerticle(ConnectorServices services, TlsMaterial tls, BoshSessions bosh) {
        this.services = services;
        this.tls = tls;
        this.bosh = bosh;
    }

    @Override
    public Future<?> start() {
        ConnectorSettings s = services.settings();
        List<Future<?>> listening = new ArrayList<>();
        if (s.c2s().enabled()) {
            listening.add(listen(s.c2s(), false));
        }
        if (s.directTls().enabled()) {
            listening.add(listen(s.directTls(), true));
        }
        if (s.web().enabled()) {
            // RFC 7395 and BOSH streams join this loop's connections: same sweep, same timeouts as TCP.
            web = new WebListeners(services, tls, context, bosh, local::add, local::remove);
            listening.add(web.listen().mapEmpty());
        }
        // Timeouts fire at most this late; a pass over one event loop's connections is cheap.
        long sweepMillis = Math.max(200, Math.min(1_000, s.keepAliveInterval().toMillis() / 2));
        vertx.setPeriodic(sweepMillis, id -> sweep());
        return Future.all(listening);
    }

    private Future<?> listen(ConnectorSettings.Listener listener, boolean directTls) {
        NetServerOptions options = new NetServerOptions()
                .setHost(listener.host())
                .setPort(listener.port())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setKeyCertOptions(tls.keyCertOptions())
                .setSsl(directTls)
                .setSslHandshakeTimeout(services.settings().handshakeTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
        options.getSslOptions().setEnabledSecureTransportProtocols(
                new java.util.LinkedHashSet<>(services.settings().tlsProtocols()));
        NetServer server = vertx.createNetServer(options);
        server.connectHandler(socket -> accept(socket, directTls));
        servers.add(server);
        return server.listen().andThen(bound -> {
            if (bound.succeeded() && !directTls) {
                SharedServerStartTlsFix.apply(server);
            }
        });
    }

    private void accept(NetSocket socket, boolean directTls) {
        TcpStreamTransport transport = new TcpStreamTransport(socket, !directTls);
        if (!services.limiter().tryAcquire()) {
            services.metrics().connectionRejected("max-connections");
            transport.sendStreamHeader(services.settings().domain(), "full", "en");
            transport.sendStreamErrorAndClose(StreamErrorCondition.RESOURCE_CONSTRAINT, "server is full");
            return;
        }
        XmppConnection connection = new XmppConnection(services, transport, context);
        local.add(connection);
        socket.handler(connection::onData);
        socket.closeHandler(v -> {
            local.remove(connection);
            connection.onTransportClosed();
        });
        socket.exceptionHandler(e -> socket.close());
    }

    private void sweep() {
        long now = System.nanoTime();
        for (XmppConnection connection : List.copyOf(local)) {
            connection.checkTimeouts(now);
        }
    }

    /** Stops accepting; existing connections are closed by the node. */
    Future<?> stopListening() {
        List<Future<?>> closing = new ArrayList<>();
        for (NetServer server : servers) {
            closing.add(server.close());
        }
        if (web != null) {
            closing.add(web.close());
        }
        return Future.all(closing);
    }

    @Override
    public Future<?> stop() {
        return stopListening();
    }
}
