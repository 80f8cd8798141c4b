package io.switchboard.cluster.bus;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressedCopiesTest {
    @Test
    void insertsTheRecipientRightAfterTheElementName() {
        byte[] xml = "<presence from='a@x/r'><show>away</show></presence>".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(AddressedCopies.withTo(xml, "presence", "b@x/π"), StandardCharsets.UTF_8))
                .isEqualTo("<presence to='b@x/π' from='a@x/r'><show>away</show></presence>");
    }

    @Test
    void escapesQuotesAndAmpersandsAllowedInResources() {
        byte[] xml = "<presence/>".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(AddressedCopies.withTo(xml, "presence", "b@x/it's & <me>"), StandardCharsets.UTF_8))
                .isEqualTo("<presence to='b@x/it&apos;s &amp; &lt;me>'/>");
    }

    @Test
    void refusesBytesThatAreNotTheStanza() {
        assertThatThrownBy(() -> AddressedCopies.withTo("x".getBytes(), "presence", "b@x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
