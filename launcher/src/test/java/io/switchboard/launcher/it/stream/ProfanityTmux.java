package io.switchboard.launcher.it.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Debian's terminal XMPP client profanity inside a detached tmux session so a test can type into it
 * ({@code tmux send-keys}) and read its screen ({@code tmux capture-pane}). Every instance has its own tmux server
 * (a unique {@code -L} socket name) and its own throw-away HOME / XDG directories, so nothing is shared with the user
 * running the build or with a parallel run; {@link #close} kills exactly that tmux server and the profanity process
 * it started (by pid) and deletes the directories.
 *
 * <p>Profanity runs with {@code -l DEBUG}, so its log ({@link #log}) holds the whole XML exchange as libstrophe saw
 * it; it is attached to every failure message.
 */
final class ProfanityTmux implements AutoCloseable {
    static final String PROFANITY = "/usr/bin/profanity";
    static final String TMUX = "/usr/bin/tmux";
    private static final String SESSION = "prof";
    private static final Duration POLL = Duration.ofMillis(100);

    private final String socketName;
    private final Path home;
    private Long panePid;
    private Path socketPath;
    private boolean diagnosed;

    private ProfanityTmux(String socketName, Path home) {
        this.socketName = socketName;
        this.home = home;
    }

    /** True when both binaries this helper drives are installed (the only reason a test may skip). */
    static boolean available() {
        return Files.isExecutable(Path.of(PROFANITY)) && Files.isExecutable(Path.of(TMUX));
    }

    /** Starts profanity in a fresh 160x40 tmux session and waits until its UI is up. */
    static ProfanityTmux start(Duration timeout) {
        Path home;
        try {
            home = Files.createTempDirectory("sb-profanity-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProfanityTmux p = new ProfanityTmux("sb-prof-" + UUID.randomUUID().toString().substring(0, 12), home);
        try {
            String command = "exec env HOME=" + quote(home) + " XDG_CONFIG_HOME=" + quote(home.resolve(".config"))
                    + " XDG_DATA_HOME=" + quote(home.resolve(".local/share")) + " LANG=C.UTF-8 LC_ALL=C.UTF-8"
                    + " TERM=tmux-256color " + PROFANITY + " -l DEBUG";
            p.tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "40", command);
            String pid = p.tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").trim();
            p.panePid = Long.parseLong(pid);
            p.socketPath = Path.of(p.tmux("display-message", "-p", "-t", SESSION, "#{socket_path}").trim());
            // The status bar and the help hint are drawn once ncurses is up and profanity reads input.
            p.awaitScreen(Pattern.compile("Type '?/help'?"), timeout, "profanity's start screen");
            return p;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    // ---- driving the UI -------------------------------------------------------------------------

    /** Types {@code text} literally (no tmux key-name interpretation) and presses Enter. */
    void typeLine(String text) {
        tmux("send-keys", "-t", SESSION, "-l", text);
        tmux("send-keys", "-t", SESSION, "Enter");
    }

    /** The visible screen as plain text, wrapped lines joined. */
    String screen() {
        return tmux("capture-pane", "-p", "-J", "-t", SESSION);
    }

    /**
     * Polls the screen until {@code pattern} is found on it and returns the match; fails (with the screen and the
     * profanity log) after {@code timeout}, or as soon as {@code failFast} (if given) shows up instead.
     */
    Matcher awaitScreen(Pattern pattern, Duration timeout, String what) {
        return awaitScreen(pattern, null, timeout, what);
    }

    Matcher awaitScreen(Pattern pattern, Pattern failFast, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (true) {
            last = screen();
            Matcher m = pattern.matcher(last);
            if (m.find()) {
                return m;
            }
            if (failFast != null && failFast.matcher(last).find()) {
                throw new AssertionError("profanity failed while waiting for " + what + " (/" + pattern + "/)"
                        + diagnostics(last));
            }
            if (!sessionAlive()) {
                throw new AssertionError("profanity exited while waiting for " + what + diagnostics(last));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no /" + pattern + "/ (" + what + ") on profanity's screen within "
                        + timeout + diagnostics(last));
            }
            sleep(POLL);
        }
    }

    /**
     * For failure messages, so only on the way out of a failed test: the screen, then profanity is asked to
     * {@code /quit} (it buffers its log and flushes it on exit) and the tail of its debug log, which holds the XML
     * exchange libstrophe saw. The session is gone afterwards.
     */
    String diagnostics(String screen) {
        if (!diagnosed && sessionAlive()) {
            diagnosed = true;
            try {
                typeLine("/quit");
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (sessionAlive() && System.nanoTime() < deadline) {
                    sleep(POLL);
                }
            } catch (RuntimeException e) {
                // the log may then be incomplete
            }
        }
        return "\n---- profanity screen ----\n" + screen.stripTrailing() + "\n---- profanity log (tail) ----\n"
                + logTail(150);
    }

    String diagnostics() {
        String s;
        try {
            s = sessionAlive() ? screen() : "(profanity has exited)";
        } catch (RuntimeException e) {
            s = "(no screen: " + e.getMessage() + ")";
        }
        return diagnostics(s);
    }

    /** profanity's debug log ({@code $XDG_DATA_HOME/profanity/logs/profanity.log}); empty if not written yet. */
    String log() {
        Path log = home.resolve(".local/share/profanity/logs/profanity.log");
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last {@code n} lines of the log that come from libstrophe or the connection (GLib noise left out). */
    String logTail(int n) {
        List<String> lines = log().lines()
                .filter(l -> l.contains(" xmpp: ") || l.contains(" conn: ") || l.contains(" tls: ")
                        || l.contains(" prof: "))
                .toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private boolean sessionAlive() {
        return run(List.of(TMUX, "-L", socketName, "has-session", "-t", SESSION)).exitCode == 0;
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(TMUX, "-L", socketName));
        command.addAll(List.of(args));
        Result r = run(command);
        if (r.exitCode != 0) {
            throw new IllegalStateException(command + " exited with " + r.exitCode + ": " + r.output);
        }
        return r.output;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within 10 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills this instance's tmux server and, if it outlived that, the profanity process; deletes the temp HOME. */
    @Override
    public void close() {
        try {
            run(List.of(TMUX, "-L", socketName, "kill-server"));
        } catch (RuntimeException e) {
            // already gone
        }
        if (socketPath != null) {
            // tmux leaves its socket file behind after kill-server.
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                // best effort
            }
        }
        if (panePid != null) {
            Optional<ProcessHandle> pane = ProcessHandle.of(panePid);
            pane.ifPresent(h -> {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
