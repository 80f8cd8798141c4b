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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Storage} implementation must have. Subclass it once per backend
 * (this class is in the storage test-jar for that purpose) and implement {@link #createStorage()}.
 *
 * <p>The contracts of the other stores live in their own interfaces ({@link ArchiveStoreContract},
 * {@link VCardStoreContract}, {@link PrivateXmlStoreContract}, {@link BlockingStoreContract}),
 * whose default test methods run as part of this class through {@link StorageContractSupport}.
 *
 * <p>Lifecycle: {@link #createStorage()} is called before <em>each</em> test and must return an
 * open, <em>empty</em> storage (no accounts or anything belonging to one); the test closes it
 * afterwards. A backend that is expensive to start may share one server across
 * tests and hand out a fresh keyspace/database (or truncate) per call. Override {@link #reopen(Storage)} if the backend can
 * be closed and reopened on the same data; otherwise the persistence tests are skipped.
 *
 * <p>Argument errors are part of the contract: they throw synchronously (NPE/IAE), while storage
 * failures arrive as a failed stage with {@link StorageException}.
 */
public abstract class StorageContractTest
        implements ArchiveStoreContract, VCardStoreContract, PrivateXmlStoreContract, BlockingStoreContract {

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

    @Override
    public final Storage storageUnderTest() {
        return storage;
    }

    @Override
    public final void reopenStorageUnderTest() throws Exception {
        storage = reopen(storage);
    }

    @Override
    public final Duration operationTimeout() {
        return timeout();
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

    // ---------------------------------------------------------------- rosters

    @Test
    void unknownOwnerHasEmptyRosterAtVersionZero() {
        assertThat(await(rosters().roster(ALICE))).isEqualTo(Roster.EMPTY);
        assertThat(await(rosters().version(ALICE))).isZero();
        assertThat(await(rosters().item(ALICE, BOB))).isEmpty();
        assertThat(await(rosters().pending(ALICE))).isEmpty();
        assertThat(await(rosters().owners(BOB))).isEmpty();
        // Removing from a roster that does not exist changes nothing and creates nothing.
        assertThat(await(rosters().remove(ALICE, BOB))).isZero();
        assertThat(await(rosters().removePending(ALICE, BOB))).isFalse();

        // An account without roster changes looks the same.
        await(accounts().create(ALICE, List.of()));
        Roster roster = await(rosters().roster(ALICE));
        assertThat(roster.version()).isZero();
        assertThat(roster.items()).isEmpty();
        assertThat(await(rosters().version(ALICE))).isZero();
    }

    @Test
    void putThenReadRoundTrips() {
        await(accounts().create(ALICE, List.of()));
        RosterItem bob = new RosterItem(BOB, "Bob", Set.of("Friends", "Work"), Subscription.BOTH, false, false);

        assertThat(await(rosters().put(ALICE, bob))).isEqualTo(1L);

        assertThat(await(rosters().item(ALICE, BOB))).contains(bob);
        Roster roster = await(rosters().roster(ALICE));
        assertThat(roster.version()).isEqualTo(1L);
        assertThat(roster.items()).containsExactly(bob);
        RosterItem read = roster.items().get(0);
        assertThat(read.contact()).isEqualTo(BOB);
        assertThat(read.name()).isEqualTo("Bob");
        assertThat(read.groups()).containsExactly("Friends", "Work");
        assertThat(read.subscription()).isEqualTo(Subscription.BOTH);
        assertThat(read.askSubscribe()).isFalse();
        assertThat(read.approved()).isFalse();
        assertThat(await(rosters().version(ALICE))).isEqualTo(1L);
    }

    @Test
    void everyFieldRoundTrips() {
        await(accounts().create(ALICE, List.of()));
        List<RosterItem> items = new ArrayList<>();
        int n = 0;
        for (Subscription subscription : Subscription.values()) {
            for (boolean ask : new boolean[] {false, true}) {
                for (boolean approved : new boolean[] {false, true}) {
                    items.add(new RosterItem("contact" + n++ + "@example.com", null, Set.of(), subscription, ask, approved));
                }
            }
        }
        for (RosterItem item : items) {
            await(rosters().put(ALICE, item));
        }

        assertThat(await(rosters().roster(ALICE)).items()).containsExactlyInAnyOrderElementsOf(items);
        for (RosterItem item : items) {
            assertThat(await(rosters().item(ALICE, item.contact()))).contains(item);
        }
    }

    @Test
    void namesAndGroupsRoundTripExactly() {
        await(accounts().create(ALICE, List.of()));
        String longest = "ß".repeat(RosterItem.MAX_NAME_LENGTH - 1) + "😀"; // at the limit, in code points
        String longestGroup = "𝄞".repeat(RosterItem.MAX_GROUP_LENGTH); // 2048 UTF-16 units
        List<RosterItem> items = List.of(
                new RosterItem("no-name@example.com", null, Set.of(), Subscription.NONE, false, false),
                new RosterItem("empty-name@example.com", "", Set.of(), Subscription.NONE, false, false),
                new RosterItem("unicode@example.com", "Zoë 你好 привет 👋🏽 𝄞",
                        Set.of("Família", "朋友", "🎉 party", "𝄞 music"), Subscription.TO, true, false),
                new RosterItem("markup@example.com", "<b>&amp;\"quoted\" 'single'</b>",
                        Set.of("<group>", "a&b", "tab\there", "new\nline"), Subscription.FROM, false, true),
                // Groups differing only in case or whitespace are different groups.
                new RosterItem("similar@example.com", "  padded  ",
                        Set.of("Friends", "friends", "Friends ", " Friends", ""), Subscription.BOTH, false, false),
                new RosterItem("limits@example.com", longest, Set.of(longestGroup), Subscription.NONE, false, false),
                new RosterItem("many@example.com", "many groups",
                        IntStream.range(0, 100).mapToObj(i -> "group " + i).collect(Collectors.toSet()),
                        Subscription.BOTH, false, false));
        for (RosterItem item : items) {
            await(rosters().put(ALICE, item));
        }

        for (RosterItem item : items) {
            RosterItem read = await(rosters().item(ALICE, item.contact())).orElseThrow();
            assertThat(read).isEqualTo(item);
            assertThat(read.name()).isEqualTo(item.name()); // null stays null, "" stays ""
            assertThat(read.groups()).containsExactlyElementsOf(item.groups()); // same content, same order
        }
        Roster roster = await(rosters().roster(ALICE));
        assertThat(roster.items()).containsExactlyInAnyOrderElementsOf(items);
        assertThat(roster.item("limits@example.com").orElseThrow().name()).isEqualTo(longest);
        assertThat(roster.item("many@example.com").orElseThrow().groups()).hasSize(100);
    }

    @Test
    void rosterIsSortedByContactInCodePointOrder() {
        await(accounts().create(ALICE, List.of()));
        List<String> contacts = List.of("zed@example.com", "anna@example.com", "\uFFFD@example.com",
                "\uD83D\uDE00@example.com", "Zed@example.com", "ärger@example.com", "anna@example.co");
        for (String contact : contacts) {
            await(rosters().put(ALICE, RosterItem.of(contact)));
        }

        assertThat(await(rosters().roster(ALICE)).items()).extracting(RosterItem::contact)
                .containsExactlyElementsOf(contacts.stream().sorted(CODE_POINT_ORDER).toList());
    }

    @Test
    void identicalPutDoesNotBumpTheVersion() {
        await(accounts().create(ALICE, List.of()));
        RosterItem bob = new RosterItem(BOB, "Bob", Set.of("A", "B"), Subscription.TO, true, false);
        assertThat(await(rosters().put(ALICE, bob))).isEqualTo(1L);

        assertThat(await(rosters().put(ALICE, bob))).isEqualTo(1L);
        // Equal but separately built, groups given in another order: still no change.
        RosterItem same = new RosterItem(BOB, "Bob", new LinkedHashSet<>(List.of("B", "A")), Subscription.TO, true, false);
        assertThat(await(rosters().put(ALICE, same))).isEqualTo(1L);
        assertThat(await(rosters().version(ALICE))).isEqualTo(1L);

        // A no-op put reports the current version, whatever other items did to it since.
        assertThat(await(rosters().put(ALICE, RosterItem.of("carol@localhost")))).isEqualTo(2L);
        assertThat(await(rosters().put(ALICE, bob))).isEqualTo(2L);
    }

    @Test
    void everyEffectiveChangeBumpsTheVersionByOne() {
        await(accounts().create(ALICE, List.of()));
        RosterItem bob = RosterItem.of(BOB);
        // Each step changes exactly one thing, including the subtle ones (null -> "", a group added).
        List<RosterItem> steps = List.of(
                bob,
                bob.withName(""),
                bob.withName("Bob"),
                bob.withName("Bob").withGroups(List.of("Friends")),
                bob.withName("Bob").withGroups(List.of("Friends", "Work")),
                bob.withName("Bob").withGroups(List.of("Work")),
                bob.withName("Bob").withGroups(List.of("work")),
                bob.withName("Bob").withGroups(List.of()),
                bob.withName("Bob").withAskSubscribe(true),
                bob.withName("Bob").withAskSubscribe(true).withApproved(true),
                bob.withName("Bob").withSubscription(Subscription.TO),
                bob.withName("Bob").withSubscription(Subscription.BOTH),
                bob.withName("Bob").withSubscription(Subscription.FROM),
                bob.withName(null));
        long expected = 0;
        for (RosterItem step : steps) {
            expected++;
            assertThat(await(rosters().put(ALICE, step))).as("put %s", step).isEqualTo(expected);
            assertThat(await(rosters().item(ALICE, BOB))).contains(step);
            assertThat(await(rosters().version(ALICE))).isEqualTo(expected);
            assertThat(await(rosters().roster(ALICE))).isEqualTo(new Roster(expected, List.of(step)));
        }
    }

    @Test
    void removeBumpsTheVersionOnlyIfThereWasAnItem() {
        await(accounts().create(ALICE, List.of()));
        RosterItem bob = new RosterItem(BOB, "Bob", Set.of("Friends"), Subscription.BOTH, false, false);
        RosterItem carol = RosterItem.of("carol@localhost");
        await(rosters().put(ALICE, bob));
        await(rosters().put(ALICE, carol));

        assertThat(await(rosters().remove(ALICE, BOB))).isEqualTo(3L);

        assertThat(await(rosters().item(ALICE, BOB))).isEmpty();
        assertThat(await(rosters().roster(ALICE))).isEqualTo(new Roster(3, List.of(carol)));
        assertThat(await(rosters().remove(ALICE, BOB))).isEqualTo(3L);
        assertThat(await(rosters().remove(ALICE, "Bob@localhost"))).isEqualTo(3L);
        assertThat(await(rosters().version(ALICE))).isEqualTo(3L);

        // Removing the last item keeps the version: an empty roster at version 4, not version 0.
        assertThat(await(rosters().remove(ALICE, carol.contact()))).isEqualTo(4L);
        assertThat(await(rosters().roster(ALICE))).isEqualTo(new Roster(4, List.of()));

        // Re-adding a removed item is a change, and does not bring back its old groups.
        assertThat(await(rosters().put(ALICE, RosterItem.of(BOB)))).isEqualTo(5L);
        assertThat(await(rosters().item(ALICE, BOB)).orElseThrow().groups()).isEmpty();
    }

    @Test
    void versionsOnlyEverIncrease() {
        await(accounts().create(ALICE, List.of()));
        Random random = new Random(11);
        long last = 0;
        int changes = 0;
        Map<String, RosterItem> model = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            String contact = "c" + random.nextInt(8) + "@example.com";
            long version;
            boolean changed;
            if (random.nextInt(3) == 0) {
                changed = model.remove(contact) != null;
                version = await(rosters().remove(ALICE, contact));
            } else {
                RosterItem item = new RosterItem(contact, random.nextBoolean() ? null : "n" + random.nextInt(2),
                        random.nextBoolean() ? Set.of() : Set.of("g" + random.nextInt(2)),
                        Subscription.values()[random.nextInt(2)], false, false);
                changed = !item.equals(model.put(contact, item));
                version = await(rosters().put(ALICE, item));
            }
            changes += changed ? 1 : 0;
            assertThat(version).as("step %d", i).isEqualTo(changed ? last + 1 : last);
            last = version;
        }
        assertThat(last).isEqualTo(changes);
        Roster roster = await(rosters().roster(ALICE));
        assertThat(roster.version()).isEqualTo(last);
        assertThat(roster.items()).containsExactlyInAnyOrderElementsOf(model.values());
    }

    @Test
    void itemLookupUsesExactStrings() {
        await(accounts().create(ALICE, List.of()));
        RosterItem bob = RosterItem.of(BOB).withName("lower");
        RosterItem bigBob = RosterItem.of("Bob@localhost").withName("upper");
        await(rosters().put(ALICE, bob));
        await(rosters().put(ALICE, bigBob));

        assertThat(await(rosters().item(ALICE, BOB))).contains(bob);
        assertThat(await(rosters().item(ALICE, "Bob@localhost"))).contains(bigBob);
        assertThat(await(rosters().item(ALICE, "bob@localhost "))).isEmpty();
        assertThat(await(rosters().item(ALICE, "bob@localhost/phone"))).isEmpty();
        assertThat(await(rosters().item("Alice@localhost", BOB))).isEmpty();
        assertThat(await(rosters().roster(ALICE)).items()).hasSize(2);
    }

    @Test
    void ownersFindsEveryRosterHoldingAContact() {
        List<String> owners = List.of("zoe@localhost", ALICE, "carol@example.com", "\uD83D\uDE00@localhost");
        for (String owner : owners) {
            await(accounts().create(owner, List.of()));
        }
        await(accounts().create(BOB, List.of()));
        // Any subscription state counts, including none with a pending request.
        Subscription[] states = Subscription.values();
        for (int i = 0; i < owners.size(); i++) {
            await(rosters().put(owners.get(i), RosterItem.of("dave@example.com").withSubscription(states[i])));
        }
        await(rosters().put(ALICE, RosterItem.of("eve@example.com").withAskSubscribe(true)));
        await(rosters().put(BOB, RosterItem.of("eve@example.com")));

        assertThat(await(rosters().owners("dave@example.com")))
                .containsExactlyElementsOf(owners.stream().sorted(CODE_POINT_ORDER).toList());
        assertThat(await(rosters().owners("eve@example.com"))).containsExactly(ALICE, BOB);
        assertThat(await(rosters().owners("Dave@example.com"))).isEmpty();
        assertThat(await(rosters().owners("nobody@example.com"))).isEmpty();
        // Having a roster does not make one a contact.
        assertThat(await(rosters().owners(ALICE))).isEmpty();

        await(rosters().remove(ALICE, "dave@example.com"));
        await(rosters().put("zoe@localhost", RosterItem.of("dave@example.com").withName("changed")));

        assertThat(await(rosters().owners("dave@example.com")))
                .containsExactly("carol@example.com", "zoe@localhost", "\uD83D\uDE00@localhost");
    }

    @Test
    void rostersAreIsolatedPerOwner() {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        RosterItem alicesCarol = new RosterItem("carol@localhost", "Carol", Set.of("Work"), Subscription.BOTH, false, false);
        RosterItem bobsCarol = new RosterItem("carol@localhost", "Caz", Set.of("Family"), Subscription.TO, true, true);
        await(rosters().put(ALICE, alicesCarol));
        await(rosters().put(ALICE, RosterItem.of("dave@localhost")));
        await(rosters().put(BOB, bobsCarol));

        assertThat(await(rosters().roster(ALICE))).isEqualTo(new Roster(2, List.of(alicesCarol, RosterItem.of("dave@localhost"))));
        assertThat(await(rosters().roster(BOB))).isEqualTo(new Roster(1, List.of(bobsCarol)));

        assertThat(await(rosters().remove(BOB, "carol@localhost"))).isEqualTo(2L);
        assertThat(await(rosters().remove(BOB, "dave@localhost"))).isEqualTo(2L);

        assertThat(await(rosters().roster(ALICE))).isEqualTo(new Roster(2, List.of(alicesCarol, RosterItem.of("dave@localhost"))));
        assertThat(await(rosters().item(ALICE, "carol@localhost"))).contains(alicesCarol);
        assertThat(await(rosters().version(BOB))).isEqualTo(2L);
        assertThat(await(rosters().roster(BOB)).items()).isEmpty();
    }

    @Test
    void putForMissingAccountFailsWithNoSuchAccount() {
        Throwable failure = awaitFailure(rosters().put(ALICE, RosterItem.of(BOB)));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(await(rosters().roster(ALICE))).isEqualTo(Roster.EMPTY);
        assertThat(await(rosters().owners(BOB))).isEmpty();
        // A later registration does not find a roster waiting for it.
        await(accounts().create(ALICE, List.of()));
        assertThat(await(rosters().roster(ALICE))).isEqualTo(Roster.EMPTY);
    }

    @Test
    void deleteAccountRemovesItsRosterAndPendingRequestsOnly() {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        await(rosters().put(ALICE, new RosterItem(BOB, "Bob", Set.of("Friends"), Subscription.BOTH, false, false)));
        await(rosters().put(ALICE, RosterItem.of("carol@example.com").withAskSubscribe(true)));
        await(rosters().addPending(ALICE, pendingRequest("dave@example.com", now(), "hi")));
        RosterItem bobsAlice = new RosterItem(ALICE, "Alice", Set.of("Friends"), Subscription.BOTH, false, false);
        await(rosters().put(BOB, bobsAlice));
        PendingSubscription fromAlice = pendingRequest(ALICE, now(), "from alice");
        await(rosters().addPending(BOB, fromAlice));

        assertThat(await(accounts().delete(ALICE))).isTrue();

        assertThat(await(rosters().roster(ALICE))).isEqualTo(Roster.EMPTY);
        assertThat(await(rosters().version(ALICE))).isZero();
        assertThat(await(rosters().item(ALICE, BOB))).isEmpty();
        assertThat(await(rosters().pending(ALICE))).isEmpty();
        assertThat(await(rosters().owners(BOB))).isEmpty();
        assertThat(await(rosters().owners("carol@example.com"))).isEmpty();
        // Other users' state about Alice stays, as it would for a contact on another server.
        assertThat(await(rosters().roster(BOB))).isEqualTo(new Roster(1, List.of(bobsAlice)));
        assertThat(await(rosters().owners(ALICE))).containsExactly(BOB);
        assertThat(await(rosters().pending(BOB))).containsExactly(fromAlice);

        // Re-registering the JID starts from an empty roster at version 0.
        await(accounts().create(ALICE, List.of()));
        assertThat(await(rosters().roster(ALICE))).isEqualTo(Roster.EMPTY);
        assertThat(await(rosters().pending(ALICE))).isEmpty();
        assertThat(await(rosters().put(ALICE, RosterItem.of(BOB)))).isEqualTo(1L);
        assertThat(await(rosters().item(ALICE, BOB))).contains(RosterItem.of(BOB));
    }

    @Test
    void concurrentPutsToOneRosterGetDistinctVersions() throws Exception {
        await(accounts().create(ALICE, List.of()));
        int writers = 20;
        RosterItem shared = new RosterItem("shared@example.com", "Shared", Set.of("All"), Subscription.NONE, false, false);

        // Each writer: its own item (a change), the same again (no change), and one item that all
        // of them write identically (a change only for whoever comes first).
        List<long[]> results = race(writers, i -> {
            RosterItem own = new RosterItem("c" + i + "@example.com", "Contact " + i, Set.of("g" + i % 3),
                    Subscription.values()[i % 4], i % 2 == 0, i % 5 == 0);
            long first = await(rosters().put(ALICE, own));
            long again = await(rosters().put(ALICE, own));
            long sharedVersion = await(rosters().put(ALICE, shared));
            return new long[] {first, again, sharedVersion};
        });

        long effectiveChanges = writers + 1;
        assertThat(await(rosters().version(ALICE))).isEqualTo(effectiveChanges);
        Roster roster = await(rosters().roster(ALICE));
        assertThat(roster.version()).isEqualTo(effectiveChanges);
        assertThat(roster.items()).hasSize(writers + 1).contains(shared);
        // Strictly increasing per change means no two changes got the same version.
        List<Long> firstVersions = results.stream().map(r -> r[0]).toList();
        assertThat(firstVersions).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(1L, effectiveChanges));
        for (long[] r : results) {
            assertThat(r[1]).isGreaterThanOrEqualTo(r[0]).isLessThanOrEqualTo(effectiveChanges);
            assertThat(r[2]).isBetween(1L, effectiveChanges);
        }
        // Exactly one shared put was a change: its version is the one no own-item put got.
        List<Long> all = LongStream.rangeClosed(1, effectiveChanges).boxed().collect(Collectors.toCollection(ArrayList::new));
        all.removeAll(firstVersions);
        assertThat(all).hasSize(1);
        assertThat(results.stream().map(r -> r[2]).toList()).contains(all.get(0));
    }

    @Test
    void concurrentPutsToDifferentRostersDoNotInterfere() throws Exception {
        int owners = 10;
        for (int i = 0; i < owners; i++) {
            await(accounts().create("owner" + i + "@localhost", List.of()));
        }

        race(owners * 2, i -> {
            String owner = "owner" + i % owners + "@localhost";
            for (int k = 0; k < 5; k++) {
                await(rosters().put(owner, RosterItem.of("c" + i + "-" + k + "@example.com")));
            }
            return null;
        });

        for (int i = 0; i < owners; i++) {
            Roster roster = await(rosters().roster("owner" + i + "@localhost"));
            assertThat(roster.version()).isEqualTo(10L);
            assertThat(roster.items()).hasSize(10);
        }
    }

    @Test
    void returnedRosterIsImmutable() {
        await(accounts().create(ALICE, List.of()));
        await(rosters().put(ALICE, RosterItem.of(BOB).withGroups(List.of("Friends"))));
        Roster roster = await(rosters().roster(ALICE));

        assertThatThrownBy(() -> roster.items().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> roster.items().get(0).groups().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> await(rosters().item(ALICE, BOB)).orElseThrow().groups().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> await(rosters().pending(ALICE)).add(pendingRequest(BOB, now(), "x")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rosterArgumentErrorsThrowSynchronously() {
        await(accounts().create(ALICE, List.of()));
        PendingSubscription p = pendingRequest(BOB, now(), "x");

        assertThatThrownBy(() -> rosters().roster(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().version(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().item(null, BOB)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().item(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().put(null, RosterItem.of(BOB))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().put(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().remove(null, BOB)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().remove(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().owners(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().addPending(null, p)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().addPending(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().removePending(null, BOB)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().removePending(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rosters().pending(null)).isInstanceOf(NullPointerException.class);
        // Oversized names and groups cannot even be built into an item, so no store sees them.
        String tooLong = "x".repeat(RosterItem.MAX_NAME_LENGTH + 1);
        assertThatThrownBy(() -> rosters().put(ALICE, RosterItem.of(BOB).withName(tooLong)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rosters().put(ALICE, RosterItem.of(BOB).withGroups(List.of("ok", tooLong))))
                .isInstanceOf(IllegalArgumentException.class);
        // Nothing was written by the rejected calls.
        assertThat(await(rosters().roster(ALICE))).isEqualTo(Roster.EMPTY);
        assertThat(await(rosters().pending(ALICE))).isEmpty();
    }

    // ---------------------------------------------------------------- pending subscription requests

    @Test
    void pendingRequestsComeOldestFirst() {
        await(accounts().create(ALICE, List.of()));
        Instant t = now();
        // Added out of order; the two at t+1s tie and are ordered by requester.
        List<PendingSubscription> added = List.of(
                pendingRequest("carol@example.com", t.plusSeconds(2), "c"),
                pendingRequest("zed@example.com", t.plusSeconds(1), "z"),
                pendingRequest(BOB, t, "b"),
                pendingRequest("dave@example.com", t.plusSeconds(1), "d"),
                pendingRequest("\uD83D\uDE00@example.com", t.plusSeconds(1), "emoji"),
                pendingRequest("\uFFFD@example.com", t.plusSeconds(1), "replacement"));
        for (PendingSubscription p : added) {
            await(rosters().addPending(ALICE, p));
        }

        assertThat(await(rosters().pending(ALICE))).extracting(PendingSubscription::from).containsExactly(
                BOB, "dave@example.com", "zed@example.com", "\uFFFD@example.com", "\uD83D\uDE00@example.com",
                "carol@example.com");
        assertThat(await(rosters().pending(ALICE))).containsExactlyInAnyOrderElementsOf(added);
    }

    @Test
    void addingPendingFromTheSameRequesterReplacesIt() {
        await(accounts().create(ALICE, List.of()));
        Instant t = now();
        await(rosters().addPending(ALICE, pendingRequest(BOB, t, "first")));
        PendingSubscription carol = pendingRequest("carol@example.com", t.plusSeconds(1), "carol");
        await(rosters().addPending(ALICE, carol));
        PendingSubscription again = pendingRequest(BOB, t.plusSeconds(2), "second, with <status>please</status>");

        await(rosters().addPending(ALICE, again));

        // One request per requester, the newest; and it now sorts by its new time.
        assertThat(await(rosters().pending(ALICE))).containsExactly(carol, again);
        // Adding the very same request again changes nothing.
        await(rosters().addPending(ALICE, again));
        assertThat(await(rosters().pending(ALICE))).containsExactly(carol, again);
    }

    @Test
    void removePendingReportsWhetherThereWasOne() {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        Instant t = now();
        PendingSubscription fromCarol = pendingRequest("carol@example.com", t, "c");
        PendingSubscription fromDave = pendingRequest("dave@example.com", t.plusMillis(1), "d");
        await(rosters().addPending(ALICE, fromCarol));
        await(rosters().addPending(ALICE, fromDave));
        PendingSubscription bobsCarol = pendingRequest("carol@example.com", t, "c for bob");
        await(rosters().addPending(BOB, bobsCarol));

        assertThat(await(rosters().removePending(ALICE, "carol@example.com"))).isTrue();
        assertThat(await(rosters().removePending(ALICE, "carol@example.com"))).isFalse();
        assertThat(await(rosters().removePending(ALICE, "Dave@example.com"))).isFalse();
        assertThat(await(rosters().removePending(ALICE, "nobody@example.com"))).isFalse();

        assertThat(await(rosters().pending(ALICE))).containsExactly(fromDave);
        // Per owner: Bob's request from the same requester is untouched.
        assertThat(await(rosters().pending(BOB))).containsExactly(bobsCarol);
        // Pending requests are independent of the roster and its version.
        assertThat(await(rosters().version(ALICE))).isZero();
    }

    @Test
    void pendingStanzaBytesAndTimesRoundTripExactly() {
        await(accounts().create(ALICE, List.of()));
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        List<PendingSubscription> requests = List.of(
                new PendingSubscription("a@example.com", Instant.parse("1999-12-31T23:59:59.999Z"), everyByte),
                new PendingSubscription("b@example.com", Instant.parse("2024-02-29T12:00:00.001Z"), new byte[0]),
                new PendingSubscription("c@example.com", Instant.parse("2100-01-01T00:00:00Z"),
                        "<presence type='subscribe'><status>Grüße 👋🏽 𝄞</status></presence>".getBytes(StandardCharsets.UTF_8)));
        for (PendingSubscription p : requests) {
            await(rosters().addPending(ALICE, p));
        }

        List<PendingSubscription> read = await(rosters().pending(ALICE));

        assertThat(read).containsExactlyElementsOf(requests);
        assertThat(read.get(0).stanza()).isEqualTo(everyByte);
        assertThat(read.get(1).stanza()).isEmpty();
        assertThat(read).extracting(PendingSubscription::receivedAt)
                .containsExactlyElementsOf(requests.stream().map(PendingSubscription::receivedAt).toList());
    }

    @Test
    void addPendingForMissingAccountFailsWithNoSuchAccount() {
        Throwable failure = awaitFailure(rosters().addPending(ALICE, pendingRequest(BOB, now(), "x")));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(await(rosters().pending(ALICE))).isEmpty();
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
    void rostersSurviveReopen() throws Exception {
        await(accounts().create(ALICE, List.of()));
        await(accounts().create(BOB, List.of()));
        RosterItem bob = new RosterItem(BOB, "Bob ✓", Set.of("Friends", "𝄞"), Subscription.BOTH, false, true);
        RosterItem carol = new RosterItem("carol@example.com", null, Set.of(), Subscription.NONE, true, false);
        await(rosters().put(ALICE, bob));
        await(rosters().put(ALICE, carol));
        await(rosters().put(ALICE, RosterItem.of("gone@example.com")));
        await(rosters().remove(ALICE, "gone@example.com"));
        await(rosters().put(BOB, RosterItem.of(ALICE)));
        PendingSubscription request = pendingRequest("dave@example.com", now(), "<presence type='subscribe'/>");
        await(rosters().addPending(ALICE, request));

        storage = reopen(storage);

        assertThat(await(rosters().roster(ALICE))).isEqualTo(new Roster(4, List.of(bob, carol)));
        assertThat(await(rosters().version(BOB))).isEqualTo(1L);
        assertThat(await(rosters().owners(ALICE))).containsExactly(BOB);
        assertThat(await(rosters().pending(ALICE))).containsExactly(request);
        // Versions carry on from where they were, never restart.
        assertThat(await(rosters().put(ALICE, bob.withName("Robert")))).isEqualTo(5L);
        assertThat(await(rosters().put(ALICE, carol))).isEqualTo(5L);
    }

    @Test
    void operationsAfterCloseFailWithStorageException() {
        storage.close();
        storage.close(); // idempotent

        assertThat(awaitFailure(accounts().exists(ALICE))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(accounts().create(ALICE, List.of()))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(offline().fetch(ALICE, 1))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(rosters().roster(ALICE))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(rosters().put(ALICE, RosterItem.of(BOB)))).isInstanceOf(StorageException.class);
        assertThat(awaitFailure(rosters().pending(ALICE))).isInstanceOf(StorageException.class);
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

    protected RosterStore rosters() {
        return storage.rosters();
    }

    /** Waits for a stage, rethrowing its failure unwrapped (so assertions see StorageException). */
    protected <T> T await(CompletionStage<T> stage) {
        return awaitResult(stage);
    }

    /** Waits for a stage that must fail and returns the failure. */
    protected Throwable awaitFailure(CompletionStage<?> stage) {
        return awaitError(stage);
    }

    protected static ScramCredential credential(ScramAlgorithm algorithm, String password) {
        return ScramCredential.generate(algorithm, password, ITERATIONS);
    }

    protected static OfflineMessage message(String id, String bareJid, Instant storedAt, String stanza) {
        return new OfflineMessage(id, bareJid, storedAt, stanza.getBytes(StandardCharsets.UTF_8));
    }

    protected static PendingSubscription pendingRequest(String from, Instant receivedAt, String stanza) {
        return new PendingSubscription(from, receivedAt, stanza.getBytes(StandardCharsets.UTF_8));
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
