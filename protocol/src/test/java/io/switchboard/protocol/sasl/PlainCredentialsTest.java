package io.switchboard.protocol.sasl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SASL PLAIN, RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd. */
class PlainCredentialsTest {

    static Stream<Arguments> validMessages() {
        return Stream.of(
                arguments("\0tim\0tanstaaftanstaaf", null, "tim", "tanstaaftanstaaf"),
                arguments("Ursel\0Kurt\0xipj3plmq", "Ursel", "Kurt", "xipj3plmq"),
                arguments("\0juliet@example.com\0r0m30", null, "juliet@example.com", "r0m30"),
                arguments("\0j\u00FCrgen\0p\u00E4ss w\u00F6rd \u2603", null, "j\u00FCrgen", "p\u00E4ss w\u00F6rd \u2603"),
                arguments("\0u\0p", null, "u", "p"),
                arguments("a".repeat(255) + "\0" + "b".repeat(255) + "\0" + "c".repeat(255),
                        "a".repeat(255), "b".repeat(255), "c".repeat(255)));
    }

    @ParameterizedTest
    @MethodSource("validMessages")
    void parsesValidMessages(String message, String authzid, String authcid, String password) throws SaslException {
        PlainCredentials credentials = PlainCredentials.parse(message.getBytes(UTF_8));

        assertThat(credentials).isEqualTo(new PlainCredentials(authzid, authcid, password));
        assertThat(credentials.authzid()).isEqualTo(authzid);
        assertThat(credentials.authcid()).isEqualTo(authcid);
        assertThat(credentials.password()).isEqualTo(password);
    }

    static Stream<Arguments> malformedMessages() {
        return Stream.of(
                arguments("", "empty"),
                arguments("tim", "no separators"),
                arguments("\0tim", "one separator"),
                arguments("tim\0tanstaaf", "one separator with authzid"),
                arguments("\0\0secret", "empty authcid"),
                arguments("\0tim\0", "empty password"),
                arguments("\0\0", "both empty"),
                arguments("a\0b\0c\0d", "extra separator"),
                arguments("\0tim\0pass\0", "trailing separator"),
                arguments("\0\0tim\0pass", "leading double separator"),
                arguments("a".repeat(256) + "\0tim\0pass", "authzid of 256 octets"),
                arguments("\0" + "b".repeat(256) + "\0pass", "authcid of 256 octets"),
                arguments("\0tim\0" + "c".repeat(256), "password of 256 octets"),
                arguments("\0tim\0" + "\u00E9".repeat(128), "password of 256 octets in UTF-8"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedMessages")
    void rejectsMalformedMessages(String message, String why) {
        SaslException e = catchThrowableOfType(SaslException.class, () -> PlainCredentials.parse(message.getBytes(UTF_8)));

        assertThat(e).as(why).isNotNull();
        assertThat(e.condition()).as(why).isEqualTo(SaslCondition.MALFORMED_REQUEST);
    }

    static Stream<byte[]> invalidUtf8() {
        return Stream.of(
                new byte[] {(byte) 0xC3, 0x28, 0, 't', 0, 'p'},
                new byte[] {0, 't', (byte) 0xC0, (byte) 0xAF, 0, 'p'},
                new byte[] {0, 't', 0, 'p', (byte) 0xFF},
                new byte[] {0, 't', 0, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
    }

    @ParameterizedTest
    @MethodSource("invalidUtf8")
    void rejectsInvalidUtf8(byte[] message) {
        SaslException e = catchThrowableOfType(SaslException.class, () -> PlainCredentials.parse(message));

        assertThat(e.condition()).isEqualTo(SaslCondition.INCORRECT_ENCODING);
    }

    @Test
    void toStringHidesThePassword() {
        PlainCredentials credentials = new PlainCredentials("admin", "tim", "tanstaaf");

        assertThat(credentials.toString()).contains("admin", "tim").doesNotContain("tanstaaf");
    }

    @Test
    void errorsDoNotLeakThePassword() {
        SaslException e = catchThrowableOfType(SaslException.class,
                () -> PlainCredentials.parse(("\0tim\0hunter2\0").getBytes(UTF_8)));

        assertThat(e).hasMessageNotContaining("hunter2");
    }

    @Test
    void constructorValidates() {
        assertThatThrownBy(() -> new PlainCredentials("", "tim", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlainCredentials(null, "", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlainCredentials(null, "tim", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PlainCredentials(null, null, "p")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void worksWithScramCredentialForVerification() throws SaslException {
        ScramCredential stored = ScramCredential.generate(ScramAlgorithm.SHA_256, "tanstaaf", 4096);

        assertThat(stored.verifyPassword(PlainCredentials.parse("\0tim\0tanstaaf".getBytes(UTF_8)).password())).isTrue();
        assertThat(stored.verifyPassword(PlainCredentials.parse("\0tim\0tanstaaF".getBytes(UTF_8)).password())).isFalse();
    }
}
