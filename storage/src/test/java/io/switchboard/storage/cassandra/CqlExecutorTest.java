package io.switchboard.storage.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor's rules without a Cassandra: error translation, close, bounded fan-out, per-key queues. */
class CqlExecutorTest {

    private final CqlExecutor ops = new CqlExecutor(null, "ks", 2);

    @AfterEach
    void stop() {
        ops.close(Duration.ofSeconds(1));
        ops.shutdownPool();
    }

    @Test
    void driverErrorsBecomeStorageExceptionsInWords() {
        assertThat(ops.translate("find account a@x", new NoNodeAvailableException()))
                .isInstanceOf(StorageException.class)
                .hasMessage("Cassandra storage (keyspace ks): find account a@x failed: no Cassandra node is available "
                        + "(all down, or none in the local datacenter)");
        assertThat(ops.translate("x", new CompletionException(new DriverTimeoutException("Query timed out after PT5S"))))
                .hasMessageContaining("x failed: no response within the request timeout (Query timed out after PT5S)");
        assertThat(ops.translate("x", new WriteTimeoutException(null, DefaultConsistencyLevel.LOCAL_QUORUM, 1, 2, WriteType.CAS)))
                .hasMessageContaining("write timed out waiting for replicas (1 of 2 acknowledged at LOCAL_QUORUM, write type CAS; "
                        + "the conditional write may or may not have been applied)");
        assertThat(ops.translate("x", new UnavailableException(null, DefaultConsistencyLevel.LOCAL_QUORUM, 2, 1)))
                .hasMessageContaining("not enough replicas alive for LOCAL_QUORUM (1 of 2 required)");
        // With no node to try at all, the driver reports its NoNodeAvailableException subclass.
        assertThat(ops.translate("x", AllNodesFailedException.fromErrors(Map.of())))
                .hasMessageContaining("x failed: no Cassandra node is available");
        assertThat(ops.translate("x", new IllegalStateException("Session is closed")))
                .hasMessageContaining("the Cassandra session is closed");
        // Store failures pass through untouched.
        NoSuchAccountException missing = new NoSuchAccountException("a@x");
        assertThat(ops.translate("x", new CompletionException(missing))).isSameAs(missing);
    }

    @Test
    void operationsAfterCloseFailAndRunningOnesFinish() throws Exception {
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletableFuture<String> running = ops.run("slow thing", () -> slow);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> ops.close(Duration.ofSeconds(10)));
        Thread.sleep(100);
        assertThat(closing).isNotDone(); // waits for the running operation

        CompletableFuture<String> late = ops.run("late thing", () -> CompletableFuture.completedFuture("x"));
        slow.complete("done");

        closing.get(5, TimeUnit.SECONDS);
        assertThat(running.get(1, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(late).isCompletedExceptionally();
        assertThatCause(late).isInstanceOf(StorageException.class).hasMessageContaining("is closed: cannot late thing");
    }

    @Test
    void forEachRespectsParallelismAndReportsFailures() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        List<Integer> elements = IntStream.range(0, 50).boxed().toList();
        ops.forEach(elements, 3, e -> CompletableFuture.runAsync(() -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            sleep(2);
            seen.add(e);
            running.decrementAndGet();
        })).get(10, TimeUnit.SECONDS);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(elements);
        assertThat(peak.get()).isBetween(1, 3);

        CompletableFuture<Void> failing = ops.forEach(elements, 4, e -> e == 7
                ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                : CompletableFuture.completedFuture(null));
        assertThatCause(failing).hasMessage("boom");
    }

    @Test
    void sequencerRunsOneKeyAtATimeInOrder() throws Exception {
        KeyedSequencer sequencer = new KeyedSequencer(ops.executor());
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger concurrent = new AtomicInteger();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int n = i;
            String key = i % 2 == 0 ? "even" : "odd";
            results.add(sequencer.run(key, () -> CompletableFuture.supplyAsync(() -> {
                if (key.equals("even")) {
                    assertThat(concurrent.incrementAndGet()).isEqualTo(1);
                }
                sleep(1);
                log.add(key + n);
                if (key.equals("even")) {
                    concurrent.decrementAndGet();
                }
                return n;
            })));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(log.stream().filter(s -> s.startsWith("even")).toList())
                .containsExactlyElementsOf(IntStream.range(0, 30).filter(i -> i % 2 == 0).mapToObj(i -> "even" + i).toList());
        // A failing operation does not block the queue behind it.
        CompletableFuture<Object> failed = sequencer.run("k", () -> CompletableFuture.failedFuture(new IllegalStateException("x")));
        assertThat(sequencer.run("k", () -> CompletableFuture.completedFuture(1)).get(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(failed).isCompletedExceptionally();
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertThatCause(CompletableFuture<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return assertThat(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
