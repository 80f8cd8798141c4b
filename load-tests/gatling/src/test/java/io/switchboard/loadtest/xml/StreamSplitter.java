package io.switchboard.loadtest.xml;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts an XMPP stream (RFC 6120 §4) read in arbitrary chunks into its parts: the stream header,
 * each first-level element (stanzas, features, SASL and TLS negotiation elements, stream errors)
 * as a complete string, and the closing tag. Works on raw bytes: every delimiter it looks for is
 * ASCII, which never occurs inside a multi-byte UTF-8 sequence, so only whole elements are decoded.
 *
 * <p>Whitespace between first-level elements (RFC 6120 §4.6.1 keepalives) is skipped. After
 * STARTTLS or SASL success both sides restart the stream: call {@link #reset()}.
 */
public final class StreamSplitter {

    /** Receives the parts of the stream, in order, on the thread that calls {@link #feed}. */
    public interface Listener {
        void streamOpened(XmlElement header);

        void element(String xml);

        void streamClosed();
    }

    private final Listener listener;
    private byte[] buf = new byte[1024];
    private int len;
    private int pos;
    private int depth;
    private int elementStart = -1;

    public StreamSplitter(Listener listener) {
        this.listener = listener;
    }

    /** Forget everything: the next bytes start a new stream (a header is expected). */
    public void reset() {
        depth = 0;
        elementStart = -1;
        // bytes not yet scanned stay: after a restart they belong to the new stream
    }

    public void feed(byte[] data, int offset, int length) {
        ensure(length);
        System.arraycopy(data, offset, buf, len, length);
        len += length;
        scan();
    }

    /** Room for {@code more} bytes after {@code len}; also where consumed bytes are dropped. */
    public byte[] writableBuffer(int more) {
        ensure(more);
        return buf;
    }

    public int writeIndex() {
        return len;
    }

    /** After writing {@code count} bytes into {@link #writableBuffer} at {@link #writeIndex}. */
    public void written(int count) {
        len += count;
        scan();
    }

    private void ensure(int more) {
        int keep = elementStart >= 0 ? elementStart : pos;
        if (keep > 0) {
            System.arraycopy(buf, keep, buf, 0, len - keep);
            len -= keep;
            pos -= keep;
            if (elementStart >= 0) {
                elementStart -= keep;
            }
        }
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void scan() {
        while (pos < len) {
            byte b = buf[pos];
            if (b != '<') {
                pos++;
                continue;
            }
            if (pos + 1 >= len) {
                return;
            }
            byte next = buf[pos + 1];
            if (next == '?') {
                int end = indexOf(pos + 2, "?>");
                if (end < 0) {
                    return;
                }
                pos = end + 2;
            } else if (next == '!') {
                if (pos + 3 >= len) {
                    return;
                }
                boolean comment = buf[pos + 2] == '-';
                int end = indexOf(pos + 2, comment ? "-->" : "]]>");
                if (end < 0) {
                    return;
                }
                pos = end + 3;
            } else if (next == '/') {
                int end = indexOf(pos + 2, ">");
                if (end < 0) {
                    return;
                }
                pos = end + 1;
                depth--;
                if (depth == 0) {
                    elementStart = -1;
                    listener.streamClosed();
                } else if (depth == 1) {
                    emit(pos);
                }
            } else {
                int end = startTagEnd(pos + 1);
                if (end < 0) {
                    return;
                }
                boolean selfClosing = buf[end - 1] == '/';
                int tagStart = pos;
                pos = end + 1;
                if (depth == 0) {
                    depth = 1;
                    String header = new String(buf, tagStart, pos - tagStart, StandardCharsets.UTF_8);
                    listener.streamOpened(XmlParser.parse(header));
                } else if (selfClosing) {
                    if (depth == 1) {
                        elementStart = tagStart;
                        emit(pos);
                    }
                } else {
                    if (depth == 1) {
                        elementStart = tagStart;
                    }
                    depth++;
                }
            }
        }
    }

    private void emit(int end) {
        String xml = new String(buf, elementStart, end - elementStart, StandardCharsets.UTF_8);
        elementStart = -1;
        listener.element(xml);
    }

    /** Index of the closing '>' of a start tag (attribute values may contain '>'), or -1 if not all here yet. */
    private int startTagEnd(int from) {
        byte quote = 0;
        for (int i = from; i < len; i++) {
            byte c = buf[i];
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(int from, String needle) {
        outer:
        for (int i = from; i <= len - needle.length(); i++) {
            for (int k = 0; k < needle.length(); k++) {
                if (buf[i + k] != needle.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
