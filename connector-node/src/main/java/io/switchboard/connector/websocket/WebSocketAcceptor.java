package io.switchboard.connector.websocket;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Decides each WebSocket upgrade ({@link UpgradePolicy}, the node's connection cap, a configured
 * redirect) and gives every accepted socket an {@link XmppConnection} over a
 * {@link WebSocketStreamTransport}: from there on it is a client stream like any TCP one.
 */
final class WebSocketAcceptor implements Handler<ServerWebSocketHandshake> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketAcceptor.class);

    private final ConnectorServices services;
    private final Context context;
    private final UpgradePolicy policy;
    private final Consumer<ServerWebSocketHandshake> upgrading;
    private final Consumer<XmppConnection> opened;
    private final Consumer<XmppConnection> closed;

    /**
     * @param upgrading told of every upgrade that goes ahead, so the HTTP connection stops being timed
     * @param opened    told of every new stream (the event loop's sweep enforces its timeouts)
     * @param closed    told when that stream's socket has closed
     */
    WebSocketAcceptor(ConnectorServices services, Context context, Consumer<ServerWebSocketHandshake> upgrading,
                      Consumer<XmppConnection> opened, Consumer<XmppConnection> closed) {
        this.services = services;
        this.context = context;
        this.policy = new UpgradePolicy(services.settings().web().allowedOrigins());
        this.upgrading = upgrading;
        this.opened = opened;
        this.closed = closed;
    }

    @Override
    public void handle(ServerWebSocketHandshake handshake) {
        UpgradePolicy.Verdict verdict = policy.check(handshake.path(),
                handshake.headers().getAll("Sec-WebSocket-Protocol"), handshake.headers().get("Origin"));
        if (verdict != UpgradePolicy.Verdict.ACCEPT) {
            services.metrics().webSocketHandshake(verdict.label);
            handshake.reject(verdict.status);
            return;
        }
        String redirect = services.settings().web().seeOtherUri();
        if (redirect != null) {
            services.metrics().webSocketHandshake("redirected");
            upgrading.accept(handshake);
            handshake.accept().onSuccess(socket -> redirect(socket, redirect));
            return;
        }
        if (!services.limiter().tryAcquire()) {
            // The node's cap counts streams on every transport; refusing before the upgrade is cheaper
            // than opening a stream only to close it with <resource-constraint/>.
            services.metrics().connectionRejected("max-connections");
            services.metrics().webSocketHandshake("server-full");
            handshake.reject(503);
            return;
        }
        services.metrics().webSocketHandshake("accepted");
        upgrading.accept(handshake);
        handshake.accept().onComplete(result -> {
            if (result.succeeded()) {
                open(result.result());
            } else {
                services.limiter().release();
                LOG.debug("WebSocket upgrade from {} failed: {}", handshake.remoteAddress(), result.cause().toString());
            }
        });
    }

    private void open(ServerWebSocket socket) {
        WebSocketStreamTransport transport = new WebSocketStreamTransport(socket, services.vertx());
        XmppConnection connection = new XmppConnection(services, transport, context);
        opened.accept(connection);
        MessageAssembler assembler = new MessageAssembler(services.settings().maxStanzaBytes(),
                new MessageAssembler.Sink() {
                    @Override
                    public void message(Buffer message) {
                        connection.onData(message);
                    }

                    @Override
                    public void violation(StreamErrorCondition condition, String text) {
                        connection.streamError(condition, text);
                    }
                });
        socket.frameHandler(assembler::frame);
        socket.pongHandler(pong -> connection.onTransportActivity());
        socket.closeHandler(v -> {
            closed.accept(connection);
            connection.onTransportClosed();
        });
        socket.exceptionHandler(e -> {
            LOG.debug("[{}] WebSocket failure: {}", connection.connectionId(), e.toString());
            if (e instanceof CorruptedWebSocketFrameException bad) {
                refusedFrame(connection, transport, bad.closeStatus());
            } else {
                transport.close();
            }
        });
    }

    /**
     * The WebSocket layer refused a frame (too big, bad masking, ...) and reads nothing more: the
     * client still hears why in XMPP terms, as on TCP, and the close status says it too.
     */
    private void refusedFrame(XmppConnection connection, WebSocketStreamTransport transport,
                              WebSocketCloseStatus status) {
        transport.closeWithStatus((short) status.code());
        if (status.code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            connection.streamError(StreamErrorCondition.POLICY_VIOLATION,
                    "stanza exceeds " + services.settings().maxStanzaBytes() + " bytes");
        } else {
            connection.streamError(StreamErrorCondition.BAD_FORMAT, "RFC 6455: " + status.reasonText());
        }
    }

    /**
     * RFC 7395 §3.6.1: the client's {@code <open/>} is answered with {@code <close see-other-uri/>}
     * (§3.4 allows {@code <close/>} as the answer) and the socket closes; no stream is created.
     */
    private void redirect(ServerWebSocket socket, String uri) {
        long handshakeMillis = services.settings().handshakeTimeout().toMillis();
        long timer = services.vertx().setTimer(handshakeMillis, id -> socket.close());
        socket.frameHandler(frame -> {
            if (!socket.isClosed() && (frame.isText() || frame.isBinary() || frame.isContinuation())) {
                services.vertx().cancelTimer(timer);
                socket.writeFinalTextFrame(FramedXml.closeSeeOtherUri(uri));
                socket.close();
            }
        });
    }
}
