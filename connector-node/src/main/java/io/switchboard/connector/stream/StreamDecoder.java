package io.switchboard.connector.stream;

import io.switchboard.protocol.xml.XmppStreamParser;

/**
 * Turns what a transport reads into stream events ({@link XmppStreamParser.Listener}). TCP feeds
 * one continuous XML document; RFC 7395 feeds one document per WebSocket message. Both end in the
 * same {@link XmppStreamParser}, so the XML limits and error rules are the same on every transport.
 */
public interface StreamDecoder {
    /** Input as read: a chunk of the byte stream (TCP) or one whole message (WebSocket). */
    void feed(byte[] data, int offset, int length);

    /** A stream restart (RFC 6120 §4.3.3, after STARTTLS or SASL): the next input opens a new stream. */
    void restart();

    /** RFC 6120 framing: the input is one XML document, chunked however the network chose. */
    static StreamDecoder continuous(XmppStreamParser parser) {
        return new StreamDecoder() {
            @Override
            public void feed(byte[] data, int offset, int length) {
                parser.feed(data, offset, length);
            }

            @Override
            public void restart() {
                parser.reset();
            }
        };
    }
}
