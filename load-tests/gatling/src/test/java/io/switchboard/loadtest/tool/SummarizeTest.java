package io.switchboard.loadtest.tool;

import io.switchboard.loadtest.run.LatencyHistogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SummarizeTest {
    @TempDir
    Path run;

    private void generator(int k, long sent, long received, long dup, int latencyMillis) throws IOException {
        Path dir = Files.createDirectories(run.resolve("gen-" + k));
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < received; i++) {
            h.record(latencyMillis * 1000L);
        }
        Files.writeString(dir.resolve("result.properties"), String.join("\n",
                "run.id=r1", "run.scenario=chat", "run.transport=tcp", "users=100", "connected.peak=100",
                "logins=100", "chat.sent=" + sent, "chat.received=" + received, "chat.duplicates=" + dup,
                "time.start.first=" + (1000 + k), "time.end.last=" + (61000 + k), "hist.chat=" + h.encode()));
        Files.writeString(dir.resolve("gatling.log"), "> request count   |   1,000 |   1,000 |   - \n"
                + "Global: percentage of failed events is less than or equal to 0.0 : true (actual : 0.0)\n");
    }

    @Test
    void addsUpGeneratorsAndPasses() throws IOException {
        generator(0, 500, 500, 0, 2);
        generator(1, 500, 500, 0, 10);
        Summarize s = new Summarize();
        s.read(run);
        s.check(Map.of("exit-codes", "0,0"));
        String line = s.summaryLine(Map.of("duration", "10"));
        assertThat(line).contains("users=200", "sent=1000", "received=1000", "errors=0", "msgs_per_s=100",
                "verdict=PASS");
        assertThat(line).containsPattern("p50=2\\.\\dms").containsPattern("p99=10\\.\\dms");
    }

    @Test
    void failsOnLossDuplicatesAndFailedGenerators() throws IOException {
        generator(0, 500, 499, 1, 2);
        Summarize s = new Summarize();
        s.read(run);
        s.check(Map.of("exit-codes", "2"));
        assertThat(s.summaryLine(Map.of())).contains("verdict=FAIL", "dup=1");
    }

    @Test
    void failsWhenAGeneratorLeftNoResult() throws IOException {
        generator(0, 10, 10, 0, 1);
        Files.createDirectories(run.resolve("gen-1"));
        Summarize s = new Summarize();
        s.read(run);
        s.check(Map.of());
        assertThat(s.summaryLine(Map.of())).contains("verdict=FAIL");
    }
}
