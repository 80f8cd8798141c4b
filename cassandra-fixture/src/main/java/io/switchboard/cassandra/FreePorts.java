package io.switchboard.cassandra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks TCP ports for Cassandra (and, in tests, other loopback servers) to listen on.
 *
 * <p>Not the kernel's "port 0" choice: that comes from the ephemeral range, which every outgoing
 * connection on this machine also draws from (load tests open tens of thousands). A port that a
 * client socket grabs between our pick and Cassandra's bind, or between a kill() and the restart on
 * the same ports, would fail the start. So ports are drawn at random below the ephemeral range, and
 * the randomness keeps fixtures of parallel builds apart.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final int DEFAULT_EPHEMERAL_LOW = 32_768;
    private static final int ATTEMPTS = 500;

    /** Ports handed out by this JVM, so two fixtures built before either starts never share one. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port free now, below the ephemeral range, never handed out before by this JVM. */
    public static synchronized int pick() {
        int highExclusive = ephemeralRangeLow();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = random.nextInt(LOWEST, highExclusive);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("No free TCP port found in " + LOWEST + ".." + (highExclusive - 1));
    }

    /**
     * True if nothing listens on the port on any address. Binding the wildcard address without
     * SO_REUSEADDR also refuses ports held by connections in TIME_WAIT, which is fine for a pick.
     */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True if a listener could bind the port on loopback the way Cassandra does (SO_REUSEADDR on, so
     * leftovers in TIME_WAIT from a killed instance do not count as "in use").
     */
    static boolean isBindableOnLoopback(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralRangeLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST + 1_000 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }
}
