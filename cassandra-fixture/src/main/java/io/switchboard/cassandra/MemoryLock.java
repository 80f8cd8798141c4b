package io.switchboard.cassandra;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps Cassandra from locking its whole address space into RAM.
 *
 * <p>CassandraDaemon always calls {@code mlockall(MCL_CURRENT)} at startup and there is no setting
 * to turn it off. As an unprivileged user that fails against RLIMIT_MEMLOCK (8 MiB here) and
 * Cassandra only logs a warning. As root, CAP_IPC_LOCK ignores the limit, the call succeeds and
 * faults in the entire committed heap, code cache and metaspace: ~1 GiB resident per test node.
 * Dropping CAP_IPC_LOCK from the child's capability bounding set (util-linux {@code setpriv})
 * makes root behave like a normal user here. setpriv execs in place, so the pid is unchanged.
 */
final class MemoryLock {

    private static final int CAP_IPC_LOCK = 14;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private MemoryLock() {
    }

    static List<String> prefixToPreventMlockall() {
        if (hasCapIpcLock() && Files.isExecutable(SETPRIV)) {
            return List.of(SETPRIV.toString(), "--bounding-set=-ipc_lock");
        }
        return List.of();
    }

    /** Reads the effective capability mask of this process from /proc (Linux only). */
    static boolean hasCapIpcLock() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(CAP_IPC_LOCK);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux or no /proc: nothing to drop
        }
        return false;
    }
}
