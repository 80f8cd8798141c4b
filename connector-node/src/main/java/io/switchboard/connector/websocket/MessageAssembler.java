package io.switchboard.connector.websocket;

import io.switchboard.protocol.error.StreamErrorCondition;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

/**
 * Joins WebSocket frames into messages (RFC 6455 §5.4 fragmentation) under the stanza size limit,
 * so a message is refused with the same {@code policy-violation} as an oversized stanza on TCP
 * while it is still arriving, never buffered beyond the limit. Binary messages are refused: RFC
 * 7395 §3.2 requires text messages, and XMPP never had a meaning for the bytes.
 */
final class MessageAssembler {
    /** Where complete messages and violations go. */
    interface Sink {
        void message(Buffer message);

        void violation(StreamErrorCondition condition, String text);
    }

    private final int maxBytes;
    private final Sink sink;
    private Buffer partial;
    private boolean failed;

    MessageAssembler(int maxBytes, Sink sink) {
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    void frame(WebSocketFrame frame) {
        if (failed) {
            return;
        }
        if (frame.isBinary() || (frame.isContinuation() && partial == null)) {
            fail(StreamErrorCondition.BAD_FORMAT, "RFC 7395 §3.2: XMPP messages are text, not binary");
            return;
        }
        if (!frame.isText() && !frame.isContinuation()) {
            return; // ping, pong and close are control frames, handled by the WebSocket layer
        }
        Buffer data = frame.binaryData();
        if (frame.isText()) {
            partial = null; // a text frame always starts a message
        }
        int size = (partial == null ? 0 : partial.length()) + data.length();
        if (size > maxBytes) {
            partial = null;
            fail(StreamErrorCondition.POLICY_VIOLATION, "stanza exceeds " + maxBytes + " bytes");
            return;
        }
        if (frame.isFinal()) {
            Buffer message = partial == null ? data : partial.appendBuffer(data);
            partial = null;
            sink.message(message);
        } else {
            partial = partial == null ? Buffer.buffer(Math.min(maxBytes, 2 * data.length())).appendBuffer(data)
                    : partial.appendBuffer(data);
        }
    }

    private void fail(StreamErrorCondition condition, String text) {
        failed = true;
        sink.violation(condition, text);
    }
}
