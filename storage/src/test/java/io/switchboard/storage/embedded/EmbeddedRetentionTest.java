package io.switchboard.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archive retention and offline-message TTL of the embedded backend ({@link EmbeddedOptions}). */
class EmbeddedRetentionTest {

    private static final Instant NOW = Instant.parse("2025-06-15T08:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final Duration TTL = Duration.ofDays(7);
    private static final String ALICE = "alice@localhost";
    private static final String BOB = "bob@localhost";

    @TempDir
    Path dir;

    @Test
    void optionsTreatNullAndZeroAsForever() {
        assertThat(EmbeddedOptions.DEFAULT.expires()).isFalse();
        assertThat(new EmbeddedOptions(Duration.ZERO, Duration.ZERO)).isEqualTo(EmbeddedOptions.DEFAULT);
        EmbeddedOptions archiveOnly = EmbeddedOptions.DEFAULT.withArchiveRetention(RETENTION);
        assertThat(archiveOnly.archiveRetention()).isEqualTo(RETENTION);
        assertThat(archiveOnly.offlineTtl()).isNull();
        assertThat(archiveOnly.expires()).isTrue();
        assertThat(EmbeddedOptions.DEFAULT.withOfflineTtl(TTL).expires()).isTrue();
        assertThat(archiveOnly.withArchiveRetention(Duration.ZERO).expires()).isFalse();
        assertThatThrownBy(() -> new EmbeddedOptions(Duration.ofSeconds(-1), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmbeddedOptions.DEFAULT.withOfflineTtl(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void purgeDeletesWhatIsOlderThanTheLimitsAndNothingElse() {
        try (EmbeddedStorage storage = open(new EmbeddedOptions(RETENTION, TTL))) {
            create(storage, ALICE, BOB);
            ArchiveId ids = ArchiveId.generator();
            Instant cutoff = NOW.minus(RETENTION);
            // Older than the retention: strictly before the cutoff's millisecond.
            ArchivedMessage old1 = archived(ids, ALICE, cutoff.minus(Duration.ofDays(400)));
            ArchivedMessage old2 = archived(ids, BOB, cutoff.minusMillis(1));
            // Kept: from the cutoff's millisecond on, including messages "from the future".
            ArchivedMessage atCutoff = archived(ids, ALICE, cutoff);
            ArchivedMessage recent = archived(ids, BOB, NOW.minus(Duration.ofDays(1)));
            ArchivedMessage future = archived(ids, ALICE, NOW.plus(Duration.ofDays(1)));
            for (ArchivedMessage m : List.of(old1, old2, atCutoff, recent, future)) {
                await(storage.archive().append(m));
            }
            Instant ttlCutoff = NOW.minus(TTL);
            OfflineMessage stale1 = offline("stale1", ALICE, ttlCutoff.minus(Duration.ofDays(100)));
            OfflineMessage stale2 = offline("stale2", BOB, ttlCutoff.minusMillis(1));
            OfflineMessage atTtl = offline("at-ttl", ALICE, ttlCutoff);
            OfflineMessage fresh = offline("fresh", BOB, NOW);
            for (OfflineMessage m : List.of(stale1, stale2, atTtl, fresh)) {
                await(storage.offline().store(m));
            }

            assertThat(await(storage.purgeExpired(NOW))).isEqualTo(new EmbeddedStorage.Purged(2, 2));

            assertThat(archive(storage, ALICE)).containsExactly(atCutoff, future);
            assertThat(archive(storage, BOB)).containsExactly(recent);
            assertThat(await(storage.offline().fetch(ALICE, 10))).containsExactly(atTtl);
            assertThat(await(storage.offline().fetch(BOB, 10))).containsExactly(fresh);
            // Nothing else is touched, and a second purge finds nothing.
            assertThat(await(storage.accounts().count())).isEqualTo(2L);
            assertThat(await(storage.purgeExpired(NOW))).isEqualTo(new EmbeddedStorage.Purged(0, 0));
            // As time passes, more expires.
            assertThat(await(storage.purgeExpired(NOW.plus(Duration.ofDays(29)))))
                    .isEqualTo(new EmbeddedStorage.Purged(1, 2));
            assertThat(archive(storage, ALICE)).containsExactly(future);
            assertThat(archive(storage, BOB)).containsExactly(recent);
        }
    }

    @Test
    void purgeWorksInBatchesUntilDone() {
        try (EmbeddedStorage storage = open(new EmbeddedOptions(RETENTION, TTL))) {
            List<String> owners = List.of(ALICE, BOB, "carol@localhost");
            create(storage, owners.toArray(String[]::new));
            ArchiveId ids = ArchiveId.generator();
            Instant old = NOW.minus(Duration.ofDays(100));
            for (int i = 0; i < 10; i++) {
                await(storage.archive().append(archived(ids, owners.get(i % 3), old.plusSeconds(i))));
            }
            ArchivedMessage kept = archived(ids, ALICE, NOW);
            await(storage.archive().append(kept));
            for (int i = 0; i < 7; i++) {
                await(storage.offline().store(offline("m" + i, owners.get(i % 3), old)));
            }

            assertThat(await(storage.purgeExpired(NOW, 3))).isEqualTo(new EmbeddedStorage.Purged(10, 7));

            assertThat(archive(storage, ALICE)).containsExactly(kept);
            assertThat(archive(storage, BOB)).isEmpty();
            for (String owner : owners) {
                assertThat(await(storage.offline().count(owner))).isZero();
            }
        }
    }

    @Test
    void withoutLimitsNothingExpires() {
        try (EmbeddedStorage storage = open(EmbeddedOptions.DEFAULT)) {
            create(storage, ALICE);
            ArchivedMessage m = archived(ArchiveId.generator(), ALICE, NOW.minus(Duration.ofDays(1500)));
            await(storage.archive().append(m));
            await(storage.offline().store(offline("m", ALICE, Instant.parse("2000-01-01T00:00:00Z"))));

            assertThat(await(storage.purgeExpired(NOW.plus(Duration.ofDays(20_000)))))
                    .isEqualTo(new EmbeddedStorage.Purged(0, 0));

            assertThat(archive(storage, ALICE)).containsExactly(m);
            assertThat(await(storage.offline().count(ALICE))).isEqualTo(1);
            assertThat(purgeThreads()).isEmpty();
        }
    }

    @Test
    void eachLimitAppliesOnlyToItsOwnData() {
        Instant old = NOW.minus(Duration.ofDays(365));
        try (EmbeddedStorage storage = open(EmbeddedOptions.DEFAULT.withArchiveRetention(RETENTION))) {
            create(storage, ALICE);
            await(storage.archive().append(archived(ArchiveId.generator(), ALICE, old)));
            await(storage.offline().store(offline("m", ALICE, old)));

            assertThat(await(storage.purgeExpired(NOW))).isEqualTo(new EmbeddedStorage.Purged(1, 0));
            assertThat(await(storage.offline().count(ALICE))).isEqualTo(1);
        }
        try (EmbeddedStorage storage = open(EmbeddedOptions.DEFAULT.withOfflineTtl(TTL))) {
            // The purge at open took the offline message above (a write orders this read after it).
            create(storage, BOB);
            assertThat(await(storage.offline().count(ALICE))).isZero();
            ArchivedMessage m = archived(ArchiveId.generator(), ALICE, old);
            await(storage.archive().append(m));
            await(storage.offline().store(offline("m2", ALICE, old)));

            assertThat(await(storage.purgeExpired(NOW))).isEqualTo(new EmbeddedStorage.Purged(0, 1));
            assertThat(archive(storage, ALICE)).containsExactly(m);
        }
    }

    @Test
    void limitsReachingBeforeAnyDataDeleteNothing() {
        EmbeddedOptions huge = new EmbeddedOptions(Duration.ofDays(365L * 1000), Duration.ofSeconds(Long.MAX_VALUE));
        try (EmbeddedStorage storage = open(huge)) {
            create(storage, ALICE);
            ArchivedMessage first = new ArchivedMessage(ALICE, ArchiveId.generator().next(ArchiveId.EPOCH_MILLIS), BOB, new byte[0]);
            await(storage.archive().append(first));
            await(storage.offline().store(offline("m", ALICE, Instant.parse("1970-01-01T00:00:00Z"))));

            assertThat(await(storage.purgeExpired(NOW))).isEqualTo(new EmbeddedStorage.Purged(0, 0));
            assertThat(archive(storage, ALICE)).containsExactly(first);
        }
    }

    @Test
    void purgeRunsAtOpenBeforeAnyLaterWrite() {
        ArchiveId ids = ArchiveId.generator();
        ArchivedMessage old = archived(ids, ALICE, NOW.minus(Duration.ofDays(31)));
        ArchivedMessage recent = archived(ids, ALICE, NOW.minus(Duration.ofDays(29)));
        try (EmbeddedStorage storage = open(EmbeddedOptions.DEFAULT)) {
            create(storage, ALICE);
            await(storage.archive().append(old));
            await(storage.archive().append(recent));
            await(storage.offline().store(offline("stale", ALICE, NOW.minus(Duration.ofDays(8)))));
        }

        try (EmbeddedStorage storage = open(new EmbeddedOptions(RETENTION, TTL))) {
            // The purge was queued on the writer by open(), so this write runs after it.
            create(storage, BOB);

            assertThat(archive(storage, ALICE)).containsExactly(recent);
            assertThat(await(storage.offline().count(ALICE))).isZero();
        }
    }

    @Test
    void purgeRunsOnADaemonThreadThatCloseStops() throws Exception {
        EmbeddedStorage storage = open(new EmbeddedOptions(RETENTION, null));
        List<Thread> threads = purgeThreads();
        assertThat(threads).hasSize(1).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
        assertThat(EmbeddedStorage.PURGE_INTERVAL).isEqualTo(Duration.ofHours(1));

        storage.close();

        threads.get(0).join(TimeUnit.SECONDS.toMillis(5));
        assertThat(threads.get(0).isAlive()).isFalse();
        assertThat(purgeThreads()).isEmpty();
        storage.close(); // still idempotent
    }

    @Test
    void publicOpenWithOptions() {
        try (Storage storage = EmbeddedStorage.open(dir, new EmbeddedOptions(RETENTION, TTL))) {
            assertThat(((EmbeddedStorage) storage).options()).isEqualTo(new EmbeddedOptions(RETENTION, TTL));
            assertThat(await(storage.accounts().create(ALICE, List.of()))).isTrue();
        }
        assertThatThrownBy(() -> EmbeddedStorage.open(dir, (EmbeddedOptions) null)).isInstanceOf(NullPointerException.class);
    }

    // ---------------------------------------------------------------- helpers

    private EmbeddedStorage open(EmbeddedOptions options) {
        return EmbeddedStorage.open(dir, CLOCK, Migrations.ALL, options);
    }

    private static void create(EmbeddedStorage storage, String... jids) {
        for (String jid : jids) {
            assertThat(await(storage.accounts().create(jid, List.of()))).isTrue();
        }
    }

    private static ArchivedMessage archived(ArchiveId ids, String owner, Instant at) {
        return new ArchivedMessage(owner, ids.next(at.toEpochMilli()), "contact@example.com/r",
                ("<message><body>" + at + "</body></message>").getBytes(StandardCharsets.UTF_8));
    }

    private static OfflineMessage offline(String id, String to, Instant at) {
        return new OfflineMessage(id, to, at, ("<message id='" + id + "'/>").getBytes(StandardCharsets.UTF_8));
    }

    private static List<ArchivedMessage> archive(EmbeddedStorage storage, String owner) {
        return await(storage.archive().query(owner, ArchiveQuery.first(1000))).messages();
    }

    private static List<Thread> purgeThreads() {
        return new ArrayList<>(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("storage-embedded-purge-") && t.isAlive())
                .toList());
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
