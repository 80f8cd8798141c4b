package io.switchboard.cassandra;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks a CQL native port whether it serves requests, with one OPTIONS frame and a plain socket.
 *
 * <p>An open port is not enough: Cassandra answers OPTIONS only once the native transport is
 * running, after the node has joined its ring. Speaking the protocol ourselves avoids a driver (and
 * its dependencies) in this module. Before STARTUP every protocol version, v5 included, uses the
 * plain v4 frame layout, so a v4 OPTIONS frame works against Cassandra 4 and 5.
 */
public final class CqlProbe {

    private static final int VERSION_V4_REQUEST = 0x04;
    private static final int RESPONSE_BIT = 0x80;
    private static final int OPCODE_ERROR = 0x00;
    private static final int OPCODE_OPTIONS = 0x05;
    private static final int OPCODE_SUPPORTED = 0x06;
    private static final int MAX_BODY = 1 << 20;

    private CqlProbe() {
    }

    /**
     * Sends OPTIONS and returns the SUPPORTED map (for example {@code CQL_VERSION -> [3.4.7]}).
     *
     * @throws IOException if nothing listens, the connection fails, or the answer is not SUPPORTED
     */
    public static Map<String, List<String>> supportedOptions(InetSocketAddress address, Duration timeout)
            throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(address, millis);
            socket.setSoTimeout(millis);
            OutputStream out = socket.getOutputStream();
            // version, flags, stream id (2 bytes), opcode, body length (4 bytes) = 0
            out.write(new byte[] {VERSION_V4_REQUEST, 0, 0, 1, OPCODE_OPTIONS, 0, 0, 0, 0});
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            int version = in.readUnsignedByte();
            in.readUnsignedByte(); // flags
            in.readUnsignedShort(); // stream id
            int opcode = in.readUnsignedByte();
            int length = in.readInt();
            if ((version & RESPONSE_BIT) == 0 || length < 0 || length > MAX_BODY) {
                throw new IOException("Not a CQL response from " + address + " (version byte 0x"
                        + Integer.toHexString(version) + ", length " + length + ")");
            }
            byte[] body = new byte[length];
            in.readFully(body);
            if (opcode == OPCODE_ERROR) {
                throw new IOException("CQL error from " + address + ": " + errorMessage(body));
            }
            if (opcode != OPCODE_SUPPORTED) {
                throw new IOException("Expected SUPPORTED from " + address + ", got opcode 0x" + Integer.toHexString(opcode));
            }
            return readStringMultimap(new Body(body));
        }
    }

    /** True if the native port answers OPTIONS with SUPPORTED within {@code timeout}. */
    public static boolean isReady(InetSocketAddress address, Duration timeout) {
        try {
            supportedOptions(address, timeout);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Polls until the native port answers or {@code timeout} passes.
     *
     * @throws IOException with the last probe failure as the cause if it never became ready
     */
    public static void awaitReady(InetSocketAddress address, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last;
        do {
            try {
                supportedOptions(address, Duration.ofSeconds(5));
                return;
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new IOException("CQL at " + address + " not ready after " + timeout.toSeconds() + " s", last);
    }

    private static String errorMessage(byte[] body) {
        try {
            Body b = new Body(body);
            int code = b.readInt();
            return "0x" + Integer.toHexString(code) + " " + b.readString();
        } catch (IOException e) {
            return "(unreadable error body)";
        }
    }

    private static Map<String, List<String>> readStringMultimap(Body body) throws IOException {
        int entries = body.readUnsignedShort();
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < entries; i++) {
            String key = body.readString();
            int values = body.readUnsignedShort();
            List<String> list = new ArrayList<>(values);
            for (int j = 0; j < values; j++) {
                list.add(body.readString());
            }
            map.put(key, List.copyOf(list));
        }
        return Map.copyOf(map);
    }

    /** Cursor over a frame body; [string] is a 2-byte length followed by UTF-8. */
    private static final class Body {
        private final byte[] bytes;
        private int pos;

        Body(byte[] bytes) {
            this.bytes = bytes;
        }

        int readUnsignedShort() throws IOException {
            need(2);
            int value = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
            pos += 2;
            return value;
        }

        int readInt() throws IOException {
            need(4);
            int value = ((bytes[pos] & 0xff) << 24) | ((bytes[pos + 1] & 0xff) << 16)
                    | ((bytes[pos + 2] & 0xff) << 8) | (bytes[pos + 3] & 0xff);
            pos += 4;
            return value;
        }

        String readString() throws IOException {
            int length = readUnsignedShort();
            need(length);
            String value = new String(bytes, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return value;
        }

        private void need(int count) throws IOException {
            if (pos + count > bytes.length) {
                throw new EOFException("CQL frame body truncated");
            }
        }
    }
}
