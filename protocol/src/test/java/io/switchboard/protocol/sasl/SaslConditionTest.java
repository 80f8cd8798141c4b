package io.switchboard.protocol.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SaslConditionTest {

    @Test
    void elementNamesAreThoseOfRfc6120Section6_5() {
        assertThat(Arrays.stream(SaslCondition.values()).map(SaslCondition::elementName)).containsExactly(
                "aborted",
                "account-disabled",
                "credentials-expired",
                "encryption-required",
                "incorrect-encoding",
                "invalid-authzid",
                "invalid-mechanism",
                "malformed-request",
                "mechanism-too-weak",
                "not-authorized",
                "temporary-auth-failure");
    }

    @Test
    void exceptionCarriesTheCondition() {
        SaslException e = new SaslException(SaslCondition.ABORTED, "client aborted");

        assertThat(e.condition()).isEqualTo(SaslCondition.ABORTED);
        assertThat(e).hasMessage("client aborted").isInstanceOf(Exception.class);
        assertThat(new SaslException(SaslCondition.NOT_AUTHORIZED, "x", e)).hasCause(e);
        assertThatThrownBy(() -> new SaslException(null, "x")).isInstanceOf(NullPointerException.class);
    }
}
