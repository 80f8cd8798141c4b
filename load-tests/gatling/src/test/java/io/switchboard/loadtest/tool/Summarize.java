package io.switchboard.loadtest.tool;

import io.switchboard.loadtest.run.LatencyHistogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Adds up the generators of one run ({@code <run>/gen-*}: our {@code result.properties} and the
 * Gatling console log) into one summary line, prints the correctness verdict, and exits 1 when the
 * run failed: a generator that failed or left no result, errors above the threshold, any chat
 * message lost, duplicated or unaccounted for, history missing from the archive.
 *
 * <pre>
 *   Summarize --run DIR [--exit-codes 0,0,2] [--max-error-percent 0] [--append FILE]
 *             [--duration SECONDS] [--rss-baseline-kib N --rss-peak-kib N [--rss-connections N]]
 * </pre>
 */
public final class Summarize {
    private static final Pattern REQUEST_COUNT =
            Pattern.compile(">\\s*request count\\s*\\|\\s*([\\d,]+)\\s*\\|\\s*([\\d,-]+)\\s*\\|\\s*([\\d,-]+)");

    private final Map<String, String> text = new HashMap<>();
    private final Map<String, Long> numbers = new TreeMap<>();
    private final Map<String, LatencyHistogram> histograms = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private int generators;
    private long gatlingRequests;
    private long gatlingKo;

    public static void main(String[] args) throws IOException {
        Map<String, String> o = Options.parse(args);
        Path run = Path.of(o.getOrDefault("run", "."));
        Summarize s = new Summarize();
        s.read(run);
        s.check(o);
        String line = s.summaryLine(o);
        System.out.println(line);
        for (String p : s.problems) {
            System.out.println("  FAIL: " + p);
        }
        if (o.containsKey("append")) {
            Path f = Path.of(o.get("append"));
            Files.createDirectories(f.toAbsolutePath().getParent());
            Files.writeString(f, java.time.Instant.now().toString().substring(0, 19) + "Z " + line + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.exit(s.problems.isEmpty() ? 0 : 1);
    }

    // ---- reading ----------------------------------------------------------------------------------

    void read(Path run) throws IOException {
        String fileName = "result.properties";
        List<Path> dirs;
        try (Stream<Path> list = Files.list(run)) {
            dirs = list.filter(p -> p.getFileName().toString().startsWith("gen-") && Files.isDirectory(p)).sorted().toList();
        }
        for (Path dir : dirs) {
            generators++;
            Path file = dir.resolve(fileName);
            if (!Files.exists(file)) {
                problems.add(dir.getFileName() + " left no " + fileName + " (did it crash? see its gatling.log)");
                continue;
            }
            merge(parse(Files.readString(file, StandardCharsets.UTF_8)));
            readGatlingLog(dir);
        }
        if (generators == 0) {
            problems.add("no generator results in " + run);
        }
    }

    static Map<String, String> parse(String properties) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : properties.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /** Sums plain keys, keeps the min of {@code *.first} and the max of {@code *.last}, adds histograms. */
    void merge(Map<String, String> generator) {
        generator.forEach((k, v) -> {
            if (k.startsWith("hist.")) {
                histograms.computeIfAbsent(k.substring(5), x -> new LatencyHistogram()).addEncoded(v);
            } else if (k.startsWith("run.")) {
                text.putIfAbsent(k, v);
                if (k.equals("run.finished") && !v.equals("true")) {
                    text.put(k, v);
                }
            } else {
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    return;
                }
                if (k.endsWith(".first")) {
                    numbers.merge(k, n, Math::min);
                } else if (k.endsWith(".last")) {
                    numbers.merge(k, n, Math::max);
                } else {
                    numbers.merge(k, n, Long::sum);
                }
            }
        });
    }

    private void readGatlingLog(Path dir) throws IOException {
        Path log = dir.resolve("gatling.log");
        if (!Files.exists(log)) {
            return;
        }
        String content = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = REQUEST_COUNT.matcher(content);
        String[] last = null;
        while (m.find()) {
            last = new String[]{m.group(1), m.group(2), m.group(3)};
        }
        if (last == null) {
            problems.add(dir.getFileName() + ": no Gatling statistics in gatling.log (the run did not complete)");
            return;
        }
        gatlingRequests += count(last[0]);
        gatlingKo += count(last[2]);
        for (String line : content.split("\n")) {
            if (line.endsWith(": false") || line.contains(" : false (actual")) {
                problems.add(dir.getFileName() + ": Gatling assertion failed: " + line.trim());
            }
        }
    }

    private static long count(String s) {
        String digits = s.replace(",", "").trim();
        return digits.isEmpty() || digits.equals("-") ? 0 : Long.parseLong(digits);
    }

    long n(String key) {
        return numbers.getOrDefault(key, 0L);
    }

    LatencyHistogram hist(String name) {
        return histograms.getOrDefault(name, new LatencyHistogram());
    }

    // ---- verdict ----------------------------------------------------------------------------------

    void check(Map<String, String> o) {
        if (o.containsKey("exit-codes")) {
            String[] codes = o.get("exit-codes").split(",");
            for (int i = 0; i < codes.length; i++) {
                if (!codes[i].trim().equals("0")) {
                    problems.add("generator " + i + " exited with " + codes[i].trim()
                            + (codes[i].trim().equals("2") ? " (Gatling assertions failed)" : ""));
                }
            }
        }
        double maxErrorPercent = Double.parseDouble(o.getOrDefault("max-error-percent", "0"));
        long requests = Math.max(1, gatlingRequests);
        long errors = errors();
        if (errors * 100.0 / requests > maxErrorPercent) {
            problems.add(String.format(Locale.ROOT, "%d errors in %d requests (%.3f %% > %s %%)", errors, gatlingRequests,
                    errors * 100.0 / requests, o.getOrDefault("max-error-percent", "0")));
        }
        if (n("barrier.timeouts") > 0) {
            problems.add(n("barrier.timeouts") + " barrier timeout(s): some generator did not keep up");
        }
        String scenario = text.getOrDefault("run.scenario", "");
        if (scenario.equals("chat")) {
            long sent = n("chat.sent");
            long received = n("chat.received");
            if (sent == 0) {
                problems.add("no chat message was sent");
            }
            if (received != sent) {
                problems.add("sent " + sent + " chat messages, " + received + " received exactly once ("
                        + (sent - received) + " lost)");
            }
            if (n("chat.duplicates") > 0) {
                problems.add(n("chat.duplicates") + " duplicate deliveries");
            }
            if (n("chat.endMissing") > 0) {
                problems.add(n("chat.endMissing") + " receivers never got their partner's end marker");
            }
        }
        if (scenario.equals("mam") && n("mam.missing") > 0) {
            problems.add(n("mam.missing") + " archived messages missing from history fetches");
        }
        if (n("logins") == 0) {
            problems.add("nobody logged in");
        }
    }

    private long errors() {
        // Gatling's KO count covers every request (ours and the WebSocket DSL's); ours covers the rest.
        return Math.max(gatlingKo, n("errors")) + n("barrier.timeouts");
    }

    // ---- output -----------------------------------------------------------------------------------

    String summaryLine(Map<String, String> o) {
        String scenario = text.getOrDefault("run.scenario", "?");
        StringBuilder sb = new StringBuilder("SUMMARY");
        kv(sb, "run", text.getOrDefault("run.id", "?"));
        kv(sb, "scenario", scenario);
        kv(sb, "transport", text.getOrDefault("run.transport", "?"));
        kv(sb, "generators", Integer.toString(generators));
        kv(sb, "users", Long.toString(n("users")));
        kv(sb, "connected", Long.toString(n("connected.peak")));
        kv(sb, "logins", Long.toString(n("logins")));
        kv(sb, "errors", Long.toString(errors()));
        kv(sb, "sent", Long.toString(n("chat.sent")));
        kv(sb, "received", Long.toString(n("chat.received")));
        kv(sb, "dup", Long.toString(n("chat.duplicates")));
        String latency = switch (scenario) {
            case "chat" -> "chat";
            case "presence-storm" -> "presence";
            case "login-storm" -> "login.storm";
            case "mam" -> "mam.page";
            default -> "login";
        };
        LatencyHistogram h = hist(latency);
        kv(sb, "latency", latency);
        kv(sb, "p50", ms(h.percentile(0.50)));
        kv(sb, "p99", ms(h.percentile(0.99)));
        kv(sb, "max", ms(h.max()));
        if (!latency.equals("login")) {
            LatencyHistogram login = hist("login");
            kv(sb, "login_p50", ms(login.percentile(0.50)));
            kv(sb, "login_p99", ms(login.percentile(0.99)));
        }
        long seconds = Math.max(1, (n("time.end.last") - n("time.start.first")) / 1000);
        if (scenario.equals("chat")) {
            // Offered rate times users: the chat phase lasts xmpp.duration seconds in every generator.
            long chatSeconds = Long.parseLong(o.getOrDefault("duration", "0"));
            kv(sb, "msgs_per_s", Long.toString(n("chat.received") / (chatSeconds > 0 ? chatSeconds : seconds)));
        }
        if (scenario.equals("login-storm") && n("storm.logins") > 0) {
            long stormMillis = Math.max(1, n("storm.end.last") - n("storm.start.first"));
            kv(sb, "storm_logins", Long.toString(n("storm.logins")));
            kv(sb, "storm_s", String.format(Locale.ROOT, "%.1f", stormMillis / 1000.0));
            kv(sb, "logins_per_s", Long.toString(n("storm.logins") * 1000 / stormMillis));
        }
        if (scenario.equals("presence-storm")) {
            kv(sb, "presence_sent", Long.toString(n("presence.sent")));
            kv(sb, "presence_received", Long.toString(n("presence.received")));
        }
        if (scenario.equals("mam")) {
            kv(sb, "mam_pages", Long.toString(n("mam.pages")));
            kv(sb, "mam_messages", Long.toString(n("mam.messages")));
        }
        if (o.containsKey("rss-peak-kib")) {
            long base = Long.parseLong(o.getOrDefault("rss-baseline-kib", "0"));
            long peak = Long.parseLong(o.get("rss-peak-kib"));
            long conns = Math.max(1, Long.parseLong(o.getOrDefault("rss-connections", Long.toString(n("connected.peak")))));
            kv(sb, "server_rss_mib", Long.toString(peak / 1024));
            if (conns >= 500) { // below that, JVM heap growth and noise swamp the per-connection share
                kv(sb, "rss_per_conn_kib", String.format(Locale.ROOT, "%.1f", (peak - base) / (double) conns));
            }
        }
        kv(sb, "seconds", Long.toString(seconds));
        kv(sb, "verdict", problems.isEmpty() ? "PASS" : "FAIL");
        return sb.toString();
    }

    private static void kv(StringBuilder sb, String k, String v) {
        sb.append(' ').append(k).append('=').append(v);
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1fms", micros / 1000.0);
    }
}
