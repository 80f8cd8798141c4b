package io.switchboard.connector.websocket;

import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.ConnectorSettings;
import io.switchboard.connector.bosh.BoshEndpoint;
import io.switchboard.connector.bosh.BoshSessions;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.connector.tls.TlsMaterial;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event loop's share of a connector's HTTP listeners (plain and TLS): WebSocket upgrades at
 * {@code /xmpp-websocket} become client streams, {@code /http-bind} serves BOSH,
 * {@code /.well-known/host-meta[.json]} answer discovery, {@code /chat/} is the browser chat page.
 * Like the XMPP ports, several instances listen on the same port and Vert.x spreads the
 * connections over them.
 */
public final class WebListeners {
    private final ConnectorServices services;
    private final TlsMaterial tls;
    private final WellKnownHandler wellKnown;
    private final WebSocketAcceptor acceptor;
    private final List<HttpServer> servers = new ArrayList<>();
    /** Idle HTTP connections (not upgraded, no BOSH request in progress), and the timer that closes each. */
    private final Map<String, Long> idle = new HashMap<>();
    /** BOSH requests in progress, by HTTP connection. */
    private final Map<String, Integer> busy = new HashMap<>();

    /** @param bosh this node's BOSH sessions, or null when BOSH is off */
    public WebListeners(ConnectorServices services, TlsMaterial tls, Context context, BoshSessions bosh,
                        Consumer<XmppConnection> opened, Consumer<XmppConnection> closed) {
        this.services = services;
        this.tls = tls;
        BoshEndpoint boshEndpoint = bosh == null ? null
                : new BoshEndpoint(services, bosh, context, opened, closed, this::requestStarted, this::requestEnded);
        this.wellKnown = new WellKnownHandler(HostMeta.of(services.settings().domain(), services.settings().web()),
                services.metrics(), services.settings().web().webClient()
                        ? new StaticWebHandler(services.settings().domain(), services.metrics()) : null, boshEndpoint);
        this.acceptor = new WebSocketAcceptor(services, context, this::upgrading, opened, closed);
    }

    /** Opens the enabled listeners. */
    public Future<?> listen() {
        ConnectorSettings.Web web = services.settings().web();
        List<Future<HttpServer>> listening = new ArrayList<>();
        if (web.http().enabled()) {
            listening.add(listen(web.http(), false));
        }
        if (web.https().enabled()) {
            listening.add(listen(web.https(), true));
        }
        return Future.all(listening);
    }

    public Future<?> close() {
        List<Future<Void>> closing = new ArrayList<>();
        for (HttpServer server : servers) {
            closing.add(server.close());
        }
        return Future.all(closing);
    }

    /** The BOSH endpoint of a listener, for the start-up log. */
    public static String boshEndpoint(ConnectorSettings.Listener listener, boolean secure) {
        return (secure ? "https://" : "http://") + listener.host() + ":" + listener.port()
                + ConnectorSettings.Web.BOSH_PATH;
    }

    /** The WebSocket endpoint of a listener, for the start-up log. */
    public static String endpoint(ConnectorSettings.Listener listener, boolean secure) {
        return (secure ? "wss://" : "ws://") + listener.host() + ":" + listener.port()
                + ConnectorSettings.Web.WEBSOCKET_PATH;
    }

    /** The URLs that XEP-0156 discovery advertises for this node, for the start-up log. */
    public static String advertisedUrls(ConnectorSettings settings) {
        return HostMeta.of(settings.domain(), settings.web()).links().stream().map(HostMeta.Link::href)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private Future<HttpServer> listen(ConnectorSettings.Listener listener, boolean secure) {
        ConnectorSettings s = services.settings();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(listener.host())
                .setPort(listener.port())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setWebSocketSubProtocols(List.of(UpgradePolicy.SUBPROTOCOL))
                // Frames up to twice the stanza limit reach MessageAssembler, which answers an oversized stanza
                // with policy-violation as on TCP; larger frames are cut off by the WebSocket layer (close code
                // 1009) before they are buffered.
                .setMaxWebSocketFrameSize(2 * s.maxStanzaBytes())
                .setMaxWebSocketMessageSize(2 * s.maxStanzaBytes())
                // No compression, as on TCP (no XEP-0138): it would let a small frame inflate past every limit
                // and mix secrets with attacker-chosen text (CRIME).
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setCompressionSupported(false)
                .setRegisterWebSocketWriteHandlers(false)
                // HTTP/1.1 only (RFC 7395 upgrades are HTTP/1.1). Without h2c detection a connection is handed to
                // us as soon as it is accepted, not after its first bytes, so a silent one is timed too.
                .setHttp2ClearTextEnabled(false)
                .setUseAlpn(false);
        if (secure) {
            options.setSsl(true)
                    .setKeyCertOptions(tls.keyCertOptions())
                    .setSslHandshakeTimeout(s.handshakeTimeout().toMillis())
                    .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            options.getSslOptions().setEnabledSecureTransportProtocols(new LinkedHashSet<>(s.tlsProtocols()));
        }
        HttpServer server = services.vertx().createHttpServer(options)
                .connectionHandler(this::timeUntilUpgrade)
                .webSocketHandshakeHandler(acceptor)
                .requestHandler(wellKnown);
        servers.add(server);
        return server.listen();
    }

    /**
     * A connection that stays idle for the handshake timeout (not upgraded, no request in progress)
     * is closed, as an XMPP connection that does not finish its handshake is: HTTP connections are
     * not counted against the connection cap until they upgrade or carry a BOSH session, so nothing
     * else would bound them. A BOSH keep-alive connection is timed again after each response, for
     * longer.
     */
    private void timeUntilUpgrade(HttpConnection connection) {
        String key = key(connection);
        startTiming(key, connection, services.settings().handshakeTimeout().toMillis());
        connection.closeHandler(v -> {
            stopTiming(key);
            busy.remove(key);
        });
    }

    private void startTiming(String key, HttpConnection connection, long millis) {
        stopTiming(key);
        long timer = services.vertx().setTimer(millis, id -> {
            if (idle.remove(key) != null) {
                services.metrics().httpConnectionTimedOut();
                connection.close();
            }
        });
        idle.put(key, timer);
    }

    private void upgrading(ServerWebSocketHandshake handshake) {
        stopTiming(key(String.valueOf(handshake.localAddress()), String.valueOf(handshake.remoteAddress())));
    }

    private void requestStarted(HttpConnection connection) {
        String key = key(connection);
        busy.merge(key, 1, Integer::sum);
        stopTiming(key);
    }

    private void requestEnded(HttpConnection connection) {
        String key = key(connection);
        if (busy.containsKey(key) && busy.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null) == null) {
            // Idle again (still open: closing removes it from busy). A BOSH client may leave one of its two
            // connections unused while the other is held for up to 'wait': that is not worth a new connection.
            startTiming(key, connection, services.settings().web().bosh().maxWait().toMillis()
                    + services.settings().handshakeTimeout().toMillis());
        }
    }

    private void stopTiming(String key) {
        Long timer = idle.remove(key);
        if (timer != null) {
            services.vertx().cancelTimer(timer);
        }
    }

    private static String key(HttpConnection connection) {
        return key(String.valueOf(connection.localAddress()), String.valueOf(connection.remoteAddress()));
    }

    private static String key(String local, String remote) {
        return local + "|" + remote;
    }
}
