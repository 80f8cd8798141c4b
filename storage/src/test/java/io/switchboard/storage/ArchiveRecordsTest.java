package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The archive value types, independent of any backend. */
class ArchiveRecordsTest {

    private static final long T = Instant.parse("2024-03-01T12:00:00Z").toEpochMilli();

    @Test
    void archivedMessageCopiesStanzaAndComparesByContent() {
        byte[] bytes = {1, 2, 3};
        ArchivedMessage m = new ArchivedMessage("alice@localhost", 42, "bob@localhost/phone", bytes);

        bytes[0] = 9;
        assertThat(m.stanza()).containsExactly(1, 2, 3);
        m.stanza()[1] = 9;
        assertThat(m.stanza()).containsExactly(1, 2, 3);
        ArchivedMessage same = new ArchivedMessage("alice@localhost", 42, "bob@localhost/phone", new byte[] {1, 2, 3});
        assertThat(m).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(m).isNotEqualTo(new ArchivedMessage("alice@localhost", 42, "bob@localhost", new byte[] {1, 2, 3}));
        assertThat(m.toString()).contains("3 bytes", ArchiveId.format(42)).doesNotContain("[1, 2, 3]");
        assertThat(m.withBare()).isEqualTo("bob@localhost");
        assertThat(ArchivedMessage.bareOf("localhost/a/b")).isEqualTo("localhost");
        assertThat(ArchivedMessage.bareOf("a@b")).isEqualTo("a@b");
    }

    @Test
    void archivedMessageRejectsBadArguments() {
        assertThatThrownBy(() -> new ArchivedMessage(null, 1, "b", new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ArchivedMessage("a", 1, null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ArchivedMessage("a", 1, "b", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ArchivedMessage("a", -1, "b", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefsAreImmutableCopies() {
        Set<String> always = new HashSet<>(Set.of("a@x"));
        ArchivePrefs prefs = new ArchivePrefs(ArchivePrefs.Mode.ROSTER, always, Set.of());
        always.add("b@x");

        assertThat(prefs.always()).containsExactly("a@x");
        assertThatThrownBy(() -> prefs.never().add("c@x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ArchivePrefs.DEFAULT).isEqualTo(new ArchivePrefs(ArchivePrefs.Mode.ALWAYS, Set.of(), Set.of()));
        for (ArchivePrefs.Mode mode : ArchivePrefs.Mode.values()) {
            assertThat(ArchivePrefs.Mode.fromXml(mode.xmlValue())).isEqualTo(mode);
        }
        assertThat(ArchivePrefs.Mode.fromXml("ALWAYS")).isNull();
        assertThat(ArchivePrefs.Mode.fromXml(null)).isNull();
    }

    @Test
    void pageIsAnImmutableCopy() {
        List<ArchivedMessage> list = new ArrayList<>();
        list.add(new ArchivedMessage("a", 1, "b", new byte[0]));
        ArchivePage page = new ArchivePage(list, true);
        list.clear();

        assertThat(page.messages()).hasSize(1);
        assertThatThrownBy(() -> page.messages().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void idRangeOfAQuery() {
        ArchiveQuery all = ArchiveQuery.first(1);
        assertThat(all.lowestId()).isZero();
        assertThat(all.highestId()).isEqualTo(Long.MAX_VALUE);

        Instant t = Instant.ofEpochMilli(T);
        ArchiveQuery window = all.between(t, t.plusMillis(1));
        assertThat(window.lowestId()).isEqualTo(ArchiveId.lowest(t));
        assertThat(window.highestId()).isEqualTo(ArchiveId.highest(t.plusMillis(1)));
        // The tighter bound wins on each side.
        long inside = ArchiveId.lowest(t) + 5;
        assertThat(window.after(inside).lowestId()).isEqualTo(inside + 1);
        assertThat(window.before(inside).highestId()).isEqualTo(inside - 1);
        assertThat(window.after(1L).before(Long.MAX_VALUE).lowestId()).isEqualTo(ArchiveId.lowest(t));
    }

    @Test
    void idRangeNeverOverflows() {
        // Clients send cursors; ArchiveId.parse accepts up to Long.MAX_VALUE.
        ArchiveQuery afterLast = ArchiveQuery.first(1).after(Long.MAX_VALUE);
        assertThat(afterLast.highestId()).isNegative();
        assertThat(afterLast.lowestId()).isGreaterThan(afterLast.highestId());
        ArchiveQuery beforeFirst = ArchiveQuery.first(1).before(Long.MIN_VALUE);
        assertThat(beforeFirst.highestId()).isNegative();
        assertThat(ArchiveQuery.first(1).before(0L).highestId()).isNegative();
        assertThat(ArchiveQuery.first(1).after(-5L).lowestId()).isZero();
        assertThat(ArchiveQuery.first(1).between(Instant.MIN, Instant.MAX).lowestId()).isZero();
        assertThat(ArchiveQuery.first(1).between(Instant.MIN, Instant.MAX).highestId()).isEqualTo(Long.MAX_VALUE);
        assertThat(ArchiveQuery.first(1).between(null, Instant.MIN).highestId()).isNegative();
    }

    @Test
    void matchesAgreesWithTheIdRangeAndTheContactRule() {
        Random random = new Random(9);
        ArchiveId ids = ArchiveId.generator();
        List<ArchivedMessage> messages = new ArrayList<>();
        List<String> withs = List.of("bob@x", "bob@x/phone", "bob@x/desk", "carol@x", "x", "x/bob@x");
        for (int i = 0; i < 30; i++) {
            messages.add(new ArchivedMessage("alice@x", ids.next(T + i / 3), withs.get(random.nextInt(withs.size())), new byte[0]));
        }
        List<String> filters = new ArrayList<>(withs);
        filters.add(null);
        for (int i = 0; i < 500; i++) {
            ArchivedMessage pivot = messages.get(random.nextInt(messages.size()));
            ArchiveQuery q = new ArchiveQuery(filters.get(random.nextInt(filters.size())),
                    random.nextBoolean() ? null : Instant.ofEpochMilli(T + random.nextInt(12) - 1).plusNanos(random.nextInt(1_000_000)),
                    random.nextBoolean() ? null : Instant.ofEpochMilli(T + random.nextInt(12) - 1).plusNanos(random.nextInt(1_000_000)),
                    random.nextBoolean() ? null : pivot.id() + random.nextInt(3) - 1,
                    random.nextBoolean() ? null : pivot.id() + random.nextInt(3) - 1,
                    1, random.nextBoolean());
            for (ArchivedMessage m : messages) {
                boolean inRange = m.id() >= q.lowestId() && m.id() <= q.highestId();
                boolean contact = q.with() == null
                        || (q.with().contains("/") ? m.with().equals(q.with()) : m.withBare().equals(q.with()));
                assertThat(q.matches(m)).as("%s matches %s", q, m).isEqualTo(inRange && contact);
                assertThat(q.matches(m)).isEqualTo(ArchiveStoreContract.expectedPage(List.of(m), q).messages().size() == 1);
            }
        }
    }
}
