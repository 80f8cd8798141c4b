package io.switchboard.protocol.sasl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ScramAlgorithmTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void namesAndLengths() {
        assertThat(ScramAlgorithm.SHA_1.mechanismName()).isEqualTo("SCRAM-SHA-1");
        assertThat(ScramAlgorithm.SHA_1.hmacAlgorithm()).isEqualTo("HmacSHA1");
        assertThat(ScramAlgorithm.SHA_1.digestAlgorithm()).isEqualTo("SHA-1");
        assertThat(ScramAlgorithm.SHA_1.outputLength()).isEqualTo(20);
        assertThat(ScramAlgorithm.SHA_256.mechanismName()).isEqualTo("SCRAM-SHA-256");
        assertThat(ScramAlgorithm.SHA_256.outputLength()).isEqualTo(32);
    }

    @Test
    void looksUpByMechanismName() {
        assertThat(ScramAlgorithm.byMechanism("SCRAM-SHA-1")).contains(ScramAlgorithm.SHA_1);
        assertThat(ScramAlgorithm.byMechanism("SCRAM-SHA-256")).contains(ScramAlgorithm.SHA_256);
        assertThat(ScramAlgorithm.byMechanism("SCRAM-SHA-256-PLUS")).isEmpty();
        assertThat(ScramAlgorithm.byMechanism("scram-sha-1")).isEmpty();
        assertThat(ScramAlgorithm.byMechanism("PLAIN")).isEmpty();
        assertThat(ScramAlgorithm.byMechanism(null)).isEmpty();
    }

    /** RFC 6070 §2, PBKDF2-HMAC-SHA1 test vectors (the 16777216-iteration one is left out). */
    @ParameterizedTest
    @CsvSource({
        "password, salt, 1, 0c60c80f961f0e71f3a9b524af6012062fe037a6",
        "password, salt, 2, ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
        "password, salt, 4096, 4b007901b765489abead49d926f721d065a429c1",
    })
    void hiMatchesRfc6070(String password, String salt, int iterations, String expected) {
        assertThat(ScramAlgorithm.SHA_1.hi(password.getBytes(UTF_8), salt.getBytes(UTF_8), iterations))
                .isEqualTo(hex(expected));
    }

    @ParameterizedTest
    @EnumSource(ScramAlgorithm.class)
    void hiMatchesTheJcaPbkdf2(ScramAlgorithm algorithm) throws Exception {
        byte[] salt = "NaCl and pepper".getBytes(UTF_8);
        PBEKeySpec spec = new PBEKeySpec("pencil".toCharArray(), salt, 1000, algorithm.outputLength() * 8);
        byte[] expected = SecretKeyFactory.getInstance("PBKDF2With" + algorithm.hmacAlgorithm())
                .generateSecret(spec).getEncoded();

        assertThat(algorithm.hi("pencil".getBytes(UTF_8), salt, 1000)).isEqualTo(expected);
    }

    @Test
    void hiRejectsZeroIterations() {
        assertThatThrownBy(() -> ScramAlgorithm.SHA_1.hi(new byte[] {1}, new byte[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hmacAcceptsAnEmptyKey() {
        // Well-known HMAC(K = "", m = "") values.
        assertThat(ScramAlgorithm.SHA_1.hmac(new byte[0], new byte[0]))
                .isEqualTo(hex("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"));
        assertThat(ScramAlgorithm.SHA_256.hmac(new byte[0], new byte[0]))
                .isEqualTo(hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
    }

    @Test
    void hashIsThePlainDigest() {
        assertThat(ScramAlgorithm.SHA_1.hash("abc".getBytes(UTF_8)))
                .isEqualTo(hex("a9993e364706816aba3e25717850c26c9cd0d89d"));
        assertThat(ScramAlgorithm.SHA_256.hash("abc".getBytes(UTF_8)))
                .isEqualTo(hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }
}
