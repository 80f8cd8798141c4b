package io.switchboard.launcher;

import io.switchboard.launcher.config.SwitchboardConfig;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.storage.Storage;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard user add|passwd|delete|list}: account administration straight on the store
 * the configuration names (the embedded store allows it while a server runs; Cassandra always).
 */
final class UserCommand {
    private final SwitchboardConfig config;
    private final PrintStream out;
    private final PrintStream err;

    UserCommand(SwitchboardConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        if (args.isEmpty()) {
            throw new Main.UsageException("user needs a sub-command: add, passwd, delete or list");
        }
        String sub = args.get(0);
        try (Storage storage = StorageFactory.open(config)) {
            switch (sub) {
                case "add": {
                    Jid user = user(args);
                    List<ScramCredential> creds = credentials(readPassword("Password for " + user + ": "));
                    if (!await(storage.accounts().create(user.toString(), creds))) {
                        err.println("switchboard: account " + user + " already exists");
                        return 1;
                    }
                    out.println("created " + user);
                    return 0;
                }
                case "passwd": {
                    Jid user = user(args);
                    List<ScramCredential> creds = credentials(readPassword("New password for " + user + ": "));
                    if (!await(storage.accounts().updateCredentials(user.toString(), creds))) {
                        err.println("switchboard: no account " + user);
                        return 1;
                    }
                    out.println("password changed for " + user);
                    return 0;
                }
                case "delete": {
                    Jid user = user(args);
                    if (!await(storage.accounts().delete(user.toString()))) {
                        err.println("switchboard: no account " + user);
                        return 1;
                    }
                    out.println("deleted " + user);
                    return 0;
                }
                case "list": {
                    String after = null;
                    while (true) {
                        List<String> page = await(storage.accounts().list(after, 1000));
                        page.forEach(out::println);
                        if (page.size() < 1000) {
                            return 0;
                        }
                        after = page.get(page.size() - 1);
                    }
                }
                default:
                    throw new Main.UsageException("unknown user sub-command '" + sub + "'");
            }
        } catch (IllegalArgumentException e) {
            err.println("switchboard: " + e.getMessage());
            return 1;
        }
    }

    /** The account JID from "alice" or "alice@domain" (which must be this server's domain). */
    private Jid user(List<String> args) {
        if (args.size() != 2) {
            throw new Main.UsageException("user " + args.get(0) + " needs exactly one USER argument");
        }
        String domain = config.server().domain();
        String given = args.get(1);
        Jid jid = given.contains("@") ? Jid.of(given) : Jid.of(given, domain, null);
        if (!jid.domain().equals(domain) || jid.local() == null || jid.resource() != null) {
            throw new IllegalArgumentException("'" + given + "' is not an account of " + domain);
        }
        return jid;
    }

    private String readPassword(String prompt) {
        Console console = System.console();
        String password;
        if (console != null) {
            char[] first = console.readPassword(prompt);
            char[] again = console.readPassword("Repeat: ");
            if (first == null || again == null || !new String(first).equals(new String(again))) {
                throw new IllegalArgumentException("passwords do not match");
            }
            password = new String(first);
        } else {
            try {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password from stdin: " + e.getMessage());
            }
        }
        int min = config.registration().minPasswordLength();
        if (password == null || password.codePointCount(0, password.length()) < min) {
            throw new IllegalArgumentException("the password must have at least " + min + " characters");
        }
        return password;
    }

    private List<ScramCredential> credentials(String password) {
        List<ScramCredential> creds = new ArrayList<>();
        for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
            creds.add(ScramCredential.generate(algorithm, password, config.auth().scramIterations()));
        }
        return creds;
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalArgumentException("storage failed: " + e.getMessage(), e);
        }
    }
}
