package io.switchboard.connector.stream;

import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import io.vertx.core.Future;

/**
 * What the stream logic needs from the wire. The TCP transport writes RFC 6120 stream framing;
 * a WebSocket transport (RFC 7395) frames the same events differently, so the negotiation code
 * is shared, not forked.
 */
public interface StreamTransport {
    /**
     * How this transport's input becomes stream events: by default one continuous XML stream
     * (RFC 6120 §4); a framing such as RFC 7395 parses each message on its own.
     */
    default StreamDecoder decoder(ParserLimits limits, XmppStreamParser.Listener listener) {
        return StreamDecoder.continuous(new XmppStreamParser(limits, listener));
    }

    /** Writes the response stream header (RFC 6120 §4.7). */
    void sendStreamHeader(String from, String streamId, String lang);

    /** Writes a nonza or server-generated stanza. */
    void sendElement(XmlElement element);

    /** Writes a stanza already serialized for a jabber:client stream. */
    void sendStanza(byte[] xml);

    /** Writes the stream error and the closing tag, then closes the connection. */
    void sendStreamErrorAndClose(StreamErrorCondition condition, String text);

    /** As {@link #sendStreamErrorAndClose(StreamErrorCondition, String)} with an application-specific condition. */
    default void sendStreamErrorAndClose(StreamErrorCondition condition, String text, XmlElement applicationSpecific) {
        sendStreamErrorAndClose(condition, text);
    }

    /** Writes the closing stream tag and closes the connection once it is flushed. */
    void sendStreamCloseAndClose();

    /** A keepalive on a quiet link: whitespace (RFC 6120 §4.6.1), or what the framing uses instead. */
    void sendKeepAlive();

    boolean isSecure();

    boolean supportsStartTls();

    /**
     * Writes {@code proceed} and upgrades the connection to TLS, with no window in which the
     * client's TLS handshake could be read as stream data (RFC 6120 §5.4.3.3).
     */
    Future<Void> startTls(XmlElement proceed);

    /** Closes without writing anything more. */
    void close();

    void pauseReading();

    void resumeReading();

    String remoteAddress();

    /** The transport label for metrics, e.g. "tcp", "tls", "websocket" or "bosh". */
    String transportName();
}
