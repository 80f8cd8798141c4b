package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the per-store contract interfaces ({@link ArchiveStoreContract}, {@link VCardStoreContract},
 * {@link PrivateXmlStoreContract}, {@link BlockingStoreContract}) need from the test class that
 * runs them, plus shared helpers. {@link StorageContractTest} implements all of them, so every
 * backend's subclass runs every contract; a test class may also implement a single contract.
 *
 * <p>Lifecycle as in {@link StorageContractTest}: before each test the storage under test is open
 * and empty, and it is closed afterwards.
 *
 * <p>Method names are distinct from {@link StorageContractTest}'s protected helpers on purpose:
 * interface methods are public, and a class cannot implement them with a protected method.
 */
public interface StorageContractSupport {

    String ALICE = "alice@localhost";
    String BOB = "bob@localhost";
    String CAROL = "carol@localhost";

    /** Unicode code point order (= UTF-8 byte order), which the stores' sorted results use. */
    Comparator<String> CODE_POINTS = (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

    /** The storage under test: open and empty at the start of each test. */
    Storage storageUnderTest();

    /**
     * Closes the storage under test and makes a new instance over the same data the storage under
     * test; aborts the calling test if the backend cannot do that.
     */
    void reopenStorageUnderTest() throws Exception;

    /** How long a single operation may take. */
    Duration operationTimeout();

    default AccountStore accountStore() {
        return storageUnderTest().accounts();
    }

    /** Creates accounts without credentials, failing the test if one already existed. */
    default void createAccounts(String... bareJids) {
        for (String jid : bareJids) {
            assertThat(awaitResult(accountStore().create(jid, List.of()))).as("created %s", jid).isTrue();
        }
    }

    /** Waits for a stage, rethrowing its failure unwrapped (so assertions see StorageException). */
    default <T> T awaitResult(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("storage operation did not complete within " + operationTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for a stage that must fail and returns the failure. */
    default Throwable awaitError(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected failure, completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("storage operation did not complete within " + operationTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Starts the writes {@code start} makes for each element, at most {@code inFlight} at a time,
     * and waits for all of them: for setting up data whose write order does not matter, without
     * paying a round trip per row on networked backends.
     */
    default <E> void writeConcurrently(Collection<E> elements, int inFlight,
                                       java.util.function.Function<E, CompletionStage<?>> start) {
        List<E> all = new ArrayList<>(elements);
        for (int from = 0; from < all.size(); from += inFlight) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (E element : all.subList(from, Math.min(all.size(), from + inFlight))) {
                batch.add(start.apply(element).toCompletableFuture());
            }
            awaitResult(CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)));
        }
    }

    // ---------------------------------------------------------------- static helpers

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes 0..255: no encoding may survive this unless it treats the data as opaque. */
    static byte[] everyByte() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Text with 2-, 3- and 4-byte UTF-8 sequences (the last outside the BMP), in some XML. */
    static byte[] multibyteXml(String element) {
        return utf8("<" + element + "><x>Grüße, 你好, привет, 👋🏽 𝄞 \uD83D\uDE00</x></" + element + ">");
    }

    /** Now, at the precision every backend keeps. */
    static Instant nowMillis() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static List<String> inCodePointOrder(Collection<String> strings) {
        return strings.stream().sorted(CODE_POINTS).toList();
    }

    @FunctionalInterface
    interface Task<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code n} tasks on separate threads released at the same instant; results by index. */
    static <T> List<T> race(int n, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
