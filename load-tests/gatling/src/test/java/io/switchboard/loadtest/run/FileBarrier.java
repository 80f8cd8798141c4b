package io.switchboard.loadtest.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A barrier across every virtual user of every generator process of a run, through files in the
 * run directory: when all users of this process have arrived (or given up, see {@link #departed()}),
 * the process writes {@code barriers/<name>.<generator>}; once all generators have written theirs,
 * every waiting user goes on. This is how all clients are online before the first chat message,
 * and how a login storm starts at the same moment in every process.
 *
 * <p>Waiters are plain callbacks; they hop back onto their own event loop themselves. A barrier
 * that is not complete after the timeout releases anyway and counts {@code barrier.timeouts}
 * (an error), so a stuck generator cannot hang the others forever.
 */
public final class FileBarrier {
    private static final Map<String, FileBarrier> BARRIERS = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "xmpp-barrier");
        t.setDaemon(true);
        return t;
    });
    private static volatile int departed;
    private static volatile RunSettings settings;

    private final String name;
    private final List<Runnable> waiters = new ArrayList<>();
    private int arrived;
    private boolean announced;
    private boolean released;
    private long deadlineNanos;

    private FileBarrier(String name) {
        this.name = name;
    }

    public static void configure(RunSettings s) {
        settings = s;
    }

    public static FileBarrier named(String name) {
        return BARRIERS.computeIfAbsent(name, FileBarrier::new);
    }

    /** A virtual user gave up (failed to log in, lost its connection): no barrier waits for it any more. */
    public static void departed() {
        synchronized (FileBarrier.class) {
            departed++;
        }
        BARRIERS.values().forEach(FileBarrier::checkLocal);
    }

    /** Waits at this barrier; {@code onRelease} runs (on the poller thread) when everyone is here. */
    public void await(Runnable onRelease) {
        boolean runNow;
        synchronized (this) {
            runNow = released;
            if (!runNow) {
                waiters.add(onRelease);
                arrived++;
                if (deadlineNanos == 0) {
                    deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.barrierTimeoutSeconds());
                }
            }
        }
        if (runNow) {
            onRelease.run();
        } else {
            checkLocal();
        }
    }

    private void checkLocal() {
        synchronized (this) {
            if (announced || released || arrived == 0 || arrived + departed < settings.users()) {
                return;
            }
            announced = true;
        }
        try {
            Path dir = settings.runDir().resolve("barriers");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + "." + settings.generator()), Long.toString(System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        poll();
    }

    private void poll() {
        boolean all = countFiles() >= settings.generators();
        boolean timedOut = System.nanoTime() > deadlineNanos;
        if (!all && !timedOut) {
            POLLER.schedule(this::poll, 50, TimeUnit.MILLISECONDS);
            return;
        }
        if (!all) {
            RunStats.count("barrier.timeouts");
        }
        release();
    }

    /** Local timeout check for users still arriving (the announced case is handled by poll). */
    private static void watchTimeouts() {
        for (FileBarrier b : BARRIERS.values()) {
            boolean expired;
            synchronized (b) {
                expired = !b.released && !b.announced && b.deadlineNanos != 0 && System.nanoTime() > b.deadlineNanos;
            }
            if (expired) {
                RunStats.count("barrier.timeouts");
                b.release();
            }
        }
    }

    static {
        POLLER.scheduleAtFixedRate(FileBarrier::watchTimeouts, 1, 1, TimeUnit.SECONDS);
    }

    private void release() {
        List<Runnable> toRun;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            toRun = new ArrayList<>(waiters);
            waiters.clear();
        }
        RunStats.first("barrier." + name + ".first", System.currentTimeMillis());
        toRun.forEach(Runnable::run);
    }

    private long countFiles() {
        Path dir = settings.runDir().resolve("barriers");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(name + ".")).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
