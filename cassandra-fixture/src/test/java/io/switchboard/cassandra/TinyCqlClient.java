package io.switchboard.cassandra;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough CQL (protocol v4) to write and read text rows in tests, so this module needs no
 * driver: a test-scoped driver would share netty/guava with the provided cassandra-all and could
 * change which jars the build-classpath resource lists. Supports STARTUP and unprepared QUERY at
 * consistency ONE; rows come back as strings and only text columns are meaningful.
 */
final class TinyCqlClient implements AutoCloseable {

    private static final int OP_ERROR = 0x00;
    private static final int OP_STARTUP = 0x01;
    private static final int OP_READY = 0x02;
    private static final int OP_QUERY = 0x07;
    private static final int OP_RESULT = 0x08;
    private static final int RESULT_ROWS = 0x0002;
    private static final short CONSISTENCY_ONE = 0x0001;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    TinyCqlClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeShort(1);
        writeString(b, "CQL_VERSION");
        writeString(b, "3.0.0");
        ByteBuffer response = request(OP_STARTUP, body.toByteArray(), OP_READY);
        if (response.remaining() != 0) {
            throw new IOException("Unexpected READY body");
        }
    }

    /** Runs one statement; returns the rows (empty for non-SELECT statements). */
    List<List<String>> query(String cql) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        byte[] text = cql.getBytes(StandardCharsets.UTF_8);
        b.writeInt(text.length);
        b.write(text);
        b.writeShort(CONSISTENCY_ONE);
        b.writeByte(0); // no flags: no values, no paging
        ByteBuffer result = request(OP_QUERY, body.toByteArray(), OP_RESULT);
        return result.getInt() == RESULT_ROWS ? rows(result) : List.of();
    }

    private ByteBuffer request(int opcode, byte[] body, int expectedOpcode) throws IOException {
        // One write per frame: separate small writes would meet Nagle + delayed ACK (~40 ms each).
        ByteBuffer frame = ByteBuffer.allocate(9 + body.length);
        frame.put((byte) 0x04).put((byte) 0).putShort((short) 0).put((byte) opcode).putInt(body.length).put(body);
        out.write(frame.array());
        out.flush();

        in.readUnsignedByte();
        in.readUnsignedByte();
        in.readUnsignedShort();
        int responseOpcode = in.readUnsignedByte();
        byte[] responseBody = new byte[in.readInt()];
        in.readFully(responseBody);
        ByteBuffer buffer = ByteBuffer.wrap(responseBody);
        if (responseOpcode == OP_ERROR) {
            int code = buffer.getInt();
            throw new IOException("CQL error 0x" + Integer.toHexString(code) + ": " + readString(buffer));
        }
        if (responseOpcode != expectedOpcode) {
            throw new IOException("Expected opcode " + expectedOpcode + ", got " + responseOpcode);
        }
        return buffer;
    }

    private static List<List<String>> rows(ByteBuffer b) {
        int flags = b.getInt();
        int columns = b.getInt();
        boolean globalTableSpec = (flags & 0x0001) != 0;
        if ((flags & 0x0002) != 0) {
            readBytes(b); // paging state
        }
        if ((flags & 0x0004) == 0) {
            if (globalTableSpec) {
                readString(b);
                readString(b);
            }
            for (int i = 0; i < columns; i++) {
                if (!globalTableSpec) {
                    readString(b);
                    readString(b);
                }
                readString(b); // column name
                skipType(b);
            }
        }
        int count = b.getInt();
        List<List<String>> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            List<String> row = new ArrayList<>(columns);
            for (int c = 0; c < columns; c++) {
                byte[] value = readBytes(b);
                row.add(value == null ? null : new String(value, StandardCharsets.UTF_8));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Skips an [option] type; simple types only, plus list/set/map of simple types. */
    private static void skipType(ByteBuffer b) {
        int id = b.getShort() & 0xffff;
        switch (id) {
            case 0x0000 -> readString(b);
            case 0x0020, 0x0022 -> skipType(b);
            case 0x0021 -> {
                skipType(b);
                skipType(b);
            }
            default -> {
                if (id > 0x0020) {
                    throw new IllegalStateException("Unsupported column type 0x" + Integer.toHexString(id));
                }
            }
        }
    }

    private static byte[] readBytes(ByteBuffer b) {
        int length = b.getInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        b.get(value);
        return value;
    }

    private static String readString(ByteBuffer b) {
        byte[] value = new byte[b.getShort() & 0xffff];
        b.get(value);
        return new String(value, StandardCharsets.UTF_8);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
