package io.switchboard.loadtest.run;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {

    @Test
    void percentilesAreWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat((double) h.percentile(0.50)).isCloseTo(50_000, within(1_500.0));
        assertThat((double) h.percentile(0.99)).isCloseTo(99_000, within(3_000.0));
        assertThat(h.percentile(0.0)).isEqualTo(1);
        assertThat(h.max()).isBetween(100_000L, 103_200L);
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(0);
        h.record(7);
        h.record(31);
        assertThat(h.percentile(0.34)).isEqualTo(7);
        assertThat(h.max()).isEqualTo(31);
    }

    @Test
    void mergingEncodedHistogramsEqualsRecordingEverythingInOne() {
        Random r = new Random(7);
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram all = new LatencyHistogram();
        for (int i = 0; i < 10_000; i++) {
            long v = (long) Math.exp(r.nextDouble() * 16);
            (i % 3 == 0 ? a : b).record(v);
            all.record(v);
        }
        LatencyHistogram merged = new LatencyHistogram();
        merged.addEncoded(a.encode());
        merged.addEncoded(b.encode());
        assertThat(merged.encode()).isEqualTo(all.encode());
        assertThat(merged.percentile(0.99)).isEqualTo(all.percentile(0.99));
    }

    @Test
    void bucketBoundsAreContiguous() {
        for (int i = 0; i < 1500; i++) {
            assertThat(LatencyHistogram.lower(i + 1)).isEqualTo(LatencyHistogram.upper(i) + 1);
            assertThat(LatencyHistogram.index(LatencyHistogram.lower(i))).isEqualTo(i);
            assertThat(LatencyHistogram.index(LatencyHistogram.upper(i))).isEqualTo(i);
        }
    }
}
