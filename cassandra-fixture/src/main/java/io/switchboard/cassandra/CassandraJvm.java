package io.switchboard.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** Builds the command line of the Cassandra JVM: which java, which classpath, which flags. */
final class CassandraJvm {

    static final String DAEMON_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    static final String CLASSPATH_RESOURCE = "cassandra.classpath";
    static final String FALLBACK_JAVA = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";

    /**
     * From Cassandra 5.0's conf/jvm17-server.options: Cassandra reaches into JDK internals (JMX, RMI,
     * unsafe memory, attach for the jamm object-size agent) and fails to start without these.
     */
    private static final List<String> JDK17_MODULE_FLAGS = List.of(
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED");

    /**
     * Single-node dev speed-ups: no waiting for gossip to settle or for the ring delay (there are no
     * peers). Together they take a start from ~20 s to well under 10 s.
     */
    private static final List<String> DEV_SPEEDUPS = List.of(
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dcassandra.ring_delay_ms=100");

    /**
     * Skips the flush of the schema tables after every schema change. Cassandra loads the schema
     * before it replays the commit log, so after a SIGKILL every keyspace and table created since
     * the start is gone, and the replayed rows of those tables are dropped. Only for nodes that are
     * never killed (see {@link LocalCassandra.Builder#unsafeSystem(boolean)}).
     */
    private static final String UNSAFE_SYSTEM = "-Dcassandra.unsafesystem=true";

    private CassandraJvm() {
    }

    /**
     * @param watchParentPid when present, the JVM runs {@link ParentWatchdog} first, which halts
     *                       Cassandra if that process disappears (a test JVM that was SIGKILLed
     *                       cannot run its shutdown hook, and an orphan node would hold ~0.5 GiB)
     * @param detach         start it in a new session (setsid) so it is not tied to the terminal
     *                       or process group of the CLI that launched it
     */
    static List<String> command(LocalCassandra c, CassandraFiles files, OptionalLong watchParentPid, boolean detach) {
        List<String> cmd = new ArrayList<>();
        if (detach && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // setsid execs in place (no fork) because a child of the JVM is not a group leader,
            // so the pid we see stays the pid of the Cassandra JVM.
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(MemoryLock.prefixToPreventMlockall());
        cmd.add(findJava().toString());
        cmd.add("-Xms" + c.heap());
        cmd.add("-Xmx" + c.heap());
        cmd.add("-Xss256k");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-XX:+ParallelRefProcEnabled");
        cmd.add("-XX:MaxTenuringThreshold=1");
        cmd.add("-XX:MaxGCPauseMillis=300");
        // Die on OOM instead of limping on (Cassandra's own startup check recommends it): a test
        // then fails with a clear exit instead of timeouts.
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:ErrorFile=" + files.logsDir().resolve("hs_err_pid%p.log"));
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-Djdk.attach.allowAttachSelf=true");
        cmd.addAll(JDK17_MODULE_FLAGS);
        cmd.add("-Dio.netty.tryReflectionSetAccessible=true");
        cmd.add("-Dio.netty.allocator.useCacheForAllThreads=true");
        cmd.add("-Dio.netty.allocator.maxOrder=11");
        cmd.add("-Dcassandra.config=" + files.yaml().toUri());
        cmd.add("-Dcassandra.storagedir=" + files.dir());
        cmd.add("-Dcassandra.logdir=" + files.logsDir());
        cmd.add("-Dlogback.configurationFile=" + files.logbackXml().toUri());
        // Keep stdout/stderr open (they go to logs/stdout.log); otherwise Cassandra closes them.
        cmd.add("-Dcassandra-foreground=yes");
        // Local-only JMX on our port; the RMI port pinned to the same one, else RMI opens a random port.
        cmd.add("-Dcassandra.jmx.local.port=" + c.jmxPort());
        cmd.add("-Dcom.sun.management.jmxremote.rmi.port=" + c.jmxPort());
        cmd.add("-Djava.rmi.server.hostname=127.0.0.1");
        cmd.addAll(DEV_SPEEDUPS);
        if (c.unsafeSystem()) {
            cmd.add(UNSAFE_SYSTEM);
        }
        cmd.add("-cp");
        if (watchParentPid.isPresent()) {
            cmd.add(fixtureCodeLocation() + java.io.File.pathSeparator + classpath());
            cmd.add(ParentWatchdog.class.getName());
            cmd.add(Long.toString(watchParentPid.getAsLong()));
        } else {
            cmd.add(classpath());
        }
        cmd.add(DAEMON_CLASS);
        return cmd;
    }

    /** The Cassandra classpath: the override setting, else the resource written at build time. */
    static String classpath() {
        Optional<String> override = Settings.lookup(Settings.CLASSPATH);
        String classpath = override.orElseGet(CassandraJvm::classpathFromResource);
        List<String> missing = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isBlank() && !Files.exists(Path.of(entry)))
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missing.size() + " Cassandra classpath entries do not exist (from "
                    + (override.isPresent() ? Settings.CLASSPATH : "the " + CLASSPATH_RESOURCE + " resource built into the fixture jar")
                    + "), first: " + missing.get(0) + ". Run the Maven build of cassandra-fixture on this machine "
                    + "(it resolves cassandra-all into the local repository) or set " + Settings.CLASSPATH + ".");
        }
        return classpath;
    }

    private static String classpathFromResource() {
        try (InputStream in = CassandraJvm.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource io/switchboard/cassandra/" + CLASSPATH_RESOURCE
                        + " is missing from the fixture jar; build cassandra-fixture with Maven or set " + Settings.CLASSPATH);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the Cassandra classpath resource", e);
        }
    }

    /** The jar (or classes directory) holding this fixture, so the child JVM can run ParentWatchdog. */
    static Path fixtureCodeLocation() {
        try {
            return Path.of(LocalCassandra.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("Cannot locate the cassandra-fixture classes", e);
        }
    }

    /**
     * A JDK 17 java: Cassandra 5.0 does not start on newer JDKs (its security manager use), and the
     * build itself may run on another JDK. First match wins; the error lists everything tried.
     */
    static Path findJava() {
        List<String> tried = new ArrayList<>();
        Optional<String> configured = Settings.lookup(Settings.JAVA);
        if (configured.isPresent()) {
            Path path = Path.of(configured.get());
            Path java = Files.isDirectory(path) ? path.resolve("bin/java") : path;
            if (Files.isExecutable(java)) {
                return java;
            }
            throw new IllegalStateException(Settings.JAVA + "=" + configured.get() + " is not a java executable or JDK home");
        }
        tried.add(Settings.JAVA + " (not set)");

        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            Path java = Path.of(javaHome, "bin", "java");
            Optional<Integer> version = jdkFeatureVersion(Path.of(javaHome));
            if (version.orElse(0) == 17 && Files.isExecutable(java)) {
                return java;
            }
            tried.add("JAVA_HOME=" + javaHome + " (version " + version.map(String::valueOf).orElse("unknown") + ")");
        } else {
            tried.add("JAVA_HOME (not set)");
        }

        if (Runtime.version().feature() == 17) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            if (Files.isExecutable(java)) {
                return java;
            }
        }
        tried.add("the running JVM " + System.getProperty("java.home") + " (version " + Runtime.version().feature() + ")");

        Path fallback = Path.of(FALLBACK_JAVA);
        if (Files.isExecutable(fallback)) {
            return fallback;
        }
        tried.add(FALLBACK_JAVA + " (missing)");
        throw new IllegalStateException("No JDK 17 found to run Cassandra 5.0 (it does not start on newer JDKs). Tried: "
                + String.join("; ", tried) + ". Set " + Settings.JAVA + " to a JDK 17 java or home.");
    }

    /** Reads JAVA_VERSION from the JDK's release file, e.g. {@code JAVA_VERSION="17.0.15"} gives 17. */
    private static Optional<Integer> jdkFeatureVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                    String feature = v.startsWith("1.") ? v.substring(2) : v;
                    return Optional.of(Integer.parseInt(feature.split("[.+\\-_]")[0]));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no or odd release file: reported as "unknown"
        }
        return Optional.empty();
    }
}
