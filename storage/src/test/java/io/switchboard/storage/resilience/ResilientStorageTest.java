package io.switchboard.storage.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.storage.Account;
import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.embedded.EmbeddedStorage;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard around a real embedded store whose calls can be switched to fail or hang, the way a
 * Cassandra outage looks to the server: refused connections (fast failures) or lost packets
 * (calls that never return).
 */
class ResilientStorageTest {

    private static final String ALICE = "alice@localhost";

    enum Mode { WORKING, FAILING, HANGING }

    @TempDir
    Path dir;

    private EmbeddedStorage real;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.WORKING);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ResilientStorage storage;

    @BeforeEach
    void open() {
        real = EmbeddedStorage.open(dir);
        ResilienceSettings settings = new ResilienceSettings(Duration.ofMillis(300), 50f, 10, 4,
                Duration.ofMillis(500), 8, 100);
        storage = ResilientStorage.wrap(switchable(real), settings, meters);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void callsPassThroughWhileTheBackendWorks() throws Exception {
        assertThat(get(storage.accounts().create(ALICE, List.of()))).isTrue();
        assertThat(get(storage.accounts().exists(ALICE))).isTrue();
        assertThat(storage.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(meters.get("storage.operation").tag("operation", "AccountStore.create").tag("outcome", "success")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void aHangingCallFailsWithAStorageExceptionAfterTheTimeout() {
        mode.set(Mode.HANGING);
        long start = System.nanoTime();
        assertThatThrownBy(() -> get(storage.offline().count(ALICE)))
                .hasCauseInstanceOf(StorageException.class).hasMessageContaining("timed out after 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void repeatedFailuresOpenTheBreakerWhichThenRefusesAtOnceAndRecoversByItself() throws Exception {
        mode.set(Mode.FAILING);
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> get(storage.offline().count(ALICE))).hasCauseInstanceOf(StorageException.class);
        }
        assertThat(storage.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        mode.set(Mode.WORKING);
        assertThatThrownBy(() -> get(storage.offline().count(ALICE)))
                .hasCauseInstanceOf(StorageException.class).hasMessageContaining("circuit breaker open");

        // After the wait in the open state, probe calls go through and close it again: no operator needed.
        Thread.sleep(700);
        for (int i = 0; i < 3; i++) {
            assertThat(get(storage.offline().count(ALICE))).isZero();
        }
        assertThat(storage.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void argumentErrorsAreThrownAsIsAndDoNotCountAsFailures() {
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> storage.offline().fetch(ALICE, 0)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(storage.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void noSuchAccountIsAnAnswerNotAnOutage() {
        OfflineMessage m = new OfflineMessage("1", "nobody@localhost", Instant.now(), new byte[] {1});
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> get(storage.offline().store(m))).hasCauseInstanceOf(NoSuchAccountException.class);
        }
        assertThat(storage.breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aCachedUsersAccountIsStillFoundWhileStorageFails() throws Exception {
        get(storage.accounts().create(ALICE, List.of()));
        Optional<Account> before = get(storage.accounts().find(ALICE));
        mode.set(Mode.FAILING);
        assertThat(get(storage.accounts().find(ALICE))).isEqualTo(before);
        assertThat(meters.get("storage.fallback.reads").counter().count()).isEqualTo(1);
        // A user never read before has nothing to fall back on: the failure reaches the caller.
        assertThatThrownBy(() -> get(storage.accounts().find("bob@localhost"))).hasCauseInstanceOf(StorageException.class);
    }

    @Test
    void aSuccessfulWriteDropsTheUsersFallbackEntries() throws Exception {
        get(storage.accounts().create(ALICE, List.of()));
        get(storage.accounts().find(ALICE));
        get(storage.accounts().delete(ALICE));
        mode.set(Mode.FAILING);
        assertThatThrownBy(() -> get(storage.accounts().find(ALICE))).hasCauseInstanceOf(StorageException.class);
    }

    @Test
    void theBulkheadRefusesCallsBeyondItsLimitInsteadOfQueueing() {
        mode.set(Mode.HANGING);
        for (int i = 0; i < 8; i++) {
            storage.offline().count(ALICE);
        }
        assertThatThrownBy(() -> get(storage.offline().count(ALICE)))
                .hasCauseInstanceOf(StorageException.class).hasMessageContaining("overloaded");
    }

    @Test
    void breakerStateIsExportedAsAMetric() {
        assertThat(meters.get("resilience4j.circuitbreaker.state").tag("name", "storage").tag("state", "closed")
                .gauge().value()).isEqualTo(1.0);
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e;
        }
    }

    /** The real storage, with every store call failing or hanging while {@link #mode} says so. */
    private Storage switchable(Storage target) {
        return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                (proxy, method, args) -> {
                    Object store = method.invoke(target, args);
                    if (method.getReturnType().isInterface() && method.getReturnType() != Storage.class
                            && method.getReturnType().getPackageName().equals(Storage.class.getPackageName())) {
                        return Proxy.newProxyInstance(Storage.class.getClassLoader(),
                                new Class<?>[] {method.getReturnType()}, (p, m, a) -> {
                                    if (CompletionStage.class.isAssignableFrom(m.getReturnType())) {
                                        switch (mode.get()) {
                                            case FAILING:
                                                return CompletableFuture.failedFuture(
                                                        new StorageException("connection refused"));
                                            case HANGING:
                                                return new CompletableFuture<>();
                                            default:
                                        }
                                    }
                                    try {
                                        return m.invoke(store, a);
                                    } catch (java.lang.reflect.InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                    }
                    return store;
                });
    }
}
