package io.switchboard.loadtest.run;

import org.junit.jupiter.api.Test;

import static io.switchboard.loadtest.run.DeliveryTracker.Outcome.DUPLICATE;
import static io.switchboard.loadtest.run.DeliveryTracker.Outcome.END;
import static io.switchboard.loadtest.run.DeliveryTracker.Outcome.FIRST;
import static io.switchboard.loadtest.run.DeliveryTracker.Outcome.NOT_OURS;
import static io.switchboard.loadtest.run.DeliveryTracker.Outcome.STALE;
import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTrackerTest {
    private final DeliveryTracker t = new DeliveryTracker("run1");

    @Test
    void countsEachMessageOnceAndMeasuresLatency() {
        assertThat(t.accept(DeliveryTracker.body("run1", 4, 0, 1_000), 1_250)).isEqualTo(FIRST);
        assertThat(t.lastLatencyMicros()).isEqualTo(250);
        assertThat(t.accept(DeliveryTracker.body("run1", 4, 1, 2_000), 2_100)).isEqualTo(FIRST);
        assertThat(t.accept(DeliveryTracker.body("run1", 4, 1, 2_000), 2_200)).isEqualTo(DUPLICATE);
        assertThat(t.complete(4)).isFalse(); // no end marker yet
        assertThat(t.accept(DeliveryTracker.endBody("run1", 4, 2), 3_000)).isEqualTo(END);
        assertThat(t.complete(4)).isTrue();
        assertThat(t.received(4)).isEqualTo(2);
        assertThat(t.duplicates(4)).isEqualTo(1);
        assertThat(t.missing(4)).isZero();
    }

    @Test
    void knowsWhatIsMissingOnceTheEndMarkerIsIn() {
        t.accept(DeliveryTracker.body("run1", 1, 0, 0), 1);
        t.accept(DeliveryTracker.body("run1", 1, 2, 0), 1);
        assertThat(t.missing(1)).isZero();
        t.accept(DeliveryTracker.endBody("run1", 1, 4), 1);
        assertThat(t.complete(1)).isFalse();
        assertThat(t.missing(1)).isEqualTo(2);
    }

    @Test
    void ignoresOtherRunsAndOtherMessages() {
        assertThat(t.accept(DeliveryTracker.body("old", 1, 0, 0), 1)).isEqualTo(STALE);
        assertThat(t.accept("hello", 1)).isEqualTo(NOT_OURS);
        assertThat(t.accept(null, 1)).isEqualTo(NOT_OURS);
        assertThat(t.ended(1)).isFalse();
    }
}
