package io.switchboard.protocol.error;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class StreamErrorConditionTest {

    @Test
    void every_rfc_6120_section_4_9_3_condition_is_defined_with_its_element_name() {
        assertThat(Arrays.stream(StreamErrorCondition.values()).map(StreamErrorCondition::elementName)).containsExactly(
                "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout", "host-gone", "host-unknown",
                "improper-addressing", "internal-server-error", "invalid-from", "invalid-namespace", "invalid-xml",
                "not-authorized", "not-well-formed", "policy-violation", "remote-connection-failed", "reset",
                "resource-constraint", "restricted-xml", "see-other-host", "system-shutdown", "undefined-condition",
                "unsupported-encoding", "unsupported-feature", "unsupported-stanza-type", "unsupported-version");
    }

    @Test
    void from_element_name_round_trips_and_rejects_unknown_names() {
        for (StreamErrorCondition c : StreamErrorCondition.values()) {
            assertThat(StreamErrorCondition.fromElementName(c.elementName())).contains(c);
        }
        assertThat(StreamErrorCondition.fromElementName("xml-not-well-formed")).isEmpty(); // RFC 3920 only
        assertThat(StreamErrorCondition.fromElementName("NOT_WELL_FORMED")).isEmpty();
        assertThat(StreamErrorCondition.fromElementName(null)).isEmpty();
    }
}
