package io.switchboard.storage.cassandra;

import java.nio.ByteBuffer;

/** Blob conversions: Cassandra returns an empty blob as an empty buffer or, depending on path, null. */
final class Bytes {

    private Bytes() {
    }

    /** The remaining bytes of {@code buffer} as a new array; an empty array for null. */
    static byte[] of(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Wraps without copying: callers pass arrays they own (already defensive copies). */
    static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes);
    }
}
