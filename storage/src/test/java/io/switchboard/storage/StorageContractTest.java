package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Storage} implementation must have. Subclass it once per backend
 * (this class is in the storage test-jar for that purpose) and implement {@link #createStorage()}.
 *
 * <p>Lifecycle: {@link #createStorage()} is called before <em>each</em> test and must return an
 * open, <em>empty</em> storage (no accounts, no offline messages); the test closes it afterwards.
 * A backend that is expensive to start may share one server across tests and hand out a fresh
 * keyspace/database (or truncate) per call. Override {@link #reopen(Storage)} if the backend can
 * be closed and reopened on the same data; otherwise the persistence tests are skipped.
 *
 * <p>Argument errors are part of the contract: they throw synchronously (NPE/IAE), while storage
 * failures arrive as a failed stage with {@link StorageException}.
 */
public abstract class StorageContractTest {

    protected static final String ALICE = "alice@localhost";
    protected static final String BOB = "bob@localhost";

    /** Low but realistic; the contract is about storage, not key-derivation cost. */
    private static final int ITERATIONS = 4096;

    /** The storage under test; replaced by {@link #reopen(Storage)} in persistence tests. */
    protected Storage storage;

    /** Returns an open, empty storage. Called before each test. */
    protected abstract Storage createStorage() throws Exception;

    /**
     * Closes {@code old} and returns a new instance over the same data. The default skips the
     * calling test, for backends that cannot do that in a test.
     */
    protected Storage reopen(Storage old) throws Exception {
        Assumptions.abort(getClass().getSimpleName() + " does not support reopening");
        return old;
    }

    /** How long a single operation may take; override for slow (networked) backends. */
    protected Duration timeout() {
        return Duration.ofSeconds(10);
    }

    @BeforeEach
    void openStorage() throws Exception {
        storage = createStorage();
    }

    @AfterEach
    void closeStorage() {
        if (storage != null) {
            storage.close();
        }
    }

    // ---------------------------------------------------------------- accounts

    @Test
    void createThenFindReturnsAccountWithCredentials() {
        ScramCredential sha1 = credential(ScramAlgorithm.SHA_1, "secret");
        ScramCredential sha256 = credential(ScramAlgorithm.SHA_256, "secret");
        Instant before = Instant.now();

        assertThat(await(accounts().create(ALICE, List.of(sha1, sha256)))).isTrue();

        Account account = await(accounts().find(ALICE)).orElseThrow();
        assertThat(account.bareJid()).isEqualTo(ALICE);
        assertThat(account.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_1, ScramAlgorithm.SHA_256);
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_1), sha1);
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_256), sha256);
        // The point of storing keys: they still authenticate the password after the round trip.
        assertThat(account.credentials().get(ScramAlgorithm.SHA_256).verifyPassword("secret")).isTrue();
        assertThat(account.credentials().get(ScramAlgorithm.SHA_256).verifyPassword("wrong")).isFalse();
        // Leeway for backends whose clock is not this JVM's.
        assertThat(account.createdAt()).isBetween(before.minusSeconds(5), Instant.now().plusSeconds(5));
    }

    @Test
    void findAndExistsForMissingAccount() {
        assertThat(await(accounts().find(ALICE))).isEmpty();
        assertThat(await(accounts().exists(ALICE))).isFalse();

        await(accounts().create(ALICE, List.of(credential(ScramAlgorithm.SHA_256, "pw"))));

        assertThat(await(accounts().exists(ALICE))).isTrue();
        assertThat(await(accounts().exists(BOB))).isFalse();
        assertThat(await(accounts().find(BOB))).isEmpty();
    }

    @Test
    void keysAreExactStrings() {
        // Normalisation is the caller's job; the store must not fold case or trim.
        await(accounts().create(ALICE, List.of()));

        assertThat(await(accounts().exists("Alice@localhost"))).isFalse();
        assertThat(await(accounts().exists("alice@localhost "))).isFalse();
        assertThat(await(accounts().create("Alice@localhost", List.of()))).isTrue();
        assertThat(await(accounts().count())).isEqualTo(2L);
    }

    @Test
    void accountWithoutCredentials() {
        assertThat(await(accounts().create(ALICE, List.of()))).isTrue();

        assertThat(await(accounts().find(ALICE)).orElseThrow().credentials()).isEmpty();
    }

    @Test
    void duplicateCreateReturnsFalseAndKeepsOriginalCredentials() {
        ScramCredential original = credential(ScramAlgorithm.SHA_256, "first");
        await(accounts().create(ALICE, List.of(original)));
        Instant createdAt = await(accounts().find(ALICE)).orElseThrow().createdAt();

        assertThat(await(accounts().create(ALICE, List.of(credential(ScramAlgorithm.SHA_1, "second"))))).isFalse();

        Account account = await(accounts().find(ALICE)).orElseThrow();
        assertThat(account.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_256);
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_256), original);
        assertThat(account.createdAt()).isEqualTo(createdAt);
        assertThat(await(accounts().count())).isEqualTo(1L);
    }

    @Test
    void concurrentCreatesOfOneJidHaveExactlyOneWinner() throws Exception {
        int contenders = 20;
        List<ScramCredential> candidates = IntStream.range(0, contenders)
                .mapToObj(i -> credential(ScramAlgorithm.SHA_256, "password-" + i))
                .toList();

        List<Boolean> results = race(contenders, i -> await(accounts().create(ALICE, List.of(candidates.get(i)))));

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
        int winner = results.indexOf(true);
        Account account = await(accounts().find(ALICE)).orElseThrow();
        // The winner's credentials, not a mix or a later loser's.
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_256), candidates.get(winner));
        assertThat(await(accounts().count())).isEqualTo(1L);
    }

    @Test
    void concurrentCreatesOfDifferentJidsAllSucceed() throws Exception {
        int users = 20;

        List<Boolean> results = race(users, i -> await(accounts().create("user" + i + "@localhost", List.of())));

        assertThat(results).containsOnly(true).hasSize(users);
        assertThat(await(accounts().count())).isEqualTo(users);
    }

    @Test
    void updateCredentialsReplacesAllOfThem() {
        await(accounts().create(ALICE, List.of(
                credential(ScramAlgorithm.SHA_1, "old"), credential(ScramAlgorithm.SHA_256, "old"))));
        Instant createdAt = await(accounts().find(ALICE)).orElseThrow().createdAt();
        ScramCredential replacement = credential(ScramAlgorithm.SHA_256, "new");

        assertThat(await(accounts().updateCredentials(ALICE, List.of(replacement)))).isTrue();

        Account account = await(accounts().find(ALICE)).orElseThrow();
        assertThat(account.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_256);
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_256), replacement);
        assertThat(account.credentials().get(ScramAlgorithm.SHA_256).verifyPassword("new")).isTrue();
        assertThat(account.credentials().get(ScramAlgorithm.SHA_256).verifyPassword("old")).isFalse();
        assertThat(account.createdAt()).isEqualTo(createdAt);

        assertThat(await(accounts().updateCredentials(ALICE, List.of()))).isTrue();
        assertThat(await(accounts().find(ALICE)).orElseThrow().credentials()).isEmpty();
    }

    @Test
    void updateCredentialsOfMissingAccountReturnsFalseAndCreatesNothing() {
        assertThat(await(accounts().updateCredentials(ALICE, List.of(credential(ScramAlgorithm.SHA_256, "pw")))))
                .isFalse();

        assertThat(await(accounts().exists(ALICE))).isFalse();
        assertThat(await(accounts().count())).isZero();
    }

    @Test
    void deleteRemovesAccount() {
        await(accounts().create(ALICE, List.of(credential(ScramAlgorithm.SHA_256, "pw"))));
        await(accounts().create(BOB, List.of()));

        assertThat(await(accounts().delete(ALICE))).isTrue();

        assertThat(await(accounts().find(ALICE))).isEmpty();
        assertThat(await(accounts().exists(ALICE))).isFalse();
        assertThat(await(accounts().exists(BOB))).isTrue();
        assertThat(await(accounts().count())).isEqualTo(1L);
        assertThat(await(accounts().delete(ALICE))).isFalse();
        assertThat(await(accounts().delete("nobody@localhost"))).isFalse();
    }

    @Test
    void recreatedAccountStartsClean() {
        await(accounts().create(ALICE, List.of(credential(ScramAlgorithm.SHA_1, "old"))));
        await(accounts().delete(ALICE));
        ScramCredential fresh = credential(ScramAlgorithm.SHA_256, "new");

        assertThat(await(accounts().create(ALICE, List.of(fresh)))).isTrue();

        Account account = await(accounts().find(ALICE)).orElseThrow();
        assertThat(account.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_256);
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_256), fresh);
    }

    @Test
    void deleteAccountRemovesItsOfflineMessagesOnly() {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        Instant t = now();
        for (int i = 0; i < 3; i++) {
            await(offline().store(message("a" + i, ALICE, t.plusMillis(i), "for alice " + i)));
        }
        OfflineMessage forBob = message("b0", BOB, t, "for bob");
        await(offline().store(forBob));

        await(accounts().delete(ALICE));

        assertThat(await(offline().count(ALICE))).isZero();
        assertThat(await(offline().fetch(ALICE, 10))).isEmpty();
        // Re-registering the JID must not resurrect the old user's messages.
        await(accounts().create(ALICE, List.of()));
        assertThat(await(offline().count(ALICE))).isZero();
        assertThat(await(offline().fetch(ALICE, 10))).isEmpty();
        assertThat(await(offline().fetch(BOB, 10))).containsExactly(forBob);
    }

    @Test
    void listPagesInCodePointOrder() {
        List<String> jids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            jids.add(String.format("user%02d@localhost", i));
        }
        // Non-ASCII, including one outside the BMP: code point order puts U+1F600 after U+FFFD,
        // UTF-16 (String.compareTo) order would not.
        jids.addAll(List.of("ärger@localhost", "zoë@localhost", "\uFFFD@localhost", "\uD83D\uDE00@localhost",
                "Zed@localhost", "a@example.com"));
        List<String> shuffled = new ArrayList<>(jids);
        Collections.shuffle(shuffled, new Random(42));
        for (String jid : shuffled) {
            await(accounts().create(jid, List.of()));
        }
        List<String> expected = jids.stream().sorted(CODE_POINT_ORDER).toList();

        assertThat(await(accounts().list(null, 1000))).containsExactlyElementsOf(expected);

        List<String> paged = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            List<String> page = await(accounts().list(after, 7));
            assertThat(page.size()).isLessThanOrEqualTo(7);
            paged.addAll(page);
            pages++;
            if (page.size() < 7) {
                break;
            }
            after = page.get(page.size() - 1);
        }
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(expected.size() / 7 + 1);

        // The bound is exclusive and need not be an existing JID.
        assertThat(await(accounts().list("user10@localhost", 2)))
                .containsExactly("user11@localhost", "user12@localhost");
        assertThat(await(accounts().list("user1", 2)))
                .containsExactly("user10@localhost", "user11@localhost");
        assertThat(await(accounts().list("\uDBFF\uDFFF", 10))).isEmpty();
    }

    @Test
    void listOnEmptyStore() {
        assertThat(await(accounts().list(null, 10))).isEmpty();
    }

    @Test
    void countTracksCreatesAndDeletes() {
        assertThat(await(accounts().count())).isZero();
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        await(accounts().create(BOB, List.of()));
        assertThat(await(accounts().count())).isEqualTo(2L);
        await(accounts().delete(ALICE));
        assertThat(await(accounts().count())).isEqualTo(1L);
    }

    @Test
    void accountArgumentErrorsThrowSynchronously() {
        ScramCredential a = credential(ScramAlgorithm.SHA_256, "a");
        ScramCredential b = credential(ScramAlgorithm.SHA_256, "b");

        assertThatThrownBy(() -> accounts().create(null, List.of())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> accounts().create(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> accounts().create(ALICE, List.of(a, b))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accounts().updateCredentials(ALICE, List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accounts().find(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> accounts().list(null, 0)).isInstanceOf(IllegalArgumentException.class);
        // Nothing was written by the rejected calls.
        assertThat(await(accounts().exists(ALICE))).isFalse();
    }

    @Test
    void returnedAccountIsImmutable() {
        await(accounts().create(ALICE, List.of(credential(ScramAlgorithm.SHA_256, "pw"))));
        Account account = await(accounts().find(ALICE)).orElseThrow();

        assertThatThrownBy(() -> account.credentials().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---------------------------------------------------------------- offline messages

    @Test
    void storeThenFetchRoundTrips() {
        await(accounts().create(ALICE, List.of()));
        OfflineMessage m = message("m1", ALICE, now(), "<message to='alice@localhost'><body>hi</body></message>");

        await(offline().store(m));

        List<OfflineMessage> fetched = await(offline().fetch(ALICE, 10));
        assertThat(fetched).containsExactly(m);
        assertThat(fetched.get(0).id()).isEqualTo("m1");
        assertThat(fetched.get(0).bareJid()).isEqualTo(ALICE);
        assertThat(fetched.get(0).storedAt()).isEqualTo(m.storedAt());
        // Fetch does not consume.
        assertThat(await(offline().count(ALICE))).isEqualTo(1);
    }

    @Test
    void fetchReturnsOldestFirstRegardlessOfStoreOrder() {
        await(accounts().create(ALICE, List.of()));
        Instant t = now();
        for (int offset : new int[] {3, 1, 4, 0, 2}) {
            await(offline().store(message("m" + offset, ALICE, t.plusSeconds(offset), "body " + offset)));
        }

        assertThat(await(offline().fetch(ALICE, 10))).extracting(OfflineMessage::id)
                .containsExactly("m0", "m1", "m2", "m3", "m4");
    }

    @Test
    void messagesWithEqualTimestampsKeepStoreOrder() {
        await(accounts().create(ALICE, List.of()));
        Instant t = now();
        // Ids deliberately not in lexical order, so ordering by id would fail.
        List<String> ids = List.of("zz", "aa", "mm", "bb", "yy");
        for (String id : ids) {
            await(offline().store(message(id, ALICE, t, id)));
        }

        assertThat(await(offline().fetch(ALICE, 10))).extracting(OfflineMessage::id).containsExactlyElementsOf(ids);
    }

    @Test
    void fetchHonoursLimit() {
        await(accounts().create(ALICE, List.of()));
        Instant t = now();
        for (int i = 0; i < 5; i++) {
            await(offline().store(message("m" + i, ALICE, t.plusMillis(i), "body " + i)));
        }

        assertThat(await(offline().fetch(ALICE, 2))).extracting(OfflineMessage::id).containsExactly("m0", "m1");
        assertThat(await(offline().fetch(ALICE, 1))).extracting(OfflineMessage::id).containsExactly("m0");
        assertThat(await(offline().fetch(ALICE, 100))).hasSize(5);
    }

    @Test
    void deleteRemovesOnlyGivenIds() {
        await(accounts().create(ALICE, List.of()));
        Instant t = now();
        for (int i = 0; i < 5; i++) {
            await(offline().store(message("m" + i, ALICE, t.plusMillis(i), "body " + i)));
        }

        await(offline().delete(ALICE, List.of("m1", "m3", "no-such-id")));

        assertThat(await(offline().fetch(ALICE, 10))).extracting(OfflineMessage::id).containsExactly("m0", "m2", "m4");
        assertThat(await(offline().count(ALICE))).isEqualTo(3);

        await(offline().delete(ALICE, List.of()));
        assertThat(await(offline().count(ALICE))).isEqualTo(3);

        // Typical delivery loop: fetch a batch, deliver, delete what was delivered.
        List<OfflineMessage> batch = await(offline().fetch(ALICE, 10));
        await(offline().delete(ALICE, batch.stream().map(OfflineMessage::id).toList()));
        assertThat(await(offline().count(ALICE))).isZero();
        assertThat(await(offline().fetch(ALICE, 10))).isEmpty();
    }

    @Test
    void countPerUser() {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        assertThat(await(offline().count(ALICE))).isZero();
        Instant t = now();
        for (int i = 0; i < 4; i++) {
            await(offline().store(message("m" + i, ALICE, t, "x")));
        }
        await(offline().store(message("m0", BOB, t, "y")));

        assertThat(await(offline().count(ALICE))).isEqualTo(4);
        assertThat(await(offline().count(BOB))).isEqualTo(1);
        assertThat(await(offline().count("nobody@localhost"))).isZero();
    }

    @Test
    void usersAreIsolated() {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        Instant t = now();
        // Same ids for both users: ids are only unique per user.
        OfflineMessage forAlice = message("shared-id", ALICE, t, "for alice");
        OfflineMessage forBob = message("shared-id", BOB, t, "for bob");
        OfflineMessage alsoForBob = message("bob-only", BOB, t.plusMillis(1), "also for bob");
        await(offline().store(forAlice));
        await(offline().store(forBob));
        await(offline().store(alsoForBob));

        assertThat(await(offline().fetch(ALICE, 10))).containsExactly(forAlice);
        assertThat(await(offline().fetch(BOB, 10))).containsExactly(forBob, alsoForBob);

        // Deleting by id in Alice's name must not touch Bob's messages, and vice versa.
        await(offline().delete(ALICE, List.of("shared-id", "bob-only")));
        assertThat(await(offline().fetch(ALICE, 10))).isEmpty();
        assertThat(await(offline().fetch(BOB, 10))).containsExactly(forBob, alsoForBob);
        assertThat(await(offline().fetch("nobody@localhost", 10))).isEmpty();
    }

    @Test
    void storingTheSameIdTwiceKeepsTheFirstCopy() {
        await(accounts().create(ALICE, List.of()));
        OfflineMessage first = message("m1", ALICE, now(), "first");

        await(offline().store(first));
        await(offline().store(first));
        await(offline().store(message("m1", ALICE, now(), "retry with other content")));

        assertThat(await(offline().fetch(ALICE, 10))).containsExactly(first);
        assertThat(await(offline().count(ALICE))).isEqualTo(1);
    }

    @Test
    void storeForMissingAccountFailsWithNoSuchAccount() {
        Throwable failure = awaitFailure(offline().store(message("m1", ALICE, now(), "lost")));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(await(offline().count(ALICE))).isZero();
    }

    @Test
    void stanzaBytesAreStoredExactly() {
        await(accounts().create(ALICE, List.of()));
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] multibyte = "<message><body>Grüße, 你好, привет, 👋🏽 𝄞</body></message>"
                .getBytes(StandardCharsets.UTF_8);
        byte[] large = new byte[1 << 20];
        new Random(7).nextBytes(large);
        Instant t = now();
        List<OfflineMessage> messages = List.of(
                new OfflineMessage("every-byte", ALICE, t, everyByte),
                new OfflineMessage("multibyte", ALICE, t.plusMillis(1), multibyte),
                new OfflineMessage("empty", ALICE, t.plusMillis(2), new byte[0]),
                new OfflineMessage("large", ALICE, t.plusMillis(3), large));
        for (OfflineMessage m : messages) {
            await(offline().store(m));
        }

        List<OfflineMessage> fetched = await(offline().fetch(ALICE, 10));

        assertThat(fetched).containsExactlyElementsOf(messages);
        assertThat(fetched.get(0).stanza()).isEqualTo(everyByte);
        assertThat(new String(fetched.get(1).stanza(), StandardCharsets.UTF_8)).contains("👋🏽 𝄞", "你好");
        assertThat(fetched.get(2).stanza()).isEmpty();
        assertThat(fetched.get(3).stanza()).isEqualTo(large);
    }

    @Test
    void timestampsRoundTripAtMillisecondPrecision() {
        await(accounts().create(ALICE, List.of()));
        List<Instant> instants = List.of(
                Instant.parse("1999-12-31T23:59:59.999Z"),
                Instant.parse("2024-02-29T12:00:00.001Z"),
                Instant.parse("2100-01-01T00:00:00Z"));
        for (int i = 0; i < instants.size(); i++) {
            await(offline().store(message("m" + i, ALICE, instants.get(i), "x")));
        }

        assertThat(await(offline().fetch(ALICE, 10))).extracting(OfflineMessage::storedAt)
                .containsExactlyElementsOf(instants);
    }

    @Test
    void offlineArgumentErrorsThrowSynchronously() {
        assertThatThrownBy(() -> offline().store(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> offline().fetch(ALICE, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> offline().fetch(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> offline().delete(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> offline().delete(ALICE, Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> offline().count(null)).isInstanceOf(NullPointerException.class);
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void dataSurvivesReopen() throws Exception {
        ScramCredential sha256 = credential(ScramAlgorithm.SHA_256, "pw");
        await(accounts().create(ALICE, List.of(sha256)));
        await(accounts().create(BOB, List.of()));
        Instant createdAt = await(accounts().find(ALICE)).orElseThrow().createdAt();
        Instant t = now();
        OfflineMessage m0 = message("m0", ALICE, t, "first ✓");
        OfflineMessage m1 = message("m1", ALICE, t, "second ✓");
        await(offline().store(m0));
        await(offline().store(m1));

        storage = reopen(storage);

        Account account = await(accounts().find(ALICE)).orElseThrow();
        assertSameCredential(account.credentials().get(ScramAlgorithm.SHA_256), sha256);
        assertThat(account.createdAt()).isEqualTo(createdAt);
        assertThat(await(accounts().list(null, 10))).containsExactly(ALICE, BOB);
        assertThat(await(accounts().count())).isEqualTo(2L);
        assertThat(await(offline().fetch(ALICE, 10))).containsExactly(m0, m1);
        // And it is writable again.
        assertThat(await(accounts().create("carol@localhost", List.of()))).isTrue();
    }

    @Test
    void operationsAfterCloseFailWithStorageException() {
        storage.close();
        storage.close(); // idempotent

        assertThat(awaitFailure(accounts().exists(ALICE))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(accounts().create(ALICE, List.of()))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(offline().fetch(ALICE, 1))).isInstanceOf(StorageException.class);
    }

    @Test
    void describesItself() {
        assertThat(storage.description()).isNotBlank();
    }

    // ---------------------------------------------------------------- helpers

    protected AccountStore accounts() {
        return storage.accounts();
    }

    protected OfflineStore offline() {
        return storage.offline();
    }

    /** Waits for a stage, rethrowing its failure unwrapped (so assertions see StorageException). */
    protected <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("storage operation did not complete within " + timeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for a stage that must fail and returns the failure. */
    protected Throwable awaitFailure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected failure, completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("storage operation did not complete within " + timeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    protected static ScramCredential credential(ScramAlgorithm algorithm, String password) {
        return ScramCredential.generate(algorithm, password, ITERATIONS);
    }

    protected static OfflineMessage message(String id, String bareJid, Instant storedAt, String stanza) {
        return new OfflineMessage(id, bareJid, storedAt, stanza.getBytes(StandardCharsets.UTF_8));
    }

    /** Now, at the precision every backend keeps. */
    protected static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    protected static void assertSameCredential(ScramCredential actual, ScramCredential expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.algorithm()).isEqualTo(expected.algorithm());
        assertThat(actual.iterations()).isEqualTo(expected.iterations());
        assertThat(actual.salt()).isEqualTo(expected.salt());
        assertThat(actual.storedKey()).isEqualTo(expected.storedKey());
        assertThat(actual.serverKey()).isEqualTo(expected.serverKey());
    }

    /** Unicode code point order (= UTF-8 byte order), which {@link AccountStore#list} uses. */
    protected static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        return Arrays.compare(x, y);
    };

    @FunctionalInterface
    protected interface Contender<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code n} contenders on separate threads released at the same instant; results by index. */
    protected static <T> List<T> race(int n, Contender<T> contender) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return contender.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
