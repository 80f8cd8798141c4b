package io.switchboard.launcher.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Switchboard node running as a process of its own ({@code io.switchboard.launcher.Main start}),
 * started by {@code switchboard cluster up} or by the multi-process tests, or found again from its
 * pid file. Knows its log, asks its management port for health and cluster size, and stops it by
 * its own pid: SIGTERM (clean: clients get {@code <system-shutdown/>}, the member leaves) or SIGKILL.
 */
public final class NodeProcess {
    /** Marks our node JVMs on their command line, so a stale pid file never makes us signal another process. */
    public static final String MARKER_PROPERTY = "switchboard.cluster.node";
    public static final String MAIN_CLASS = "io.switchboard.launcher.Main";

    /** What bin/switchboard passes to a server JVM (ForkJoinPool: see ENVIRONMENT notes; module access for Hazelcast). */
    public static final List<String> JVM_FLAGS = List.of(
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
            "-Djava.net.preferIPv4Stack=true",
            "-Dhazelcast.logging.type=slf4j",
            "-XX:+ExitOnOutOfMemoryError",
            "--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final NodeSpec spec;
    private final ProcessHandle process;
    private final Path log;

    private NodeProcess(NodeSpec spec, ProcessHandle process, Path log) {
        this.spec = spec;
        this.process = process;
        this.log = log;
    }

    /** How to launch node JVMs. */
    public record Launch(Path java, String classpath, String heap, List<String> extraJvmArgs,
                         List<String> mainPrefix, boolean detach, Map<String, String> baseEnvironment) {
        public Launch {
            extraJvmArgs = List.copyOf(extraJvmArgs);
            mainPrefix = List.copyOf(mainPrefix);
            baseEnvironment = Map.copyOf(baseEnvironment);
        }

        /** The JVM running this code, with its class path. */
        public static Launch current(String heap) {
            return new Launch(Path.of(System.getProperty("java.home"), "bin", "java"),
                    System.getProperty("java.class.path"), heap, List.of(), List.of(), false, Map.of());
        }

        public Launch withExtraJvmArgs(List<String> args) {
            return new Launch(java, classpath, heap, args, mainPrefix, detach, baseEnvironment);
        }

        /** Arguments put before {@code io.switchboard.launcher.Main}, e.g. a watchdog main class and its args. */
        public Launch withMainPrefix(List<String> prefix) {
            return new Launch(java, classpath, heap, extraJvmArgs, prefix, detach, baseEnvironment);
        }

        /** Start in a new session (setsid), not tied to the terminal of the command that launched it. */
        public Launch detached(boolean value) {
            return new Launch(java, classpath, heap, extraJvmArgs, mainPrefix, value, baseEnvironment);
        }

        /** Environment the node starts from instead of this process's (our SWITCHBOARD_* settings go on top). */
        public Launch withBaseEnvironment(Map<String, String> env) {
            return new Launch(java, classpath, heap, extraJvmArgs, mainPrefix, detach, env);
        }
    }

    /** The command line of a node (without environment). */
    static List<String> command(NodeSpec spec, Launch launch) {
        List<String> cmd = new ArrayList<>();
        if (launch.detach() && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            cmd.add("/usr/bin/setsid"); // execs in place: the pid stays the JVM's
        }
        cmd.add(launch.java().toString());
        cmd.add("-Xms" + launch.heap());
        cmd.add("-Xmx" + launch.heap());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-D" + MARKER_PROPERTY + "=" + spec.nodeId() + "@" + spec.dataDir());
        cmd.addAll(launch.extraJvmArgs());
        cmd.add("-cp");
        cmd.add(launch.classpath());
        cmd.addAll(launch.mainPrefix());
        cmd.add(MAIN_CLASS);
        cmd.add("start");
        return cmd;
    }

    /** Starts the node; its stdout and stderr are appended to {@code log}; the pid goes to {@code pidFile} if given. */
    public static NodeProcess start(NodeSpec spec, NodeSpec.Shared shared, Launch launch, Path log, Path pidFile) {
        try {
            Files.createDirectories(spec.dataDir());
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command(spec, launch))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            if (!launch.baseEnvironment().isEmpty()) {
                env.clear();
                env.putAll(launch.baseEnvironment());
            }
            env.putAll(spec.environment(shared));
            Process process = builder.start();
            if (pidFile != null) {
                Files.writeString(pidFile, process.pid() + "\n");
            }
            return new NodeProcess(spec, process.toHandle(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + spec.nodeId() + ": " + e.getMessage(), e);
        }
    }

    /** The live node of that pid file, if its process is still ours (the marker on its command line). */
    public static Optional<NodeProcess> find(NodeSpec spec, Path pidFile, Path log) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            String marker = "-D" + MARKER_PROPERTY + "=" + spec.nodeId() + "@" + spec.dataDir();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> commandLine(p).map(c -> c.contains(marker)).orElse(false))
                    .map(p -> new NodeProcess(spec, p, log));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public NodeSpec spec() {
        return spec;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** Whether {@code /health} answers 200 (every role of the node started). */
    public boolean healthy() {
        return get("/health").map(r -> r.statusCode() == 200).orElse(false);
    }

    /** The {@code xmpp_cluster_members} gauge, or empty while the management port does not answer. */
    public OptionalDouble clusterMembers() {
        return metric("xmpp_cluster_members");
    }

    /**
     * Sum of the samples of one metric on this node's {@code /metrics} whose labels contain every
     * one given (e.g. {@code kind="message"}); empty while the port does not answer or no sample matches.
     */
    public OptionalDouble metric(String name, String... labels) {
        Optional<HttpResponse<String>> response = get("/metrics").filter(r -> r.statusCode() == 200);
        if (response.isEmpty()) {
            return OptionalDouble.empty();
        }
        double sum = 0;
        boolean found = false;
        for (String line : response.get().body().split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{"))
                    && Arrays.stream(labels).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
    }

    private Optional<HttpResponse<String>> get(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spec.metricsPort() + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return Optional.of(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * SIGTERM, up to {@code grace} for the clean shutdown, then SIGKILL.
     *
     * @return true if it exited on SIGTERM
     */
    public boolean terminate(Duration grace) {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (awaitExit(grace)) {
            return true;
        }
        kill();
        return false;
    }

    /** SIGKILL, like a crash; returns once the process is gone (its ports released). */
    public void kill() {
        process.destroyForcibly();
        if (!awaitExit(Duration.ofSeconds(30))) {
            throw new IllegalStateException("node " + spec.nodeId() + " (pid " + pid() + ") survived SIGKILL for 30 s");
        }
    }

    public boolean awaitExit(Duration timeout) {
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

    /** The last lines of the node's log. */
    public String logTail(int maxLines) {
        return tail(log, maxLines);
    }

    static String tail(Path file, int maxLines) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(0, length - 64 * 1024);
            in.seek(start);
            byte[] bytes = new byte[(int) (length - start)];
            in.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int first = Math.max(0, lines.length - maxLines);
            return String.join("\n", Arrays.copyOfRange(lines, first, lines.length));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    static Optional<String> commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException e) {
            return process.info().commandLine();
        }
    }

    @Override
    public String toString() {
        return spec.nodeId() + " (" + spec.role() + ", pid " + pid() + ")";
    }
}
