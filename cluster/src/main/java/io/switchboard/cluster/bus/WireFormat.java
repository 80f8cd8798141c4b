package io.switchboard.cluster.bus;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny length-prefixed encoding shared by the event-bus codecs. Hand-written rather than JSON
 * because it runs for every stanza crossing a node boundary.
 */
final class WireFormat {
    private WireFormat() {
    }

    static void writeString(Buffer buffer, String value) {
        if (value == null) {
            buffer.appendInt(-1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    static void writeBytes(Buffer buffer, byte[] value) {
        buffer.appendInt(value.length).appendBytes(value);
    }

    static void writeStrings(Buffer buffer, List<String> values) {
        buffer.appendInt(values.size());
        for (String value : values) {
            writeString(buffer, value);
        }
    }

    /** A read cursor over a buffer, starting at the codec's position. */
    static final class Reader {
        private final Buffer buffer;
        private int pos;

        Reader(Buffer buffer, int pos) {
            this.buffer = buffer;
            this.pos = pos;
        }

        int readInt() {
            int value = buffer.getInt(pos);
            pos += 4;
            return value;
        }

        long readLong() {
            long value = buffer.getLong(pos);
            pos += 8;
            return value;
        }

        byte readByte() {
            return buffer.getByte(pos++);
        }

        String readString() {
            int length = readInt();
            if (length < 0) {
                return null;
            }
            String value = buffer.getString(pos, pos + length, "UTF-8");
            pos += length;
            return value;
        }

        byte[] readBytes() {
            int length = readInt();
            byte[] value = buffer.getBytes(pos, pos + length);
            pos += length;
            return value;
        }

        List<String> readStrings() {
            int size = readInt();
            List<String> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(readString());
            }
            return values;
        }
    }
}
