package io.switchboard.connector.websocket;

import io.switchboard.connector.stream.StandaloneXml;
import io.switchboard.connector.stream.StreamDecoder;
import io.switchboard.connector.stream.StreamTransport;
import io.switchboard.protocol.error.StreamError;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * RFC 7395 framing over a WebSocket: one XML element per text message, {@code <open/>} and
 * {@code <close/>} instead of the stream tags, no STARTTLS (TLS is the {@code wss} layer, §3.9),
 * WebSocket pings instead of whitespace keepalives (§3.8).
 */
public final class WebSocketStreamTransport implements StreamTransport {
    /** How long the client gets to close the WebSocket itself after it closed the stream (RFC 7395 §3.6). */
    static final long CLIENT_CLOSE_GRACE_MILLIS = 5_000;
    private static final short NORMAL_CLOSURE = 1000; // RFC 6455 §7.4.1

    private final ServerWebSocket socket;
    private final Vertx vertx;
    private boolean closed;
    private boolean peerClosedStream;
    private short closeStatus = NORMAL_CLOSURE;

    public WebSocketStreamTransport(ServerWebSocket socket, Vertx vertx) {
        this.socket = socket;
        this.vertx = vertx;
    }

    @Override
    public StreamDecoder decoder(ParserLimits limits, XmppStreamParser.Listener listener) {
        return new FramedStreamDecoder(limits, listener, () -> peerClosedStream = true);
    }

    @Override
    public void sendStreamHeader(String from, String streamId, String lang) {
        write(FramedXml.open(from, streamId, lang));
    }

    @Override
    public void sendElement(XmlElement element) {
        write(StandaloneXml.element(element));
    }

    @Override
    public void sendStanza(byte[] xml) {
        write(StandaloneXml.stanza(xml));
    }

    @Override
    public void sendStreamErrorAndClose(StreamErrorCondition condition, String text) {
        sendStreamErrorAndClose(condition, text, null);
    }

    /** RFC 7395 §3.5: the error in a message of its own, then {@code <close/>}, then the WebSocket closes. */
    @Override
    public void sendStreamErrorAndClose(StreamErrorCondition condition, String text, XmlElement applicationSpecific) {
        if (closed) {
            return;
        }
        write(StandaloneXml.element(StreamError.element(condition, text, applicationSpecific)));
        sendStreamCloseAndClose();
    }

    /**
     * RFC 7395 §3.6: the party that closed the stream first also starts the WebSocket closing
     * handshake. When the client closed the stream, it is given a moment to do so before the
     * server closes the socket anyway.
     */
    @Override
    public void sendStreamCloseAndClose() {
        if (closed) {
            return;
        }
        write(FramedXml.CLOSE);
        closed = true;
        if (peerClosedStream) {
            vertx.setTimer(CLIENT_CLOSE_GRACE_MILLIS, id -> closeSocket());
        } else {
            closeSocket();
        }
    }

    /** RFC 7395 §3.8: whitespace keepalives must not be used; a WebSocket ping does the job. */
    @Override
    public void sendKeepAlive() {
        if (!closed && !socket.isClosed()) {
            socket.writePing(Buffer.buffer());
        }
    }

    @Override
    public boolean isSecure() {
        return socket.isSsl();
    }

    @Override
    public boolean supportsStartTls() {
        return false;
    }

    @Override
    public Future<Void> startTls(XmlElement proceed) {
        return Future.failedFuture(new IllegalStateException("RFC 7395 §3.9: TLS is negotiated by the wss layer"));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeSocket();
        }
    }

    @Override
    public void pauseReading() {
        socket.pause();
    }

    @Override
    public void resumeReading() {
        socket.resume();
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(socket.remoteAddress());
    }

    @Override
    public String transportName() {
        return "websocket";
    }

    /**
     * The WebSocket close status to end with instead of 1000, when the WebSocket layer itself
     * rejected the client's input (RFC 6455 §7.4.1, e.g. 1009 for a frame too big to take).
     */
    void closeWithStatus(short status) {
        this.closeStatus = status;
    }

    private void closeSocket() {
        if (!socket.isClosed()) {
            socket.close(closeStatus, null);
        }
    }

    private void write(String message) {
        if (!closed && !socket.isClosed()) {
            socket.writeFinalTextFrame(message);
        }
    }
}
