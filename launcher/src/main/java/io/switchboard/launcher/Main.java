package io.switchboard.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.switchboard.launcher.config.ConfigException;
import io.switchboard.launcher.config.ConfigLoader;
import io.switchboard.launcher.config.SwitchboardConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * The {@code switchboard} command: {@code start} runs a server in the foreground, {@code user}
 * manages accounts, {@code storage} manages the storage schema.
 */
public final class Main {
    static final String DEV_PROFILE = "switchboard-dev.yaml";

    private Main() {
    }

    public static void main(String[] args) {
        // On 2 cores the common pool has parallelism 1 and Hazelcast callbacks crawl; must run
        // before anything touches the pool. The launch script passes it too.
        if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
            System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "4");
        }
        System.setProperty("hazelcast.logging.type", "slf4j");
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.isEmpty() || rest.get(0).equals("help") || rest.get(0).equals("--help") || rest.get(0).equals("-h")) {
            usage(out);
            return rest.isEmpty() ? 2 : 0;
        }
        String command = rest.remove(0);
        if (command.equals("cluster")) {
            // Needs no configuration of its own: it starts nodes, each with its own settings.
            return new io.switchboard.launcher.cluster.ClusterCommand(out, err).run(rest);
        }
        try {
            Optional<Path> configFile = takeOption(rest, "--config").map(Path::of);
            if (configFile.isEmpty() && System.getenv("SWITCHBOARD_CONFIG") != null) {
                configFile = Optional.of(Path.of(System.getenv("SWITCHBOARD_CONFIG")));
            }
            Optional<String> role = takeOption(rest, "--role");
            Map<String, String> env = new java.util.HashMap<>(System.getenv());
            role.ifPresent(r -> env.put("SWITCHBOARD_SERVER_ROLES", r));
            SwitchboardConfig config = loadConfig(configFile, env);
            switch (command) {
                case "start":
                    if (!rest.isEmpty()) {
                        throw new UsageException("unexpected arguments for start: " + rest);
                    }
                    return start(config);
                case "user":
                    return new UserCommand(config, out, err).run(rest);
                case "storage":
                    return new StorageCommand(config, out, err).run(rest);
                default:
                    throw new UsageException("unknown command '" + command + "'");
            }
        } catch (UsageException e) {
            err.println("switchboard: " + e.getMessage());
            usage(err);
            return 2;
        } catch (ConfigException e) {
            err.println("switchboard: invalid configuration:");
            err.println(e.getMessage());
            return 3;
        }
    }

    static SwitchboardConfig loadConfig(Optional<Path> file, Map<String, String> env) {
        SwitchboardConfig config = file.isPresent() ? ConfigLoader.load(file, env)
                : ConfigLoader.loadDefaultsFromResource(DEV_PROFILE, env);
        if (config.server().nodeId().isEmpty()) {
            config = config.withNodeId(generatedNodeId());
        }
        return config;
    }

    private static int start(SwitchboardConfig config) {
        setLogLevel(config.logging().level());
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("Starting Switchboard with:{}{}", System.lineSeparator(), config.toSummary());
        SwitchboardServer server;
        try {
            server = SwitchboardServer.start(config);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            log.error("Start-up failed: {}", cause.getMessage(), cause);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down (signal received)");
            server.stop();
            stopped.countDown();
        }, "switchboard-shutdown"));
        try {
            stopped.await(); // the foreground process lives until Ctrl-C or SIGTERM
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void setLogLevel(SwitchboardConfig.LogLevel level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger("io.switchboard").setLevel(Level.toLevel(level.name()));
        }
    }

    /** A readable id that is unique enough for a cluster: host name plus random suffix. */
    static String generatedNodeId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        host = host.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        if (host.length() > 24) {
            host = host.substring(0, 24);
        }
        char[] alphabet = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(host).append('-');
        for (int i = 0; i < 6; i++) {
            sb.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return sb.toString();
    }

    private static Optional<String> takeOption(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(name)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(name + " needs a value");
                }
                String value = args.get(i + 1);
                args.remove(i + 1);
                args.remove(i);
                return Optional.of(value);
            }
            if (a.startsWith(name + "=")) {
                args.remove(i);
                return Optional.of(a.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    static void usage(PrintStream out) {
        out.println("""
                usage: switchboard <command> [--config FILE]

                commands:
                  start [--role all|connector|router|presence]
                                         run a server in the foreground until Ctrl-C / SIGTERM
                                         (without --config: the dev profile, domain localhost)
                  user add USER          create an account (password read from the terminal or stdin)
                  user passwd USER       change an account's password
                  user delete USER       delete an account and all its data
                  user list              list accounts
                  storage migrate        create or upgrade the storage schema (for
                                         storage.cassandra.schema: none deployments)
                  storage status         show the schema version and whether it is current
                  cluster up|down|status a local multi-process cluster (Cassandra, 2 connectors on
                                         5222/6222, 2 routers, 1 presence service); see README

                Every configuration key can be overridden by an environment variable, e.g.
                server.domain -> SWITCHBOARD_SERVER_DOMAIN; SWITCHBOARD_CONFIG names the config file.""");
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

}
