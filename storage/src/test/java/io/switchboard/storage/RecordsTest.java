package io.switchboard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
}
