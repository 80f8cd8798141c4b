package io.switchboard.storage;

import static io.switchboard.storage.StorageContractSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract of {@link VCardStore}, run for every backend through {@link StorageContractTest}. */
public interface VCardStoreContract extends StorageContractSupport {

    default VCardStore vcardStore() {
        return storageUnderTest().vcards();
    }

    @Test
    default void vcardRoundTripsByteForByte() {
        createAccounts(ALICE);
        List<byte[]> vcards = List.of(
                utf8("<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>"),
                StorageContractSupport.multibyteXml("vCard"),
                StorageContractSupport.everyByte(),
                new byte[0],
                // An avatar-sized one (XEP-0153 PHOTO).
                StorageContractSupport.randomBytes(300 * 1024, 11));

        for (byte[] vcard : vcards) {
            awaitResult(vcardStore().put(ALICE, vcard));
            Optional<byte[]> read = awaitResult(vcardStore().get(ALICE));
            // Present even when empty: an empty vCard is still a stored vCard.
            assertThat(read).isPresent();
            assertThat(read.get()).isEqualTo(vcard);
        }
    }

    @Test
    default void vcardPutReplacesTheWholeVCard() {
        createAccounts(ALICE);
        awaitResult(vcardStore().put(ALICE, utf8("<vCard xmlns='vcard-temp'><FN>A much longer first version</FN></vCard>")));
        byte[] shorter = utf8("<vCard xmlns='vcard-temp'/>");

        awaitResult(vcardStore().put(ALICE, shorter));

        assertThat(awaitResult(vcardStore().get(ALICE))).hasValueSatisfying(v -> assertThat(v).isEqualTo(shorter));
    }

    @Test
    default void vcardIsEmptyUntilStored() {
        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
        assertThat(awaitResult(vcardStore().delete(ALICE))).isFalse();
        createAccounts(ALICE);
        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
        assertThat(awaitResult(vcardStore().delete(ALICE))).isFalse();
    }

    @Test
    default void vcardDeleteReportsWhetherThereWasOne() {
        createAccounts(ALICE);
        byte[] vcard = utf8("<vCard xmlns='vcard-temp'><NICKNAME>al</NICKNAME></vCard>");
        awaitResult(vcardStore().put(ALICE, vcard));

        assertThat(awaitResult(vcardStore().delete(ALICE))).isTrue();

        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
        assertThat(awaitResult(vcardStore().delete(ALICE))).isFalse();
        // The account itself is untouched, and can store a vCard again.
        assertThat(awaitResult(accountStore().exists(ALICE))).isTrue();
        awaitResult(vcardStore().put(ALICE, vcard));
        assertThat(awaitResult(vcardStore().get(ALICE))).hasValueSatisfying(v -> assertThat(v).isEqualTo(vcard));
    }

    @Test
    default void vcardPutForMissingAccountFailsWithNoSuchAccount() {
        Throwable failure = awaitError(vcardStore().put(ALICE, utf8("<vCard xmlns='vcard-temp'/>")));

        assertThat(failure).isInstanceOf(NoSuchAccountException.class);
        assertThat(((NoSuchAccountException) failure).bareJid()).isEqualTo(ALICE);
        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
        // A later registration does not find it waiting.
        createAccounts(ALICE);
        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
    }

    @Test
    default void vcardsAreIsolatedPerOwner() {
        createAccounts(ALICE, BOB, "Alice@localhost");
        byte[] alices = utf8("<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>");
        byte[] bobs = utf8("<vCard xmlns='vcard-temp'><FN>Bob</FN></vCard>");
        awaitResult(vcardStore().put(ALICE, alices));
        awaitResult(vcardStore().put(BOB, bobs));

        assertThat(awaitResult(vcardStore().get(ALICE))).hasValueSatisfying(v -> assertThat(v).isEqualTo(alices));
        assertThat(awaitResult(vcardStore().get(BOB))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bobs));
        // Keys are exact strings.
        assertThat(awaitResult(vcardStore().get("Alice@localhost"))).isEmpty();
        assertThat(awaitResult(vcardStore().get("alice@localhost/phone"))).isEmpty();

        assertThat(awaitResult(vcardStore().delete(BOB))).isTrue();
        assertThat(awaitResult(vcardStore().delete("Alice@localhost"))).isFalse();
        assertThat(awaitResult(vcardStore().get(ALICE))).hasValueSatisfying(v -> assertThat(v).isEqualTo(alices));
    }

    @Test
    default void vcardArgumentErrorsThrowSynchronously() {
        createAccounts(ALICE);

        assertThatThrownBy(() -> vcardStore().get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> vcardStore().put(null, new byte[0])).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> vcardStore().put(ALICE, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> vcardStore().delete(null)).isInstanceOf(NullPointerException.class);
        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
    }

    @Test
    default void deleteAccountRemovesItsVCard() {
        createAccounts(ALICE, BOB);
        byte[] bobs = utf8("<vCard xmlns='vcard-temp'><FN>Bob</FN></vCard>");
        awaitResult(vcardStore().put(ALICE, utf8("<vCard xmlns='vcard-temp'><FN>Alice</FN></vCard>")));
        awaitResult(vcardStore().put(BOB, bobs));

        assertThat(awaitResult(accountStore().delete(ALICE))).isTrue();

        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
        assertThat(awaitResult(vcardStore().get(BOB))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bobs));
        // A re-registered JID starts without one.
        createAccounts(ALICE);
        assertThat(awaitResult(vcardStore().get(ALICE))).isEmpty();
        assertThat(awaitResult(vcardStore().delete(ALICE))).isFalse();
    }

    @Test
    default void vcardSurvivesReopen() throws Exception {
        createAccounts(ALICE);
        byte[] vcard = StorageContractSupport.multibyteXml("vCard");
        awaitResult(vcardStore().put(ALICE, vcard));

        reopenStorageUnderTest();

        assertThat(awaitResult(vcardStore().get(ALICE))).hasValueSatisfying(v -> assertThat(v).isEqualTo(vcard));
        assertThat(awaitResult(vcardStore().delete(ALICE))).isTrue();
    }

    @Test
    default void vcardOperationsAfterCloseFailWithStorageException() {
        createAccounts(ALICE);
        storageUnderTest().close();

        assertThat(awaitError(vcardStore().get(ALICE))).isInstanceOf(StorageException.class);
        assertThat(awaitError(vcardStore().put(ALICE, new byte[] {1}))).isInstanceOf(StorageException.class);
        assertThat(awaitError(vcardStore().delete(ALICE))).isInstanceOf(StorageException.class);
    }
}
