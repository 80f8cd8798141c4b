package io.switchboard.storage;

import static io.switchboard.storage.StorageContractSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract of {@link PrivateXmlStore}, run for every backend through {@link StorageContractTest}. */
public interface PrivateXmlStoreContract extends StorageContractSupport {

    String BOOKMARKS = PrivateXmlStore.key("storage:bookmarks", "storage");
    String ROSTERNOTES = PrivateXmlStore.key("storage:rosternotes", "storage");

    default PrivateXmlStore privateXmlStore() {
        return storageUnderTest().privateXml();
    }

    @Test
    default void privateXmlKeyIsJamesClarkNotation() {
        assertThat(PrivateXmlStore.key("storage:bookmarks", "storage")).isEqualTo("{storage:bookmarks}storage");
        assertThat(PrivateXmlStore.key("", "x")).isEqualTo("{}x");
        assertThat(PrivateXmlStore.key("urn:example:😀", "ünï")).isEqualTo("{urn:example:😀}ünï");
    }

    @Test
    default void privateXmlRoundTripsByteForByte() {
        createAccounts(ALICE);
        Map<String, byte[]> elements = new LinkedHashMap<>();
        elements.put(BOOKMARKS, utf8("<storage xmlns='storage:bookmarks'><conference jid='room@muc.localhost'/></storage>"));
        elements.put(ROSTERNOTES, StorageContractSupport.multibyteXml("storage"));
        elements.put(PrivateXmlStore.key("urn:example:bytes", "x"), StorageContractSupport.everyByte());
        elements.put(PrivateXmlStore.key("urn:example:empty", "x"), new byte[0]);
        elements.put(PrivateXmlStore.key("urn:example:large", "x"), StorageContractSupport.randomBytes(200 * 1024, 13));
        writeConcurrently(elements.entrySet(), 8, e -> privateXmlStore().put(ALICE, e.getKey(), e.getValue()));

        elements.forEach((key, element) -> assertThat(awaitResult(privateXmlStore().get(ALICE, key)))
                .as(key).hasValueSatisfying(read -> assertThat(read).isEqualTo(element)));
    }

    @Test
    default void privateXmlPutReplacesOnlyThatKey() {
        createAccounts(ALICE);
        byte[] notes = utf8("<storage xmlns='storage:rosternotes'/>");
        awaitResult(privateXmlStore().put(ALICE, BOOKMARKS, utf8("<storage xmlns='storage:bookmarks'><conference/></storage>")));
        awaitResult(privateXmlStore().put(ALICE, ROSTERNOTES, notes));
        byte[] replacement = utf8("<storage xmlns='storage:bookmarks'/>");

        awaitResult(privateXmlStore().put(ALICE, BOOKMARKS, replacement));

        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).hasValueSatisfying(v -> assertThat(v).isEqualTo(replacement));
        assertThat(awaitResult(privateXmlStore().get(ALICE, ROSTERNOTES))).hasValueSatisfying(v -> assertThat(v).isEqualTo(notes));
    }

    @Test
    default void privateXmlKeysAreExactStrings() {
        createAccounts(ALICE);
        Map<String, byte[]> elements = new LinkedHashMap<>();
        for (String key : new String[] {
                "{storage:bookmarks}storage", "{storage:bookmarks}Storage", "{Storage:Bookmarks}storage",
                "{storage:bookmarks}storage ", "{storage:bookmarks2}storage", "{storage:bookmarks}storage2",
                "{urn:x:\uD83D\uDE00}a", "{urn:x:\uFFFD}a", "{}storage"}) {
            elements.put(key, utf8("<e key='" + key + "'/>"));
        }
        writeConcurrently(elements.entrySet(), 16, e -> privateXmlStore().put(ALICE, e.getKey(), e.getValue()));

        elements.forEach((key, element) -> assertThat(awaitResult(privateXmlStore().get(ALICE, key)))
                .as(key).hasValueSatisfying(read -> assertThat(read).isEqualTo(element)));
        assertThat(awaitResult(privateXmlStore().get(ALICE, "{storage:bookmarks}"))).isEmpty();
        assertThat(awaitResult(privateXmlStore().get(ALICE, "storage"))).isEmpty();
        assertThat(awaitResult(privateXmlStore().get(ALICE, "{STORAGE:BOOKMARKS}STORAGE"))).isEmpty();
    }

    @Test
    default void privateXmlIsEmptyUntilStored() {
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
        createAccounts(ALICE);
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
        awaitResult(privateXmlStore().put(ALICE, ROSTERNOTES, utf8("<storage xmlns='storage:rosternotes'/>")));
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
    }

    @Test
    default void privateXmlPutForMissingAccountFailsWithNoSuchAccount() {
        Throwable failure = awaitError(privateXmlStore().put(ALICE, BOOKMARKS, utf8("<storage xmlns='storage:bookmarks'/>")));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
        createAccounts(ALICE);
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
    }

    @Test
    default void privateXmlIsIsolatedPerOwner() {
        createAccounts(ALICE, BOB);
        byte[] alices = utf8("<storage xmlns='storage:bookmarks'><conference name='alice'/></storage>");
        byte[] bobs = utf8("<storage xmlns='storage:bookmarks'><conference name='bob'/></storage>");
        awaitResult(privateXmlStore().put(ALICE, BOOKMARKS, alices));
        awaitResult(privateXmlStore().put(BOB, BOOKMARKS, bobs));

        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).hasValueSatisfying(v -> assertThat(v).isEqualTo(alices));
        assertThat(awaitResult(privateXmlStore().get(BOB, BOOKMARKS))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bobs));
        assertThat(awaitResult(privateXmlStore().get("Alice@localhost", BOOKMARKS))).isEmpty();
        assertThat(awaitResult(privateXmlStore().get(CAROL, BOOKMARKS))).isEmpty();
    }

    @Test
    default void privateXmlArgumentErrorsThrowSynchronously() {
        createAccounts(ALICE);

        assertThatThrownBy(() -> privateXmlStore().get(null, BOOKMARKS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> privateXmlStore().get(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> privateXmlStore().put(null, BOOKMARKS, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> privateXmlStore().put(ALICE, null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> privateXmlStore().put(ALICE, BOOKMARKS, null)).isInstanceOf(NullPointerException.class);
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
    }

    @Test
    default void deleteAccountRemovesItsPrivateXml() {
        createAccounts(ALICE, BOB);
        byte[] bobs = utf8("<storage xmlns='storage:bookmarks'/>");
        awaitResult(privateXmlStore().put(ALICE, BOOKMARKS, utf8("<storage xmlns='storage:bookmarks'><conference/></storage>")));
        awaitResult(privateXmlStore().put(ALICE, ROSTERNOTES, utf8("<storage xmlns='storage:rosternotes'/>")));
        awaitResult(privateXmlStore().put(BOB, BOOKMARKS, bobs));

        assertThat(awaitResult(accountStore().delete(ALICE))).isTrue();

        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
        assertThat(awaitResult(privateXmlStore().get(ALICE, ROSTERNOTES))).isEmpty();
        assertThat(awaitResult(privateXmlStore().get(BOB, BOOKMARKS))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bobs));
        createAccounts(ALICE);
        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).isEmpty();
        assertThat(awaitResult(privateXmlStore().get(ALICE, ROSTERNOTES))).isEmpty();
    }

    @Test
    default void privateXmlSurvivesReopen() throws Exception {
        createAccounts(ALICE);
        byte[] element = StorageContractSupport.multibyteXml("storage");
        awaitResult(privateXmlStore().put(ALICE, BOOKMARKS, element));

        reopenStorageUnderTest();

        assertThat(awaitResult(privateXmlStore().get(ALICE, BOOKMARKS))).hasValueSatisfying(v -> assertThat(v).isEqualTo(element));
    }

    @Test
    default void privateXmlOperationsAfterCloseFailWithStorageException() {
        createAccounts(ALICE);
        storageUnderTest().close();

        assertThat(awaitError(privateXmlStore().get(ALICE, BOOKMARKS))).isInstanceOf(StorageException.class);
        assertThat(awaitError(privateXmlStore().put(ALICE, BOOKMARKS, new byte[] {1}))).isInstanceOf(StorageException.class);
    }
}
