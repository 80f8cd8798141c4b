package io.switchboard.loadtest.run;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything one generator process needs to know, from {@code -Dxmpp.*} system properties (the
 * driver {@code load-tests/run.sh} sets them; a single generator under {@code gatling:test} takes the
 * defaults). Each generator simulates users {@code [userOffset, userOffset + users)} of a run with
 * {@code totalUsers} users, so pairs and contact groups may span generators.
 */
public record RunSettings(
        String scenario,
        String domain,
        List<InetSocketAddress> targets,
        List<String> webSocketUrls,
        List<String> localAddresses,
        String prefix,
        String password,
        int userOffset,
        int users,
        int totalUsers,
        int rampSeconds,
        int holdSeconds,
        int durationSeconds,
        double ratePerUser,
        int contacts,
        int changes,
        int changeGapMillis,
        int history,
        int mamPageSize,
        int mamMaxPages,
        List<String> mechanisms,
        int timeoutSeconds,
        int keepaliveSeconds,
        int drainSeconds,
        int barrierTimeoutSeconds,
        double maxErrorPercent,
        boolean logDeliveries,
        Path runDir,
        String runId,
        int generator,
        int generators) {

    public static final List<String> SCENARIOS = List.of("hold", "chat", "presence-storm", "login-storm", "mam");

    public static RunSettings fromSystemProperties() {
        int users = intProp("users", 100);
        int offset = intProp("userOffset", 0);
        int ramp = intProp("ramp", 10);
        RunSettings s = new RunSettings(
                str("scenario", "chat").toLowerCase(Locale.ROOT),
                str("domain", "localhost"),
                parseTargets(str("targets", "127.0.0.1:5222")),
                list(str("wsUrls", "ws://127.0.0.1:5280/xmpp-websocket")),
                list(str("localAddresses", "")),
                str("prefix", "lt"),
                str("password", "loadtest-secret"),
                offset,
                users,
                intProp("totalUsers", offset + users),
                ramp,
                intProp("hold", 30),
                intProp("duration", 30),
                Double.parseDouble(str("rate", "1")),
                intProp("contacts", 10),
                intProp("changes", 3),
                intProp("changeGap", 1000),
                intProp("history", 0),
                intProp("mamPageSize", 50),
                intProp("mamMaxPages", 4),
                list(str("mechanisms", "SCRAM-SHA-256,SCRAM-SHA-1,PLAIN")),
                intProp("timeout", 60),
                intProp("keepalive", 60),
                intProp("drain", 30),
                // Users that arrive first wait for the whole ramp (of the slowest generator) at a barrier.
                intProp("barrierTimeout", 2 * ramp + 600),
                Double.parseDouble(str("maxErrorPercent", "0")),
                Boolean.parseBoolean(str("logDeliveries", "true")),
                Path.of(str("runDir", "target/xmpp-run")).toAbsolutePath(),
                str("runId", Long.toString(System.currentTimeMillis() / 1000, 36)),
                intProp("generator", 0),
                intProp("generators", 1));
        s.validate();
        return s;
    }

    private void validate() {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("xmpp.scenario must be one of " + SCENARIOS + ", got " + scenario);
        }
        if (users < 1 || userOffset < 0 || userOffset + users > totalUsers) {
            throw new IllegalArgumentException("bad user range: offset " + userOffset + ", users " + users
                    + ", totalUsers " + totalUsers);
        }
        if (users > 15_000) {
            // 20,000 open files per process on the machines this was written for; each client is a socket.
            throw new IllegalArgumentException("at most 15000 users per generator process (got " + users
                    + "): use more generators");
        }
        if (ratePerUser <= 0) {
            throw new IllegalArgumentException("xmpp.rate must be positive");
        }
    }

    // ---- users ----------------------------------------------------------------------------------

    public String username(int index) {
        return prefix + index;
    }

    public String bareJid(int index) {
        return username(index) + "@" + domain;
    }

    /** The user index of a local part of ours, or -1 for anyone else. */
    public int indexOf(String localPart) {
        if (localPart == null || !localPart.startsWith(prefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(localPart.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Chat partner: users 2k and 2k+1 talk to each other; -1 for an odd last user. */
    public int partner(int index) {
        int p = index ^ 1;
        return p < totalUsers ? p : -1;
    }

    /** Presence groups of contacts+1 users, all mutual contacts (as provisioned). */
    public int groupStart(int index) {
        return index / (contacts + 1) * (contacts + 1);
    }

    public int groupEnd(int index) {
        return Math.min(groupStart(index) + contacts + 1, totalUsers);
    }

    /** Connector by user index: with two connectors the two users of a chat pair land on different ones. */
    public InetSocketAddress target(int index) {
        return targets.get(index % targets.size());
    }

    public String webSocketUrl(int index) {
        return webSocketUrls.get(index % webSocketUrls.size());
    }

    /** Source address by user index, or null to let the OS choose. */
    public InetSocketAddress localAddress(int index) {
        if (localAddresses.isEmpty()) {
            return null;
        }
        return new InetSocketAddress(localAddresses.get((index / targets.size()) % localAddresses.size()), 0);
    }

    public String resource(int index, int attempt) {
        return "g" + generator + "-" + index + "-" + attempt;
    }

    // ---- parsing --------------------------------------------------------------------------------

    private static String str(String key, String def) {
        String v = System.getProperty("xmpp." + key);
        return v == null || v.isBlank() ? def : v.trim();
    }

    private static int intProp(String key, int def) {
        return Integer.parseInt(str(key, Integer.toString(def)));
    }

    private static List<String> list(String csv) {
        if (csv.isBlank()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    public static List<InetSocketAddress> parseTargets(String csv) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String t : list(csv)) {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("target must be host:port, got " + t);
            }
            out.add(new InetSocketAddress(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1))));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no targets");
        }
        return List.copyOf(out);
    }

    public long timeoutMillis() {
        return timeoutSeconds * 1000L;
    }
}
