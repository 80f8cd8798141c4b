package io.switchboard.protocol.error;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StanzaErrorConditionTest {

    @Test
    void every_rfc_6120_section_8_3_3_condition_is_defined_with_its_default_type() {
        Map<String, StanzaErrorType> expected = new LinkedHashMap<>();
        expected.put("bad-request", StanzaErrorType.MODIFY);
        expected.put("conflict", StanzaErrorType.CANCEL);
        expected.put("feature-not-implemented", StanzaErrorType.CANCEL);
        expected.put("forbidden", StanzaErrorType.AUTH);
        expected.put("gone", StanzaErrorType.CANCEL);
        expected.put("internal-server-error", StanzaErrorType.CANCEL);
        expected.put("item-not-found", StanzaErrorType.CANCEL);
        expected.put("jid-malformed", StanzaErrorType.MODIFY);
        expected.put("not-acceptable", StanzaErrorType.MODIFY);
        expected.put("not-allowed", StanzaErrorType.CANCEL);
        expected.put("not-authorized", StanzaErrorType.AUTH);
        expected.put("policy-violation", StanzaErrorType.MODIFY);
        expected.put("recipient-unavailable", StanzaErrorType.WAIT);
        expected.put("redirect", StanzaErrorType.MODIFY);
        expected.put("registration-required", StanzaErrorType.AUTH);
        expected.put("remote-server-not-found", StanzaErrorType.CANCEL);
        expected.put("remote-server-timeout", StanzaErrorType.WAIT);
        expected.put("resource-constraint", StanzaErrorType.WAIT);
        expected.put("service-unavailable", StanzaErrorType.CANCEL);
        expected.put("subscription-required", StanzaErrorType.AUTH);
        expected.put("undefined-condition", StanzaErrorType.CANCEL);
        expected.put("unexpected-request", StanzaErrorType.WAIT);
        Map<String, StanzaErrorType> actual = new LinkedHashMap<>();
        for (StanzaErrorCondition c : StanzaErrorCondition.values()) {
            actual.put(c.elementName(), c.defaultType());
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void from_element_name_round_trips_and_rejects_unknown_names() {
        for (StanzaErrorCondition c : StanzaErrorCondition.values()) {
            assertThat(StanzaErrorCondition.fromElementName(c.elementName())).contains(c);
        }
        assertThat(StanzaErrorCondition.fromElementName("payment-required")).isEmpty(); // RFC 3920 only
        assertThat(StanzaErrorCondition.fromElementName(null)).isEmpty();
    }

    @Test
    void error_types_have_the_rfc_6120_section_8_3_2_attribute_values() {
        assertThat(Arrays.stream(StanzaErrorType.values()).map(StanzaErrorType::value))
                .containsExactly("auth", "cancel", "continue", "modify", "wait");
        assertThat(StanzaErrorType.fromValue("wait")).contains(StanzaErrorType.WAIT);
        assertThat(StanzaErrorType.fromValue("WAIT")).isEmpty();
        assertThat(StanzaErrorType.fromValue(null)).isEmpty();
    }
}
