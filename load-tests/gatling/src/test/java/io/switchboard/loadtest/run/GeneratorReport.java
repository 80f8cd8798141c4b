package io.switchboard.loadtest.run;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where one generator process leaves its numbers for the driver: {@code gen-<k>/progress.properties}
 * every two seconds while the simulation runs (the driver prints a combined progress line from
 * them), and {@code gen-<k>/result.properties} when it ends (the driver's summary and verdict).
 */
public final class GeneratorReport {
    private final RunSettings settings;
    private final String transport;
    private final Path dir;
    private final long startMillis = System.currentTimeMillis();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "xmpp-progress");
        t.setDaemon(true);
        return t;
    });

    public GeneratorReport(RunSettings settings, String transport) {
        this.settings = settings;
        this.dir = settings.runDir().resolve("gen-" + settings.generator());
        this.transport = transport;
    }

    public void start() {
        timer.scheduleAtFixedRate(() -> {
            try {
                RunStats.write(dir.resolve("progress.properties"), header(false));
            } catch (RuntimeException e) {
                // progress is best effort; the result file at the end is what counts
            }
        }, 0, 2, TimeUnit.SECONDS);
    }

    public void finish() {
        timer.shutdownNow();
        RunStats.write(dir.resolve("progress.properties"), header(true));
        RunStats.write(dir.resolve("result.properties"), header(true));
    }

    private Map<String, String> header(boolean finished) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("run.id", settings.runId());
        h.put("run.scenario", settings.scenario());
        h.put("run.transport", transport);
        h.put("run.generator", Integer.toString(settings.generator()));
        h.put("run.finished", Boolean.toString(finished));
        h.put("users", Integer.toString(settings.users()));
        h.put("time.start.first", Long.toString(startMillis));
        h.put("time.end.last", Long.toString(System.currentTimeMillis()));
        return h;
    }
}
