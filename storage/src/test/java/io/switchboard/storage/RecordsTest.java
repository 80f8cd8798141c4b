package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordsTest {

    private static final ScramCredential SHA_1 = ScramCredential.generate(ScramAlgorithm.SHA_1, "pw", 4096);
    private static final ScramCredential SHA_256 = ScramCredential.generate(ScramAlgorithm.SHA_256, "pw", 4096);

    @Test
    void offlineMessageCopiesStanzaAndComparesByContent() {
        byte[] bytes = {1, 2, 3};
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        OfflineMessage m = new OfflineMessage("id", "alice@localhost", t, bytes);

        bytes[0] = 9;
        assertThat(m.stanza()).containsExactly(1, 2, 3);
        m.stanza()[1] = 9;
        assertThat(m.stanza()).containsExactly(1, 2, 3);
        assertThat(m.size()).isEqualTo(3);

        OfflineMessage same = new OfflineMessage("id", "alice@localhost", t, new byte[] {1, 2, 3});
        assertThat(m).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(m).isNotEqualTo(new OfflineMessage("id", "alice@localhost", t, new byte[] {1, 2}));
        assertThat(m.toString()).contains("3 bytes").doesNotContain("[1, 2, 3]");
    }

    @Test
    void offlineMessageRejectsNulls() {
        Instant t = Instant.now();
        assertThatThrownBy(() -> new OfflineMessage(null, "a", t, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OfflineMessage("i", null, t, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OfflineMessage("i", "a", null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new OfflineMessage("i", "a", t, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void accountCopiesCredentialsAndChecksKeys() {
        Map<ScramAlgorithm, ScramCredential> map = new EnumMap<>(ScramAlgorithm.class);
        map.put(ScramAlgorithm.SHA_256, SHA_256);
        Account account = new Account("alice@localhost", map, Instant.EPOCH);

        map.put(ScramAlgorithm.SHA_1, SHA_1);
        assertThat(account.credentials()).containsOnlyKeys(ScramAlgorithm.SHA_256);
        assertThat(account.credential(ScramAlgorithm.SHA_256)).contains(SHA_256);
        assertThat(account.credential(ScramAlgorithm.SHA_1)).isEmpty();
        assertThatThrownBy(() -> account.credentials().put(ScramAlgorithm.SHA_1, SHA_1))
                .isInstanceOf(UnsupportedOperationException.class);

        assertThatThrownBy(() -> new Account("a", Map.of(ScramAlgorithm.SHA_1, SHA_256), Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexCredentialsRejectsDuplicateAlgorithms() {
        assertThat(Account.indexCredentials(List.of(SHA_256, SHA_1)))
                .containsExactly(Map.entry(ScramAlgorithm.SHA_1, SHA_1), Map.entry(ScramAlgorithm.SHA_256, SHA_256));
        assertThat(Account.indexCredentials(List.of())).isEmpty();
        assertThatThrownBy(() -> Account.indexCredentials(List.of(SHA_1, ScramCredential.generate(ScramAlgorithm.SHA_1, "x", 4096))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHA_1");
    }

    @Test
    void subscriptionValues() {
        for (Subscription subscription : Subscription.values()) {
            assertThat(Subscription.fromValue(subscription.value())).isSameAs(subscription);
            assertThat(Subscription.of(subscription.hasTo(), subscription.hasFrom())).isSameAs(subscription);
        }
        assertThat(Subscription.NONE.value()).isEqualTo("none");
        assertThat(Subscription.TO.value()).isEqualTo("to");
        assertThat(Subscription.FROM.value()).isEqualTo("from");
        assertThat(Subscription.BOTH.value()).isEqualTo("both");
        assertThat(Subscription.FROM.withTo(true)).isEqualTo(Subscription.BOTH);
        assertThat(Subscription.BOTH.withFrom(false)).isEqualTo(Subscription.TO);
        assertThat(Subscription.TO.withTo(false)).isEqualTo(Subscription.NONE);
        assertThat(Subscription.NONE.withFrom(true)).isEqualTo(Subscription.FROM);
        assertThatThrownBy(() -> Subscription.fromValue("remove")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subscription.fromValue("BOTH")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Subscription.fromValue(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rosterItemCopiesAndSortsGroups() {
        Set<String> groups = new HashSet<>(List.of("b", "a", "\uD83D\uDE00", "\uFFFD", "B"));
        RosterItem item = new RosterItem("bob@localhost", null, groups, Subscription.NONE, false, false);

        groups.add("c");
        // Code point order: U+FFFD before U+1F600, unlike String.compareTo.
        assertThat(item.groups()).containsExactly("B", "a", "b", "\uFFFD", "\uD83D\uDE00");
        assertThatThrownBy(() -> item.groups().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(item).isEqualTo(new RosterItem("bob@localhost", null,
                Set.of("a", "b", "B", "\uFFFD", "\uD83D\uDE00"), Subscription.NONE, false, false));
        assertThat(item.withGroups(List.of("x", "x")).groups()).containsExactly("x");
    }

    @Test
    void rosterItemWithHelpersChangeOneField() {
        RosterItem item = RosterItem.of("bob@localhost");
        assertThat(item).isEqualTo(new RosterItem("bob@localhost", null, Set.of(), Subscription.NONE, false, false));

        RosterItem changed = item.withName("Bob").withGroups(List.of("G")).withSubscription(Subscription.TO)
                .withAskSubscribe(true).withApproved(true);

        assertThat(changed).isEqualTo(new RosterItem("bob@localhost", "Bob", Set.of("G"), Subscription.TO, true, true));
        assertThat(changed.withName(null).name()).isNull();
        assertThat(item.name()).isNull(); // the original is untouched
    }

    @Test
    void rosterItemLimits() {
        String atLimit = "x".repeat(RosterItem.MAX_NAME_LENGTH);
        String overLimit = atLimit + "x";
        // Counted in code points: 1024 characters outside the BMP are 2048 UTF-16 units and fine.
        String astralAtLimit = "\uD834\uDD1E".repeat(RosterItem.MAX_NAME_LENGTH);
        RosterItem item = RosterItem.of("bob@localhost");

        assertThat(item.withName(atLimit).name()).isEqualTo(atLimit);
        assertThat(item.withName(astralAtLimit).name()).isEqualTo(astralAtLimit);
        assertThat(item.withGroups(List.of(atLimit, astralAtLimit)).groups()).hasSize(2);
        assertThatThrownBy(() -> item.withName(overLimit)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> item.withName(astralAtLimit + "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> item.withGroups(List.of("ok", overLimit))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("group");
    }

    @Test
    void rosterItemRejectsNulls() {
        assertThatThrownBy(() -> new RosterItem(null, null, Set.of(), Subscription.NONE, false, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RosterItem("a", null, null, Subscription.NONE, false, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RosterItem("a", null, Set.of(), null, false, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RosterItem("a", null, new HashSet<>(Arrays.asList("g", null)), Subscription.NONE, false, false))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RosterItem.of("a").withGroups(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void rosterSortsItemsAndRejectsDuplicates() {
        RosterItem zed = RosterItem.of("zed@localhost");
        RosterItem anna = RosterItem.of("anna@localhost");
        RosterItem emoji = RosterItem.of("\uD83D\uDE00@localhost");
        RosterItem replacement = RosterItem.of("\uFFFD@localhost");
        List<RosterItem> items = new ArrayList<>(List.of(zed, emoji, anna, replacement));

        Roster roster = new Roster(7, items);
        items.clear();

        assertThat(roster.items()).containsExactly(anna, zed, replacement, emoji);
        assertThat(roster.item("zed@localhost")).contains(zed);
        assertThat(roster.item("Zed@localhost")).isEmpty();
        assertThat(roster.size()).isEqualTo(4);
        assertThat(roster.isEmpty()).isFalse();
        assertThat(Roster.EMPTY.isEmpty()).isTrue();
        assertThat(Roster.EMPTY.version()).isZero();
        assertThatThrownBy(() -> roster.items().add(zed)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Roster(1, List.of(zed, zed.withName("other"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zed@localhost");
        assertThatThrownBy(() -> new Roster(-1, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pendingSubscriptionCopiesStanzaAndComparesByContent() {
        byte[] bytes = {1, 2, 3};
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        PendingSubscription p = new PendingSubscription("bob@localhost", t, bytes);

        bytes[0] = 9;
        assertThat(p.stanza()).containsExactly(1, 2, 3);
        p.stanza()[1] = 9;
        assertThat(p.stanza()).containsExactly(1, 2, 3);

        PendingSubscription same = new PendingSubscription("bob@localhost", t, new byte[] {1, 2, 3});
        assertThat(p).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(p).isNotEqualTo(new PendingSubscription("bob@localhost", t, new byte[] {1, 2}));
        assertThat(p).isNotEqualTo(new PendingSubscription("bob@localhost", t.plusMillis(1), new byte[] {1, 2, 3}));
        assertThat(p.toString()).contains("bob@localhost", "3 bytes").doesNotContain("[1, 2, 3]");
        assertThatThrownBy(() -> new PendingSubscription(null, t, bytes)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PendingSubscription("a", null, bytes)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PendingSubscription("a", t, null)).isInstanceOf(NullPointerException.class);
    }
}
