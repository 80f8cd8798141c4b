package io.switchboard.connector.stream;

import io.switchboard.protocol.error.StreamError;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmlNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** RFC 6120 framing over a TCP socket (plain with STARTTLS, or direct TLS per XEP-0368). */
public final class TcpStreamTransport implements StreamTransport {
    private static final Buffer KEEPALIVE = Buffer.buffer(" ");
    private static final String STREAM_CLOSE = "</stream:stream>";

    private final NetSocket socket;
    private final boolean startTlsCapable;
    private boolean closed;

    public TcpStreamTransport(NetSocket socket, boolean startTlsCapable) {
        this.socket = socket;
        this.startTlsCapable = startTlsCapable;
    }

    @Override
    public void sendStreamHeader(String from, String streamId, String lang) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version='1.0'?><stream:stream xmlns='").append(Namespaces.CLIENT)
                .append("' xmlns:stream='").append(Namespaces.STREAM).append("' from='").append(from)
                .append("' id='").append(streamId).append("' version='1.0' xml:lang='")
                .append(lang == null ? "en" : escapeAttribute(lang)).append("'>");
        write(sb.toString());
    }

    @Override
    public void sendElement(XmlElement element) {
        if (Namespaces.STREAM.equals(element.namespace())) {
            // stream:features and friends carry the stream prefix, which the serializer does not know.
            StringBuilder sb = new StringBuilder(256).append("<stream:").append(element.name()).append('>');
            for (XmlNode child : element.children()) {
                if (child instanceof XmlElement e) {
                    sb.append(e.toXml(Namespaces.STREAM));
                }
            }
            write(sb.append("</stream:").append(element.name()).append('>').toString());
        } else {
            writeBytes(element.toBytes(Namespaces.CLIENT));
        }
    }

    @Override
    public void sendStanza(byte[] xml) {
        writeBytes(xml);
    }

    @Override
    public void sendStreamErrorAndClose(StreamErrorCondition condition, String text) {
        if (closed) {
            return;
        }
        write(StreamError.toXml(condition, text) + STREAM_CLOSE);
        endAndClose();
    }

    @Override
    public void sendStreamErrorAndClose(StreamErrorCondition condition, String text, XmlElement applicationSpecific) {
        if (closed) {
            return;
        }
        write(StreamError.toXml(StreamError.element(condition, text, applicationSpecific)) + STREAM_CLOSE);
        endAndClose();
    }

    @Override
    public void sendStreamCloseAndClose() {
        if (closed) {
            return;
        }
        write(STREAM_CLOSE);
        endAndClose();
    }

    @Override
    public void sendKeepAlive() {
        if (!closed) {
            socket.write(KEEPALIVE);
        }
    }

    @Override
    public boolean isSecure() {
        return socket.isSsl();
    }

    @Override
    public boolean supportsStartTls() {
        return startTlsCapable && !socket.isSsl();
    }

    @Override
    public Future<Void> startTls(XmlElement proceed) {
        // The upgrade writes <proceed/> itself and installs the TLS handler before the next read:
        // sending it first would race the client's ClientHello against an SSL context that is
        // still being built asynchronously on the first upgrade.
        return socket.upgradeToSsl(Buffer.buffer(proceed.toBytes(Namespaces.CLIENT)));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            socket.close();
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
        return startTlsCapable ? "tcp" : "tls";
    }

    private void endAndClose() {
        closed = true;
        socket.end();
    }

    private void write(String s) {
        if (!closed) {
            socket.write(s);
        }
    }

    private void writeBytes(byte[] bytes) {
        if (!closed) {
            socket.write(Buffer.buffer(bytes));
        }
    }

    private static String escapeAttribute(String value) {
        return value.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;");
    }
}
