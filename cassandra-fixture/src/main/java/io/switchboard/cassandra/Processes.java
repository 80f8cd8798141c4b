package io.switchboard.cassandra;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small process helpers that work for our own children and for processes found by pid. */
final class Processes {

    private Processes() {
    }

    /**
     * SIGTERM, wait up to {@code grace}, then SIGKILL. Cassandra drains on SIGTERM (flushes
     * memtables, closes the commit log) so the next start does not replay; that takes ~7.5 s.
     *
     * @return true if it exited on SIGTERM, false if it had to be killed
     */
    static boolean terminate(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        kill(process);
        return false;
    }

    /** SIGKILL and wait until the kernel has reaped it, so its ports are released on return. */
    static void kill(ProcessHandle process) {
        process.destroyForcibly();
        if (!awaitExit(process, Duration.ofSeconds(30))) {
            throw new IllegalStateException("Process " + process.pid() + " survived SIGKILL for 30 s");
        }
    }

    static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * The live process with that pid if it is a Cassandra of {@code dataDir}. Guards against pid
     * reuse: a stale pid file must never make us signal an unrelated process.
     */
    static Optional<ProcessHandle> cassandraOf(long pid, CassandraFiles files) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).map(cmd -> cmd.contains(CassandraJvm.DAEMON_CLASS)
                        && cmd.contains(files.yaml().toUri().toString())).orElse(false));
    }

    /** Reads /proc/pid/cmdline directly: ProcessHandle.Info truncates long command lines. */
    static Optional<String> commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException e) {
            return process.info().commandLine();
        }
    }

    /** Resident set size from /proc (Linux), in bytes. */
    static OptionalLong residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // gone, or not Linux
        }
        return OptionalLong.empty();
    }

    /** Up to {@code maxLines} last lines of {@code file} written after byte {@code fromOffset}. */
    static String tail(Path file, long fromOffset, int maxLines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(Math.min(fromOffset, length), length - 64 * 1024);
            in.seek(start);
            byte[] bytes = new byte[(int) (length - start)];
            in.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int first = Math.max(0, lines.length - maxLines);
            return String.join("\n", java.util.Arrays.copyOfRange(lines, first, lines.length));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
