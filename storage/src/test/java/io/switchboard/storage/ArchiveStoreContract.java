package io.switchboard.storage;

import static io.switchboard.storage.StorageContractSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ArchiveStore} (XEP-0313 archives and preferences), run for every backend
 * through {@link StorageContractTest}.
 *
 * <p>Tests choose message times through {@link ArchiveId#next(long)}, so they control timestamps
 * exactly, and spread them over months or decades where a backend that partitions by time could
 * get bucket boundaries wrong. Writes whose order does not matter are issued concurrently.
 */
public interface ArchiveStoreContract extends StorageContractSupport {

    /** An arbitrary, fixed time well inside the id range. */
    Instant BASE_TIME = Instant.parse("2024-03-01T12:00:00Z");

    default ArchiveStore archiveStore() {
        return storageUnderTest().archive();
    }

    // ---------------------------------------------------------------- append and read back

    @Test
    default void archiveAppendThenQueryRoundTrips() {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        ArchivedMessage in = archived(ALICE, ids.next(BASE_TIME.toEpochMilli()), BOB + "/phone", "hi alice");
        ArchivedMessage out = archived(ALICE, ids.next(BASE_TIME.plusSeconds(1).toEpochMilli()), BOB, "hi bob");

        awaitResult(archiveStore().append(in));
        awaitResult(archiveStore().append(out));

        ArchivePage page = archivePage(ALICE, ArchiveQuery.first(10));
        assertPage(page, List.of(in, out), true);
        ArchivedMessage read = page.messages().get(0);
        assertThat(read.owner()).isEqualTo(ALICE);
        assertThat(read.id()).isEqualTo(in.id());
        assertThat(read.with()).isEqualTo(BOB + "/phone");
        assertThat(read.stanza()).isEqualTo(in.stanza());
        assertThat(read.timestamp()).isEqualTo(BASE_TIME);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10)), List.of(in, out), true);
    }

    @Test
    default void archivePagesAreOldestFirstWhateverTheAppendOrder() {
        createAccounts(ALICE);
        List<ArchivedMessage> messages = series(ALICE, BASE_TIME, 12, Duration.ofMinutes(7), i -> BOB);
        List<ArchivedMessage> shuffled = new ArrayList<>(messages);
        Collections.shuffle(shuffled, new Random(3));

        writeConcurrently(shuffled, 64, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(100)), messages, true);
        // Taken from the newest end, still returned oldest first.
        assertPage(archivePage(ALICE, ArchiveQuery.latest(5)), messages.subList(7, 12), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(100)), messages, true);
    }

    @Test
    default void archiveStanzasAndJidsRoundTripByteForByte() {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        long t = BASE_TIME.toEpochMilli();
        List<ArchivedMessage> messages = List.of(
                new ArchivedMessage(ALICE, ids.next(t), "bob@localhost/📱 phone", StorageContractSupport.everyByte()),
                new ArchivedMessage(ALICE, ids.next(t), "ünïcode@例え.jp/res/with/slashes", StorageContractSupport.multibyteXml("message")),
                new ArchivedMessage(ALICE, ids.next(t + 1), "\uD83D\uDE00@localhost", new byte[0]),
                new ArchivedMessage(ALICE, ids.next(t + 2), "<tricky & 'quoted'>@example.com", StorageContractSupport.randomBytes(256 * 1024, 5)));
        writeConcurrently(messages, 8, archiveStore()::append);

        List<ArchivedMessage> read = archivePage(ALICE, ArchiveQuery.first(10)).messages();

        assertThat(read).containsExactlyElementsOf(messages);
        for (int i = 0; i < messages.size(); i++) {
            assertThat(read.get(i).stanza()).as("stanza %d", i).isEqualTo(messages.get(i).stanza());
            assertThat(read.get(i).with()).as("with %d", i).isEqualTo(messages.get(i).with());
        }
        assertThat(new String(read.get(1).stanza(), java.nio.charset.StandardCharsets.UTF_8)).contains("👋🏽 𝄞", "你好");
        // The non-ASCII JIDs also work as filters, bare and full (the resource may contain '/').
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("ünïcode@例え.jp")), List.of(messages.get(1)), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("ünïcode@例え.jp/res/with/slashes")),
                List.of(messages.get(1)), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("ünïcode@例え.jp/res")), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("\uD83D\uDE00@localhost")), List.of(messages.get(2)), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("bob@localhost/📱 phone")), List.of(messages.get(0)), true);
    }

    @Test
    default void archiveRetriedAppendKeepsOneCopy() {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        long id = ids.next(BASE_TIME.toEpochMilli());
        ArchivedMessage first = archived(ALICE, id, BOB + "/phone", "first");

        awaitResult(archiveStore().append(first));
        awaitResult(archiveStore().append(first)); // a plain retry

        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(first), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10)), List.of(first), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB)), List.of(first), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB + "/phone")), List.of(first), true);
    }

    @Test
    default void archiveConcurrentRetriesOfOneAppendKeepExactlyOneCopy() {
        createAccounts(ALICE);
        long id = ArchiveId.generator().next(BASE_TIME.toEpochMilli());
        ArchivedMessage m = archived(ALICE, id, BOB + "/r1", "once");
        // A retry racing the first attempt (e.g. after a timeout): one copy, in every view.
        List<ArchivedMessage> attempts = IntStream.range(0, 8).mapToObj(i -> m).toList();

        writeConcurrently(attempts, attempts.size(), archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(m), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB)), List.of(m), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB + "/r1")), List.of(m), true);
    }

    @Test
    default void archiveAppendForMissingAccountFailsWithNoSuchAccount() {
        ArchivedMessage m = archived(ALICE, ArchiveId.generator().next(BASE_TIME.toEpochMilli()), BOB, "lost");

        Throwable failure = awaitError(archiveStore().append(m));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(), true);
        // A later registration does not find the message waiting for it.
        createAccounts(ALICE);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB)), List.of(), true);
    }

    @Test
    default void archiveOfUnknownOwnerIsEmptyAndComplete() {
        for (ArchiveQuery q : List.of(ArchiveQuery.first(1), ArchiveQuery.latest(1), ArchiveQuery.first(50).withContact(BOB),
                ArchiveQuery.latest(50).withContact(BOB + "/phone"), ArchiveQuery.first(5).between(BASE_TIME, BASE_TIME.plusSeconds(60)),
                ArchiveQuery.latest(5).after(12345L).before(1L << 40))) {
            assertPage(archivePage(ALICE, q), List.of(), true);
        }
        // An account that never archived anything looks the same; so does a JID differing in case.
        createAccounts(ALICE);
        awaitResult(archiveStore().append(archived(ALICE, ArchiveId.generator().next(BASE_TIME.toEpochMilli()), BOB, "x")));
        assertPage(archivePage(BOB, ArchiveQuery.first(10)), List.of(), true);
        assertPage(archivePage("Alice@localhost", ArchiveQuery.latest(10)), List.of(), true);
    }

    // ---------------------------------------------------------------- filters

    @Test
    default void archiveBareWithMatchesEveryResourceOfIt() {
        createAccounts(ALICE);
        List<String> withs = List.of(
                "bob@localhost", "bob@localhost/phone", "Bob@localhost/phone", "bob@localhost/desk",
                "bob@localhost.evil/x", "bob@localhostx", "bob@localhost/phone/extra", "carol@localhost/phone",
                "localhost", "localhost/bob@localhost");
        List<ArchivedMessage> messages = series(ALICE, BASE_TIME, withs.size(), Duration.ofSeconds(1), withs::get);
        writeConcurrently(messages, 64, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("bob@localhost")),
                pick(messages, 0, 1, 3, 6), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("Bob@localhost")), pick(messages, 2), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("bob@localhost.evil")), pick(messages, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("localhost")), pick(messages, 8, 9), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("nobody@localhost")), List.of(), true);
        // With paging, in both directions.
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).withContact("bob@localhost")), pick(messages, 0, 1), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).withContact("bob@localhost")), pick(messages, 3, 6), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(4).withContact("bob@localhost")), pick(messages, 0, 1, 3, 6), true);
    }

    @Test
    default void archiveFullWithMatchesOnlyExactly() {
        createAccounts(ALICE);
        List<String> withs = List.of(
                "bob@localhost/phone", "bob@localhost", "bob@localhost/desk", "bob@localhost/phone",
                "bob@localhost/Phone", "bob@localhost/phone/extra", "bob@localhost/phone ", "bob@localhost/phone",
                "localhost/bob@localhost");
        List<ArchivedMessage> messages = series(ALICE, BASE_TIME, withs.size(), Duration.ofSeconds(1), withs::get);
        writeConcurrently(messages, 64, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("bob@localhost/phone")), pick(messages, 0, 3, 7), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("bob@localhost/phone/extra")), pick(messages, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("localhost/bob@localhost")), pick(messages, 8), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("bob@localhost/laptop")), List.of(), true);
        // Paging over a full-JID filter counts only exact matches.
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).withContact("bob@localhost/phone")), pick(messages, 0, 3), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).withContact("bob@localhost/phone")), pick(messages, 3, 7), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).withContact("bob@localhost/phone").after(messages.get(0).id())),
                pick(messages, 3, 7), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).withContact("bob@localhost/phone").before(messages.get(7).id())),
                pick(messages, 0, 3), true);
    }

    @Test
    default void archiveTimeBoundsAreInclusiveAtMillisecondPrecision() {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        long t = BASE_TIME.toEpochMilli();
        // a: t-1 | b1, b2: t | c: t+1 | d1, d2: t+2 | e: t+3 (ms)
        List<ArchivedMessage> m = List.of(
                archived(ALICE, ids.next(t - 1), BOB, "a"),
                archived(ALICE, ids.next(t), BOB, "b1"),
                archived(ALICE, ids.next(t), BOB, "b2"),
                archived(ALICE, ids.next(t + 1), BOB, "c"),
                archived(ALICE, ids.next(t + 2), BOB, "d1"),
                archived(ALICE, ids.next(t + 2), BOB, "d2"),
                archived(ALICE, ids.next(t + 3), BOB, "e"));
        writeConcurrently(m, 64, archiveStore()::append);
        Instant t1 = BASE_TIME.plusMillis(1);
        Instant t2 = BASE_TIME.plusMillis(2);

        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(BASE_TIME, t2)), pick(m, 1, 2, 3, 4, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(BASE_TIME, BASE_TIME)), pick(m, 1, 2), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(t1, null)), pick(m, 3, 4, 5, 6), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(null, t1)), pick(m, 0, 1, 2, 3), true);
        // Sub-millisecond bounds are truncated to their millisecond, on both sides.
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(BASE_TIME.plusNanos(500_000), t1.plusNanos(999_999))),
                pick(m, 1, 2, 3), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(BASE_TIME.minusNanos(1), t2.minusNanos(1))),
                pick(m, 0, 1, 2, 3), true);
        // start after end: nothing matches.
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(t2, t1)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10).between(t2, t1)), List.of(), true);
        // Messages outside the window do not count against completeness, even for exactly full pages.
        assertPage(archivePage(ALICE, ArchiveQuery.first(5).between(BASE_TIME, t2)), pick(m, 1, 2, 3, 4, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(5).between(BASE_TIME, t2)), pick(m, 1, 2, 3, 4, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).between(BASE_TIME, t2)), pick(m, 1, 2), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).between(BASE_TIME, t2)), pick(m, 4, 5), false);
        // Time and id bounds together: the tighter one wins on each side.
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(BASE_TIME, t2).after(m.get(1).id()).before(m.get(6).id())),
                pick(m, 2, 3, 4, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(t1, t1).after(m.get(0).id()).before(m.get(6).id())),
                pick(m, 3), true);
    }

    @Test
    default void archiveTimeBoundsBeyondTheIdRangeClamp() {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        ArchivedMessage atEpoch = archived(ALICE, ids.next(ArchiveId.EPOCH_MILLIS), BOB, "first possible millisecond");
        ArchivedMessage later = archived(ALICE, ids.next(BASE_TIME.toEpochMilli()), BOB, "later");
        writeConcurrently(List.of(atEpoch, later), 2, archiveStore()::append);
        Instant epoch = Instant.ofEpochMilli(ArchiveId.EPOCH_MILLIS);
        List<ArchivedMessage> both = List.of(atEpoch, later);

        for (Instant before : List.of(Instant.MIN, Instant.EPOCH, Instant.parse("1999-12-31T23:59:59.999Z"), epoch.minusNanos(1))) {
            assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(before, null)), both, true);
            assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(null, before)), List.of(), true);
            assertPage(archivePage(ALICE, ArchiveQuery.latest(10).between(null, before)), List.of(), true);
        }
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(null, epoch)), List.of(atEpoch), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(epoch, epoch)), List.of(atEpoch), true);
        for (Instant after : List.of(Instant.parse("2100-01-01T00:00:00Z"), Instant.MAX)) {
            assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(null, after)), both, true);
            assertPage(archivePage(ALICE, ArchiveQuery.latest(1).between(Instant.MIN, after)), List.of(later), false);
            assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(after, null)), List.of(), true);
            assertPage(archivePage(ALICE, ArchiveQuery.latest(10).between(after, Instant.MAX)), List.of(), true);
        }
    }

    @Test
    default void archiveIdBoundsAreExclusive() {
        createAccounts(ALICE);
        List<ArchivedMessage> m = series(ALICE, BASE_TIME, 6, Duration.ofSeconds(1), i -> BOB);
        writeConcurrently(m, 64, archiveStore()::append);
        long id1 = m.get(1).id();
        long id4 = m.get(4).id();

        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1)), pick(m, 2, 3, 4, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).before(id4)), pick(m, 0, 1, 2, 3), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1).before(id4)), pick(m, 2, 3), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10).after(id1).before(id4)), pick(m, 2, 3), true);
        // Bounds need not be ids of messages.
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1 + 1).before(id4 - 1)), pick(m, 2, 3), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1 - 1).before(id4 + 1)), pick(m, 1, 2, 3, 4), true);
        // Adjacent or crossed bounds leave nothing.
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1).before(m.get(2).id())), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1).before(id1)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10).after(id4).before(id1)), List.of(), true);
        // Extreme bounds (clients send cursors, so any parseable id can arrive).
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(Long.MAX_VALUE)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10).after(Long.MAX_VALUE)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).before(0L)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10).before(Long.MIN_VALUE)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(-1L)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(Long.MIN_VALUE).before(Long.MAX_VALUE)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(0L)), m, true);
    }

    // ---------------------------------------------------------------- paging and completeness

    @Test
    default void archiveForwardPagesAndCompleteness() {
        createAccounts(ALICE);
        List<ArchivedMessage> m = series(ALICE, BASE_TIME, 5, Duration.ofMinutes(1), i -> BOB);
        writeConcurrently(m, 64, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(1)), pick(m, 0), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2)), pick(m, 0, 1), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(4)), pick(m, 0, 1, 2, 3), false);
        // Exactly full and nothing after it: complete.
        assertPage(archivePage(ALICE, ArchiveQuery.first(5)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(6)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(Integer.MAX_VALUE)), m, true);
        // Forward completeness looks only after the page: older messages before the cursor do not count.
        assertPage(archivePage(ALICE, ArchiveQuery.first(3).after(m.get(1).id())), pick(m, 2, 3, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).after(m.get(1).id())), pick(m, 2, 3), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(1).after(m.get(3).id())), pick(m, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(3).after(m.get(4).id())), List.of(), true);
        // A forward page below a before-bound: newer messages beyond the bound do not count either.
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).before(m.get(2).id())), pick(m, 0, 1), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).after(m.get(0).id()).before(m.get(3).id())), pick(m, 1, 2), true);
    }

    @Test
    default void archiveBackwardPagesAndCompleteness() {
        createAccounts(ALICE);
        List<ArchivedMessage> m = series(ALICE, BASE_TIME, 5, Duration.ofMinutes(1), i -> BOB);
        writeConcurrently(m, 64, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.latest(1)), pick(m, 4), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2)), pick(m, 3, 4), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(4)), pick(m, 1, 2, 3, 4), false);
        // Exactly full and nothing before it: complete.
        assertPage(archivePage(ALICE, ArchiveQuery.latest(5)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(6)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(Integer.MAX_VALUE)), m, true);
        // Backward completeness looks only before the page: newer messages past the cursor do not count.
        assertPage(archivePage(ALICE, ArchiveQuery.latest(3).before(m.get(3).id())), pick(m, 0, 1, 2), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).before(m.get(3).id())), pick(m, 1, 2), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(1).before(m.get(1).id())), pick(m, 0), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(3).before(m.get(0).id())), List.of(), true);
        // A backward page above an after-bound: older messages below the bound do not count either.
        assertPage(archivePage(ALICE, ArchiveQuery.latest(4).after(m.get(0).id())), pick(m, 1, 2, 3, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(3).after(m.get(0).id())), pick(m, 2, 3, 4), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).after(m.get(1).id()).before(m.get(4).id())), pick(m, 2, 3), true);
    }

    @Test
    default void archiveCompletenessCountsOnlyMatchingMessages() {
        createAccounts(ALICE);
        // bob, carol, bob, carol, bob, carol
        List<ArchivedMessage> m = series(ALICE, BASE_TIME, 6, Duration.ofSeconds(10), i -> (i % 2 == 0 ? BOB : CAROL) + "/r");
        writeConcurrently(m, 64, archiveStore()::append);

        // Carol's last message comes after Bob's last, but is not Bob's: Bob's page is complete.
        assertPage(archivePage(ALICE, ArchiveQuery.first(3).withContact(BOB)), pick(m, 0, 2, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).withContact(BOB)), pick(m, 0, 2), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(3).withContact(CAROL)), pick(m, 1, 3, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).withContact(CAROL)), pick(m, 3, 5), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(3).withContact(BOB)), pick(m, 0, 2, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(3).withContact(CAROL + "/r")), pick(m, 1, 3, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(1).withContact(CAROL).after(m.get(3).id())), pick(m, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(1).withContact(BOB).before(m.get(2).id())), pick(m, 0), true);
        // The same with a time window instead of a contact.
        Instant from = m.get(1).timestamp();
        Instant to = m.get(4).timestamp();
        assertPage(archivePage(ALICE, ArchiveQuery.first(4).between(from, to)), pick(m, 1, 2, 3, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(4).between(from, to)), pick(m, 1, 2, 3, 4), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(2).between(from, to).withContact(CAROL)), pick(m, 1, 3), true);
    }

    @Test
    default void archivePagingWalkSeesEveryMessageExactlyOnce() {
        createAccounts(ALICE);
        // 300 messages over about a year and a half, some sharing a millisecond, several contacts.
        Random random = new Random(17);
        ArchiveId ids = ArchiveId.generator();
        List<String> contacts = List.of(BOB, BOB + "/phone", BOB + "/desk", CAROL + "/x", "dave@example.com");
        List<ArchivedMessage> all = new ArrayList<>();
        long t = Instant.parse("2023-01-30T23:59:59.990Z").toEpochMilli();
        for (int i = 0; i < 300; i++) {
            t += random.nextInt(4) == 0 ? 0 : random.nextInt(3 * 24 * 3600 * 1000);
            all.add(archived(ALICE, ids.next(t), contacts.get(random.nextInt(contacts.size())), "message " + i));
        }
        List<ArchivedMessage> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, random);
        writeConcurrently(shuffled, 64, archiveStore()::append);

        for (int size : new int[] {17, 20, 300, 301}) {
            assertThat(walkForward(ALICE, ArchiveQuery.first(size))).as("forward by %d", size).containsExactlyElementsOf(all);
            assertThat(walkBackward(ALICE, ArchiveQuery.latest(size))).as("backward by %d", size).containsExactlyElementsOf(all);
        }
        List<ArchivedMessage> bobs = all.stream().filter(m -> m.withBare().equals(BOB)).toList();
        assertThat(walkForward(ALICE, ArchiveQuery.first(7).withContact(BOB))).containsExactlyElementsOf(bobs);
        assertThat(walkBackward(ALICE, ArchiveQuery.latest(7).withContact(BOB))).containsExactlyElementsOf(bobs);
        List<ArchivedMessage> phone = all.stream().filter(m -> m.with().equals(BOB + "/phone")).toList();
        assertThat(walkForward(ALICE, ArchiveQuery.first(5).withContact(BOB + "/phone"))).containsExactlyElementsOf(phone);
        assertThat(walkBackward(ALICE, ArchiveQuery.latest(5).withContact(BOB + "/phone"))).containsExactlyElementsOf(phone);
        // A window spanning a few months, bounded by times that are not message times.
        Instant from = Instant.parse("2023-04-15T00:00:00Z");
        Instant to = Instant.parse("2023-09-01T00:00:00Z");
        List<ArchivedMessage> window = all.stream()
                .filter(m -> !m.timestamp().isBefore(from) && !m.timestamp().isAfter(to)).toList();
        assertThat(window).isNotEmpty();
        assertThat(walkForward(ALICE, ArchiveQuery.first(9).between(from, to))).containsExactlyElementsOf(window);
        assertThat(walkBackward(ALICE, ArchiveQuery.latest(9).between(from, to))).containsExactlyElementsOf(window);
    }

    @Test
    default void archiveMessagesDecadesApartArePagedLikeAnyOther() {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        // From the first millisecond ids can express to a few months before the last; backends
        // that partition by time must not assume messages are dense, recent or in the past.
        List<Instant> times = List.of(Instant.ofEpochMilli(ArchiveId.EPOCH_MILLIS), Instant.parse("2020-06-30T23:59:59.999Z"),
                Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2024-02-29T12:00:00Z"), Instant.parse("2040-07-01T00:00:00Z"),
                Instant.parse("2060-12-31T23:59:59.999Z"), Instant.parse("2089-01-01T00:00:00Z"));
        List<ArchivedMessage> m = times.stream()
                .map(time -> archived(ALICE, ids.next(time.toEpochMilli()), BOB + "/r", time.toString())).toList();
        writeConcurrently(m, 64, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(3)), pick(m, 0, 1, 2), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(3)), pick(m, 4, 5, 6), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(7)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(7)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).withContact(BOB)), pick(m, 5, 6), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(times.get(2), times.get(5))), pick(m, 2, 3, 4, 5), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).between(times.get(2), times.get(5))), pick(m, 4, 5), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(1).after(m.get(3).id())), pick(m, 4), false);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(1).before(m.get(3).id())), pick(m, 2), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(Instant.parse("2030-01-01T00:00:00Z"),
                Instant.parse("2040-06-30T00:00:00Z"))), List.of(), true);
        assertThat(walkForward(ALICE, ArchiveQuery.first(2))).containsExactlyElementsOf(m);
        assertThat(walkBackward(ALICE, ArchiveQuery.latest(2).withContact(BOB + "/r"))).containsExactlyElementsOf(m);
    }

    @Test
    default void archiveQueriesAgreeWithTheDocumentedFilterModel() {
        createAccounts(ALICE);
        Random random = new Random(23);
        ArchiveId ids = ArchiveId.generator();
        List<String> contacts = List.of(BOB, BOB + "/phone", BOB + "/desk", CAROL, CAROL + "/phone", "dave@example.com/x");
        long t = BASE_TIME.toEpochMilli();
        List<ArchivedMessage> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // Times in [t, t+15] ms, so many share a millisecond; ids must still be increasing per time.
            all.add(archived(ALICE, ids.next(t + i * 15L / 40), contacts.get(random.nextInt(contacts.size())), "m" + i));
        }
        writeConcurrently(all, 64, archiveStore()::append);
        List<String> withs = new ArrayList<>(contacts);
        withs.addAll(List.of("nobody@localhost", "carol@localhost/desk"));
        withs.add(null);
        withs.add(null);

        for (int i = 0; i < 150; i++) {
            ArchiveQuery q = new ArchiveQuery(
                    withs.get(random.nextInt(withs.size())),
                    random.nextInt(3) == 0 ? randomTime(random, t) : null,
                    random.nextInt(3) == 0 ? randomTime(random, t) : null,
                    random.nextInt(3) == 0 ? randomId(random, all) : null,
                    random.nextInt(3) == 0 ? randomId(random, all) : null,
                    1 + random.nextInt(12),
                    random.nextBoolean());

            ArchivePage expected = expectedPage(all, q);
            ArchivePage actual = archivePage(ALICE, q);

            assertThat(actual.messages()).as("%s", q).containsExactlyElementsOf(expected.messages());
            assertThat(actual.complete()).as("complete for %s", q).isEqualTo(expected.complete());
        }
    }

    @Test
    default void archiveConcurrentAppendsAreAllKept() throws Exception {
        createAccounts(ALICE);
        ArchiveId ids = ArchiveId.generator();
        ArchivedMessage shared = archived(ALICE, ids.next(BASE_TIME.toEpochMilli()), BOB, "retried by everyone");
        int threads = 16;
        int perThread = 6;

        List<List<ArchivedMessage>> written = StorageContractSupport.race(threads, i -> {
            List<ArchivedMessage> mine = new ArrayList<>();
            for (int k = 0; k < perThread; k++) {
                ArchivedMessage m = archived(ALICE, ids.next(), (k % 2 == 0 ? BOB : CAROL) + "/t" + i, "t" + i + " k" + k);
                awaitResult(archiveStore().append(m));
                mine.add(m);
            }
            awaitResult(archiveStore().append(shared));
            return mine;
        });

        List<ArchivedMessage> expected = new ArrayList<>();
        written.forEach(expected::addAll);
        expected.add(shared);
        expected.sort(Comparator.comparingLong(ArchivedMessage::id));
        assertPage(archivePage(ALICE, ArchiveQuery.first(1000)), expected, true);
        assertThat(walkForward(ALICE, ArchiveQuery.first(25).withContact(CAROL)))
                .containsExactlyElementsOf(expected.stream().filter(m -> m.withBare().equals(CAROL)).toList());
    }

    @Test
    default void archivesAreIsolatedPerOwner() {
        createAccounts(ALICE, BOB);
        ArchiveId ids = ArchiveId.generator();
        long t = BASE_TIME.toEpochMilli();
        // The same ids in both archives (ids are unique per owner only), with different content.
        long id1 = ids.next(t);
        long id2 = ids.next(t + 1);
        ArchivedMessage alice1 = archived(ALICE, id1, CAROL, "alice 1");
        ArchivedMessage alice2 = archived(ALICE, id2, BOB, "alice 2");
        ArchivedMessage bob1 = archived(BOB, id1, CAROL, "bob 1");
        ArchivedMessage bob2 = archived(BOB, id2, ALICE, "bob 2");
        ArchivedMessage bob3 = archived(BOB, ids.next(t + 2), CAROL + "/x", "bob 3");
        writeConcurrently(List.of(alice1, alice2, bob1, bob2, bob3), 8, archiveStore()::append);

        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(alice1, alice2), true);
        assertPage(archivePage(BOB, ArchiveQuery.first(10)), List.of(bob1, bob2, bob3), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(CAROL)), List.of(alice1), true);
        assertPage(archivePage(BOB, ArchiveQuery.latest(10).withContact(CAROL)), List.of(bob1, bob3), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(1)), List.of(alice2), false);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).after(id1)), List.of(alice2), true);
        assertPage(archivePage("Alice@localhost", ArchiveQuery.first(10)), List.of(), true);
        assertPage(archivePage(CAROL, ArchiveQuery.first(10)), List.of(), true);
    }

    // ---------------------------------------------------------------- preferences

    @Test
    default void archivePrefsAreDefaultUntilSet() {
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
        createAccounts(ALICE, BOB);
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
        ArchivePrefs prefs = new ArchivePrefs(ArchivePrefs.Mode.ROSTER, Set.of(CAROL), Set.of());

        awaitResult(archiveStore().setPrefs(ALICE, prefs));

        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(prefs);
        // Per owner, exact strings.
        assertThat(awaitResult(archiveStore().prefs(BOB))).isEqualTo(ArchivePrefs.DEFAULT);
        assertThat(awaitResult(archiveStore().prefs("Alice@localhost"))).isEqualTo(ArchivePrefs.DEFAULT);
    }

    @Test
    default void archivePrefsAreReplacedWhole() {
        createAccounts(ALICE, BOB);
        ArchivePrefs bobs = new ArchivePrefs(ArchivePrefs.Mode.NEVER, Set.of(ALICE), Set.of());
        awaitResult(archiveStore().setPrefs(BOB, bobs));
        // A JID may be on both lists (never wins, which is for the protocol layer to apply).
        ArchivePrefs first = new ArchivePrefs(ArchivePrefs.Mode.ROSTER,
                Set.of(BOB, "dave@example.com", "\uD83D\uDE00@localhost", "example.org"),
                Set.of(CAROL, "dave@example.com", "Zoë@localhost"));
        ArchivePrefs second = new ArchivePrefs(ArchivePrefs.Mode.NEVER, Set.of(), Set.of("eve@example.com"));
        ArchivePrefs third = new ArchivePrefs(ArchivePrefs.Mode.ALWAYS, Set.of(CAROL), Set.of());

        awaitResult(archiveStore().setPrefs(ALICE, first));
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(first);
        // Nothing of the first survives: lists are replaced, not merged.
        awaitResult(archiveStore().setPrefs(ALICE, second));
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(second);
        awaitResult(archiveStore().setPrefs(ALICE, third));
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(third);
        awaitResult(archiveStore().setPrefs(ALICE, third)); // same again
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(third);
        for (ArchivePrefs.Mode mode : ArchivePrefs.Mode.values()) {
            ArchivePrefs p = new ArchivePrefs(mode, Set.of(), Set.of());
            awaitResult(archiveStore().setPrefs(ALICE, p));
            assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(p);
        }
        awaitResult(archiveStore().setPrefs(ALICE, ArchivePrefs.DEFAULT));
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
        assertThat(awaitResult(archiveStore().prefs(BOB))).isEqualTo(bobs);
    }

    @Test
    default void archiveSetPrefsForMissingAccountFailsWithNoSuchAccount() {
        ArchivePrefs prefs = new ArchivePrefs(ArchivePrefs.Mode.NEVER, Set.of(), Set.of(BOB));

        Throwable failure = awaitError(archiveStore().setPrefs(ALICE, prefs));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
        createAccounts(ALICE);
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
    }

    // ---------------------------------------------------------------- arguments, accounts, lifecycle

    @Test
    default void archiveArgumentErrorsThrowSynchronously() {
        createAccounts(ALICE);

        assertThatThrownBy(() -> archiveStore().append(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> archiveStore().query(null, ArchiveQuery.first(1))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> archiveStore().query(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> archiveStore().prefs(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> archiveStore().setPrefs(null, ArchivePrefs.DEFAULT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> archiveStore().setPrefs(ALICE, null)).isInstanceOf(NullPointerException.class);
        // Invalid values cannot even be built, so no store sees them.
        assertThatThrownBy(() -> ArchiveQuery.first(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArchiveQuery.latest(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArchivedMessage(ALICE, -1, BOB, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArchivePrefs(null, Set.of(), Set.of())).isInstanceOf(NullPointerException.class);
        // Nothing was written by the rejected calls.
        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(), true);
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
    }

    @Test
    default void deleteAccountRemovesItsArchiveAndPrefs() {
        createAccounts(ALICE, BOB);
        ArchiveId ids = ArchiveId.generator();
        List<ArchivedMessage> alices = series(ALICE, BASE_TIME, 6, Duration.ofDays(40), i -> (i % 2 == 0 ? BOB : CAROL) + "/r");
        ArchivedMessage bobsWithAlice = archived(BOB, alices.get(0).id(), ALICE + "/phone", "bob's copy");
        // A day before any of Alice's, so ids cannot collide (another generator may share the salt).
        ArchivedMessage bobsWithCarol = archived(BOB, ids.next(BASE_TIME.minus(Duration.ofDays(1)).toEpochMilli()), CAROL, "bob and carol");
        writeConcurrently(alices, 64, archiveStore()::append);
        awaitResult(archiveStore().append(bobsWithAlice));
        awaitResult(archiveStore().append(bobsWithCarol));
        ArchivePrefs bobsPrefs = new ArchivePrefs(ArchivePrefs.Mode.ROSTER, Set.of(ALICE), Set.of());
        awaitResult(archiveStore().setPrefs(ALICE, new ArchivePrefs(ArchivePrefs.Mode.NEVER, Set.of(BOB), Set.of(CAROL))));
        awaitResult(archiveStore().setPrefs(BOB, bobsPrefs));

        assertThat(awaitResult(accountStore().delete(ALICE))).isTrue();

        assertAliceArchiveIsEmpty();
        // Other users' archives, including their messages with Alice, stay.
        assertPage(archivePage(BOB, ArchiveQuery.first(10)), List.of(bobsWithCarol, bobsWithAlice), true);
        assertPage(archivePage(BOB, ArchiveQuery.first(10).withContact(ALICE)), List.of(bobsWithAlice), true);
        assertThat(awaitResult(archiveStore().prefs(BOB))).isEqualTo(bobsPrefs);

        // A re-registered JID starts clean: no messages, default preferences, and an id the old
        // archive had is a new message now, not a duplicate of a deleted one.
        createAccounts(ALICE);
        assertAliceArchiveIsEmpty();
        ArchivedMessage reused = archived(ALICE, alices.get(2).id(), "dave@example.com", "new life");
        awaitResult(archiveStore().append(reused));
        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(reused), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10)), List.of(reused), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact("dave@example.com")), List.of(reused), true);
    }

    private void assertAliceArchiveIsEmpty() {
        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).withContact(BOB)), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(10).withContact(CAROL + "/r")), List.of(), true);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10).between(BASE_TIME, BASE_TIME.plus(Duration.ofDays(365)))), List.of(), true);
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(ArchivePrefs.DEFAULT);
    }

    @Test
    default void archiveSurvivesReopen() throws Exception {
        createAccounts(ALICE);
        List<ArchivedMessage> m = series(ALICE, BASE_TIME, 4, Duration.ofHours(5), i -> BOB + "/r" + i);
        writeConcurrently(m, 64, archiveStore()::append);
        ArchivePrefs prefs = new ArchivePrefs(ArchivePrefs.Mode.ROSTER, Set.of(CAROL), Set.of(BOB));
        awaitResult(archiveStore().setPrefs(ALICE, prefs));

        reopenStorageUnderTest();

        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), m, true);
        assertPage(archivePage(ALICE, ArchiveQuery.latest(2).withContact(BOB)), m.subList(2, 4), false);
        assertThat(awaitResult(archiveStore().prefs(ALICE))).isEqualTo(prefs);
        // Still writable, and a retry of a message written before the reopen still leaves one copy.
        awaitResult(archiveStore().append(m.get(0)));
        ArchivedMessage next = archived(ALICE, ArchiveId.generator().next(BASE_TIME.plusSeconds(86_400).toEpochMilli()), CAROL, "next");
        awaitResult(archiveStore().append(next));
        List<ArchivedMessage> expected = new ArrayList<>(m);
        expected.add(next);
        assertPage(archivePage(ALICE, ArchiveQuery.first(10)), expected, true);
    }

    @Test
    default void archiveOperationsAfterCloseFailWithStorageException() {
        createAccounts(ALICE);
        ArchivedMessage m = archived(ALICE, ArchiveId.generator().next(BASE_TIME.toEpochMilli()), BOB, "late");
        storageUnderTest().close();

        assertThat(awaitError(archiveStore().append(m))).isInstanceOf(StorageException.class);
        assertThat(awaitError(archiveStore().query(ALICE, ArchiveQuery.first(1)))).isInstanceOf(StorageException.class);
        assertThat(awaitError(archiveStore().prefs(ALICE))).isInstanceOf(StorageException.class);
        assertThat(awaitError(archiveStore().setPrefs(ALICE, ArchivePrefs.DEFAULT))).isInstanceOf(StorageException.class);
    }

    // ---------------------------------------------------------------- helpers

    default ArchivePage archivePage(String owner, ArchiveQuery query) {
        return awaitResult(archiveStore().query(owner, query));
    }

    static ArchivedMessage archived(String owner, long id, String with, String body) {
        return new ArchivedMessage(owner, id, with, utf8("<message><body>" + body + "</body></message>"));
    }

    /** {@code n} messages from {@code start}, {@code step} apart, ids from one generator. */
    static List<ArchivedMessage> series(String owner, Instant start, int n, Duration step,
                                        java.util.function.IntFunction<String> with) {
        ArchiveId ids = ArchiveId.generator();
        return IntStream.range(0, n)
                .mapToObj(i -> archived(owner, ids.next(start.plus(step.multipliedBy(i)).toEpochMilli()), with.apply(i), "m" + i))
                .toList();
    }

    static List<ArchivedMessage> pick(List<ArchivedMessage> messages, int... indexes) {
        return IntStream.of(indexes).mapToObj(messages::get).toList();
    }

    static void assertPage(ArchivePage page, List<ArchivedMessage> expected, boolean complete) {
        assertThat(page.messages()).extracting(m -> new String(m.stanza(), java.nio.charset.StandardCharsets.UTF_8))
                .containsExactlyElementsOf(expected.stream().map(m -> new String(m.stanza(), java.nio.charset.StandardCharsets.UTF_8)).toList());
        assertThat(page.messages()).containsExactlyElementsOf(expected);
        assertThat(page.complete()).as("complete").isEqualTo(complete);
    }

    /** Pages forward from {@code query} (no afterId) until complete, checking each page on the way. */
    default List<ArchivedMessage> walkForward(String owner, ArchiveQuery query) {
        List<ArchivedMessage> seen = new ArrayList<>();
        ArchiveQuery q = query;
        for (int pages = 0; ; pages++) {
            assertThat(pages).as("pages walked").isLessThan(1000);
            ArchivePage page = archivePage(owner, q);
            assertThat(page.messages().size()).isLessThanOrEqualTo(q.limit());
            seen.addAll(page.messages());
            if (page.complete()) {
                return seen;
            }
            assertThat(page.messages()).as("an incomplete page is full").hasSize(q.limit());
            q = q.after(page.messages().get(page.messages().size() - 1).id());
        }
    }

    /** Pages backward from {@code query} (no beforeId, {@code last} set) until complete. */
    default List<ArchivedMessage> walkBackward(String owner, ArchiveQuery query) {
        List<List<ArchivedMessage>> pagesSeen = new ArrayList<>();
        ArchiveQuery q = query;
        for (int pages = 0; ; pages++) {
            assertThat(pages).as("pages walked").isLessThan(1000);
            ArchivePage page = archivePage(owner, q);
            assertThat(page.messages().size()).isLessThanOrEqualTo(q.limit());
            pagesSeen.add(page.messages());
            if (page.complete()) {
                break;
            }
            assertThat(page.messages()).as("an incomplete page is full").hasSize(q.limit());
            q = q.before(page.messages().get(0).id());
        }
        Collections.reverse(pagesSeen);
        return pagesSeen.stream().flatMap(List::stream).collect(Collectors.toList());
    }

    /**
     * The page the javadoc describes, computed from all messages without {@link ArchiveQuery#matches}
     * (so that helper is checked too): the matching messages in id order, the oldest or newest
     * {@code limit} of them, complete when no more matched.
     */
    static ArchivePage expectedPage(List<ArchivedMessage> all, ArchiveQuery q) {
        List<ArchivedMessage> matching = all.stream()
                .filter(m -> documentedMatch(m, q))
                .sorted(Comparator.comparingLong(ArchivedMessage::id))
                .toList();
        int n = matching.size();
        List<ArchivedMessage> page = q.last()
                ? matching.subList(Math.max(0, n - q.limit()), n)
                : matching.subList(0, Math.min(q.limit(), n));
        return new ArchivePage(page, n <= q.limit());
    }

    private static boolean documentedMatch(ArchivedMessage m, ArchiveQuery q) {
        Instant timestamp = m.timestamp();
        if (q.start() != null && timestamp.isBefore(q.start().truncatedTo(ChronoUnit.MILLIS))) {
            return false;
        }
        if (q.end() != null && timestamp.isAfter(q.end())) {
            return false;
        }
        if (q.afterId() != null && m.id() <= q.afterId()) {
            return false;
        }
        if (q.beforeId() != null && m.id() >= q.beforeId()) {
            return false;
        }
        if (q.with() == null) {
            return true;
        }
        int slash = m.with().indexOf('/');
        String withBare = slash < 0 ? m.with() : m.with().substring(0, slash);
        return q.with().contains("/") ? m.with().equals(q.with()) : withBare.equals(q.with());
    }

    private static Instant randomTime(Random random, long t) {
        int[] nanos = {0, 1, 500_000, 999_999};
        return Instant.ofEpochMilli(t - 2 + random.nextInt(20)).plusNanos(nanos[random.nextInt(nanos.length)]);
    }

    private static Long randomId(Random random, List<ArchivedMessage> all) {
        long id = all.get(random.nextInt(all.size())).id();
        return id + random.nextInt(3) - 1;
    }
}
