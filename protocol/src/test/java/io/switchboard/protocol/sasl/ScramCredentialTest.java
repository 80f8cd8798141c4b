package io.switchboard.protocol.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScramCredentialTest {

    private static final byte[] SALT = Base64.getDecoder().decode("QSXCR+Q6sek8bf92");

    @ParameterizedTest
    @EnumSource(ScramAlgorithm.class)
    void deriveIsDeterministic(ScramAlgorithm algorithm) {
        ScramCredential a = ScramCredential.derive(algorithm, "pencil", SALT, 4096);
        ScramCredential b = ScramCredential.derive(algorithm, "pencil", SALT, 4096);

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.algorithm()).isEqualTo(algorithm);
        assertThat(a.salt()).isEqualTo(SALT);
        assertThat(a.iterations()).isEqualTo(4096);
        assertThat(a.storedKey()).hasSize(algorithm.outputLength());
        assertThat(a.serverKey()).hasSize(algorithm.outputLength());
    }

    @Test
    void differentInputsGiveDifferentCredentials() {
        ScramCredential base = ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", SALT, 10);

        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "Pencil", SALT, 10)).isNotEqualTo(base);
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", new byte[] {1}, 10)).isNotEqualTo(base);
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", SALT, 11)).isNotEqualTo(base);
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", SALT, 10)).isNotEqualTo(base);
    }

    @Test
    void deriveAcceptsASingleIteration() {
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", SALT, 1).iterations()).isEqualTo(1);
        assertThatThrownBy(() -> ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", SALT, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\u0007bell"})
    void rejectsEmptyOrInvalidPasswords(String password) {
        assertThatThrownBy(() -> ScramCredential.derive(ScramAlgorithm.SHA_256, password, SALT, 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(password.isEmpty() ? "\u0000" : password);
        assertThatThrownBy(() -> ScramCredential.generate(ScramAlgorithm.SHA_256, password, 4096))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void passwordIsPreparedWithOpaqueString() {
        // RFC 8265 §4.2.1: non-ASCII spaces map to U+0020; NFC applies.
        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_256, "caf\u00E9 au lait", SALT, 10);

        assertThat(credential.verifyPassword("cafe\u0301\u00A0au lait")).isTrue();
        assertThat(ScramCredential.derive(ScramAlgorithm.SHA_256, "cafe\u0301\u2003au lait", SALT, 10)).isEqualTo(credential);
    }

    @Test
    void generateUsesAFreshSixteenOctetSalt() {
        ScramCredential a = ScramCredential.generate(ScramAlgorithm.SHA_256, "pencil", 4096);
        ScramCredential b = ScramCredential.generate(ScramAlgorithm.SHA_256, "pencil", 4096);

        assertThat(a.salt()).hasSize(16);
        assertThat(a.salt()).isNotEqualTo(b.salt());
        assertThat(a).isNotEqualTo(b);
        assertThat(a.iterations()).isEqualTo(4096);
    }

    @Test
    void generateRequiresAtLeast4096Iterations() {
        assertThatThrownBy(() -> ScramCredential.generate(ScramAlgorithm.SHA_1, "pencil", 4095))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4096");
        assertThat(ScramCredential.generate(ScramAlgorithm.SHA_1, "pencil", 5000).iterations()).isEqualTo(5000);
    }

    @ParameterizedTest
    @EnumSource(ScramAlgorithm.class)
    void verifyPassword(ScramAlgorithm algorithm) {
        ScramCredential credential = ScramCredential.generate(algorithm, "pencil", 4096);

        assertThat(credential.verifyPassword("pencil")).isTrue();
        assertThat(credential.verifyPassword("Pencil")).isFalse();
        assertThat(credential.verifyPassword("pencil ")).isFalse();
        assertThat(credential.verifyPassword("")).isFalse();
        assertThat(credential.verifyPassword("\u0000")).isFalse();
        assertThat(credential.verifyPassword(null)).isFalse();
    }

    @Test
    void toStringHidesKeys() {
        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_256, "pencil", SALT, 4096);
        String s = credential.toString();

        assertThat(s).contains("SHA_256").contains("4096");
        for (byte[] key : new byte[][] {credential.storedKey(), credential.serverKey()}) {
            assertThat(s)
                    .doesNotContain(Base64.getEncoder().encodeToString(key))
                    .doesNotContainIgnoringCase(HexFormat.of().formatHex(key))
                    .doesNotContain(java.util.Arrays.toString(key));
        }
        assertThat(s).doesNotContain("pencil");
    }

    @Test
    void isImmutable() {
        byte[] salt = SALT.clone();
        ScramCredential credential = ScramCredential.derive(ScramAlgorithm.SHA_1, "pencil", salt, 10);
        ScramCredential copy = new ScramCredential(ScramAlgorithm.SHA_1, credential.salt(), 10,
                credential.storedKey(), credential.serverKey());

        salt[0] ^= 1;
        credential.salt()[0] ^= 1;
        credential.storedKey()[0] ^= 1;
        credential.serverKey()[0] ^= 1;

        assertThat(credential.salt()).isEqualTo(SALT);
        assertThat(credential).isEqualTo(copy);
        assertThat(credential.verifyPassword("pencil")).isTrue();
    }

    @Test
    void constructorValidates() {
        byte[] key20 = new byte[20];
        assertThatThrownBy(() -> new ScramCredential(ScramAlgorithm.SHA_256, SALT, 10, key20, key20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScramCredential(ScramAlgorithm.SHA_1, new byte[0], 10, key20, key20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScramCredential(ScramAlgorithm.SHA_1, SALT, 0, key20, key20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScramCredential(null, SALT, 10, key20, key20))
                .isInstanceOf(NullPointerException.class);
        assertThat(new ScramCredential(ScramAlgorithm.SHA_1, SALT, 10, key20, key20).iterations()).isEqualTo(10);
    }
}
