package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract of {@link BlockingStore}, run for every backend through {@link StorageContractTest}. */
public interface BlockingStoreContract extends StorageContractSupport {

    default BlockingStore blockingStore() {
        return storageUnderTest().blocking();
    }

    @Test
    default void blockListComesInCodePointOrder() {
        createAccounts(ALICE);
        // Domains, bare and full JIDs as given, non-ASCII and one outside the BMP: code point order
        // puts U+1F600 after U+FFFD, UTF-16 order (String.compareTo) would not.
        List<String> jids = new ArrayList<>(List.of("zed@example.com", "bob@localhost/phone", "example.com",
                "\uD83D\uDE00@localhost", "\uFFFD@localhost", "ärger@localhost", "bob@localhost", "Bob@localhost",
                "example.com/resource", "a@example.com"));
        Collections.shuffle(jids, new Random(5));

        awaitResult(blockingStore().block(ALICE, jids));

        List<String> blocked = awaitResult(blockingStore().blocked(ALICE));
        assertThat(blocked).containsExactlyElementsOf(StorageContractSupport.inCodePointOrder(jids));
        assertThat(blocked.indexOf("\uFFFD@localhost")).isLessThan(blocked.indexOf("\uD83D\uDE00@localhost"));
    }

    @Test
    default void blockAddsAndKeepsWhatIsAlreadyThere() {
        createAccounts(ALICE);
        awaitResult(blockingStore().block(ALICE, List.of("b@example.com", "a@example.com")));

        // Already-blocked and repeated JIDs do not duplicate; the earlier ones stay.
        awaitResult(blockingStore().block(ALICE, List.of("c@example.com", "b@example.com", "c@example.com")));
        awaitResult(blockingStore().block(ALICE, Set.of("a@example.com")));
        awaitResult(blockingStore().block(ALICE, List.of()));

        assertThat(awaitResult(blockingStore().blocked(ALICE))).containsExactly("a@example.com", "b@example.com", "c@example.com");
    }

    @Test
    default void unblockRemovesOnlyTheGivenJids() {
        createAccounts(ALICE);
        awaitResult(blockingStore().block(ALICE, List.of("a@example.com", "b@example.com", "b@example.com/phone",
                "example.com", "c@example.com")));

        // Absent ones are ignored; matching is by exact string (a bare JID does not cover its resources).
        awaitResult(blockingStore().unblock(ALICE, List.of("b@example.com", "nobody@example.com", "A@example.com", "example.com ")));
        assertThat(awaitResult(blockingStore().blocked(ALICE)))
                .containsExactly("a@example.com", "b@example.com/phone", "c@example.com", "example.com");

        awaitResult(blockingStore().unblock(ALICE, List.of()));
        assertThat(awaitResult(blockingStore().blocked(ALICE))).hasSize(4);

        awaitResult(blockingStore().unblock(ALICE, List.of("example.com", "c@example.com", "c@example.com")));
        assertThat(awaitResult(blockingStore().blocked(ALICE))).containsExactly("a@example.com", "b@example.com/phone");
    }

    @Test
    default void unblockAllEmptiesTheList() {
        createAccounts(ALICE, BOB);
        awaitResult(blockingStore().block(ALICE, List.of("a@example.com", "b@example.com")));
        awaitResult(blockingStore().block(BOB, List.of("a@example.com")));

        awaitResult(blockingStore().unblockAll(ALICE));

        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        assertThat(awaitResult(blockingStore().blocked(BOB))).containsExactly("a@example.com");
        awaitResult(blockingStore().unblockAll(ALICE)); // already empty
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        // A fresh start, not a tombstone: blocking again works.
        awaitResult(blockingStore().block(ALICE, List.of("b@example.com")));
        assertThat(awaitResult(blockingStore().blocked(ALICE))).containsExactly("b@example.com");
    }

    @Test
    default void blockListOfUnknownOwnerIsEmptyAndRemovingFromItIsANoOp() {
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        awaitResult(blockingStore().unblock(ALICE, List.of(BOB)));
        awaitResult(blockingStore().unblockAll(ALICE));
        awaitResult(blockingStore().block(ALICE, List.of())); // no-op, so no account check either

        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        createAccounts(ALICE);
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
    }

    @Test
    default void blockForMissingAccountFailsWithNoSuchAccount() {
        Throwable failure = awaitError(blockingStore().block(ALICE, List.of(BOB)));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        createAccounts(ALICE);
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
    }

    @Test
    default void blockListsAreIsolatedPerOwner() {
        createAccounts(ALICE, BOB);
        awaitResult(blockingStore().block(ALICE, List.of("spam@example.com", CAROL)));
        awaitResult(blockingStore().block(BOB, List.of(CAROL, "dave@example.com")));

        awaitResult(blockingStore().unblock(BOB, List.of("spam@example.com", CAROL)));

        assertThat(awaitResult(blockingStore().blocked(ALICE))).containsExactly(CAROL, "spam@example.com");
        assertThat(awaitResult(blockingStore().blocked(BOB))).containsExactly("dave@example.com");
        assertThat(awaitResult(blockingStore().blocked("Alice@localhost"))).isEmpty();
    }

    @Test
    default void concurrentBlocksAreAllKept() throws Exception {
        createAccounts(ALICE);
        int threads = 16;

        StorageContractSupport.race(threads, i -> {
            awaitResult(blockingStore().block(ALICE, List.of("t" + i + "a@example.com", "t" + i + "b@example.com", "common@example.com")));
            awaitResult(blockingStore().block(ALICE, List.of("t" + i + "c@example.com")));
            return null;
        });

        List<String> blocked = awaitResult(blockingStore().blocked(ALICE));
        assertThat(blocked).hasSize(threads * 3 + 1).doesNotHaveDuplicates().contains("common@example.com");
        assertThat(blocked).isSortedAccordingTo(CODE_POINTS);
    }

    @Test
    default void blockingArgumentErrorsThrowSynchronously() {
        createAccounts(ALICE);

        assertThatThrownBy(() -> blockingStore().blocked(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().block(null, List.of(BOB))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().block(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().block(ALICE, Arrays.asList(BOB, null))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().unblock(null, List.of(BOB))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().unblock(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().unblock(ALICE, Arrays.asList(BOB, null))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> blockingStore().unblockAll(null)).isInstanceOf(NullPointerException.class);
        // The rejected block with a null element blocked nothing, not even its valid part.
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
    }

    @Test
    default void deleteAccountRemovesItsBlockList() {
        createAccounts(ALICE, BOB);
        awaitResult(blockingStore().block(ALICE, List.of(BOB, "spam@example.com")));
        awaitResult(blockingStore().block(BOB, List.of(ALICE)));

        assertThat(awaitResult(accountStore().delete(ALICE))).isTrue();

        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        // Others' lists naming Alice stay.
        assertThat(awaitResult(blockingStore().blocked(BOB))).containsExactly(ALICE);
        createAccounts(ALICE);
        assertThat(awaitResult(blockingStore().blocked(ALICE))).isEmpty();
        awaitResult(blockingStore().block(ALICE, List.of("new@example.com")));
        assertThat(awaitResult(blockingStore().blocked(ALICE))).containsExactly("new@example.com");
    }

    @Test
    default void blockListSurvivesReopen() throws Exception {
        createAccounts(ALICE);
        awaitResult(blockingStore().block(ALICE, List.of("b@example.com", "\uD83D\uDE00@localhost", "a@example.com")));

        reopenStorageUnderTest();

        assertThat(awaitResult(blockingStore().blocked(ALICE)))
                .containsExactly("a@example.com", "b@example.com", "\uD83D\uDE00@localhost");
    }

    @Test
    default void blockingOperationsAfterCloseFailWithStorageException() {
        createAccounts(ALICE);
        storageUnderTest().close();

        assertThat(awaitError(blockingStore().blocked(ALICE))).isInstanceOf(StorageException.class);
        assertThat(awaitError(blockingStore().block(ALICE, List.of(BOB)))).isInstanceOf(StorageException.class);
        assertThat(awaitError(blockingStore().unblock(ALICE, List.of(BOB)))).isInstanceOf(StorageException.class);
        assertThat(awaitError(blockingStore().unblockAll(ALICE))).isInstanceOf(StorageException.class);
    }
}
