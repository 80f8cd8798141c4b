package io.switchboard.protocol.jid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.IDN;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Punycode codec behind A-label handling in {@link Jid} domainparts (RFC 3492). */
class JidPunycodeTest {

    @ParameterizedTest
    @CsvSource({
        "b\u00FCcher, bcher-kva",
        "m\u00FCnchen, mnchen-3ya",
        "fu\u00DFball, fuball-cta",
        "\u00FC, tda",
        "\u4F8B\u3048, r8jz45g",
    })
    void encodesAndDecodesKnownLabels(String unicode, String punycode) {
        assertThat(Punycode.encode(unicode)).isEqualTo(punycode);
        assertThat(Punycode.decode(punycode)).isEqualTo(unicode);
    }

    @Test
    void agreesWithTheJdkOnLabelsIdna2003LeavesAlone() {
        // Lower-case letters from several scripts that nameprep maps to themselves.
        int[][] ranges = {{'a', 'z'}, {0xE0, 0xF6}, {0x3B1, 0x3C1}, {0x430, 0x44F}, {0x5D0, 0x5EA},
            {0x4E00, 0x4FFF}, {0x3041, 0x3096}, {0x10330, 0x1034A}};
        Random random = new Random(7622);
        for (int n = 0; n < 2000; n++) {
            int[] range = ranges[random.nextInt(ranges.length)];
            StringBuilder sb = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int i = 0; i < length; i++) {
                // Mostly stay in one script, as real labels do (and as IDNA2003's bidi check wants).
                int[] r = random.nextInt(4) == 0 ? ranges[random.nextInt(3)] : range;
                sb.appendCodePoint(r[0] + random.nextInt(r[1] - r[0] + 1));
            }
            String label = sb.toString();
            String encoded = Punycode.encode(label);
            assertThat(Punycode.decode(encoded)).isEqualTo(label);
            if (!Domainpart.isAscii(label) && encoded.length() <= 59) {
                String jdk;
                try {
                    jdk = IDN.toASCII(label, IDN.ALLOW_UNASSIGNED);
                } catch (IllegalArgumentException bidiOrOtherRejection) {
                    continue;
                }
                assertThat("xn--" + encoded).as(label).isEqualTo(jdk);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a!", "\u00FC-abc", "99999999999", "a-\u00FC", "a-b"})
    void rejectsMalformedInput(String input) {
        assertThatThrownBy(() -> Punycode.decode(input)).isInstanceOf(IllegalArgumentException.class);
    }
}
