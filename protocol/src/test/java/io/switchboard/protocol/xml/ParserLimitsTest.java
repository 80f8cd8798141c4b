package io.switchboard.protocol.xml;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParserLimitsTest {

    @Test
    void defaults_are_256_kib_and_depth_32() {
        assertThat(ParserLimits.defaults()).isEqualTo(new ParserLimits(262144, 32));
    }

    @Test
    void non_positive_limits_are_rejected() {
        assertThatThrownBy(() -> new ParserLimits(0, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParserLimits(1024, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
