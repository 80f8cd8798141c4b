package io.switchboard.connector.sm;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StanzaBoundariesTest {

    private static List<String> split(String xml) {
        return StanzaBoundaries.split(xml.getBytes(StandardCharsets.UTF_8)).stream()
                .map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    @DisplayName("one stanza comes back as the same array, not a copy")
    void oneStanzaIsReturnedAsIs() {
        byte[] xml = "<message to='a@b'><body>hi &lt;3</body></message>".getBytes(StandardCharsets.UTF_8);
        assertThat(StanzaBoundaries.split(xml)).containsExactly(xml);
    }

    @Test
    @DisplayName("XEP-0198 §4 counts stanzas: probe answers joined in one delivery are split one by one")
    void joinedPresencesAreSplit() {
        assertThat(split("<presence from='a@b/r'><status>x</status></presence><presence from='c@d/r'/>"
                + "<presence from='e@f/r' type='subscribe'><nick xmlns='http://jabber.org/protocol/nick'>E</nick>"
                + "</presence>"))
                .containsExactly("<presence from='a@b/r'><status>x</status></presence>",
                        "<presence from='c@d/r'/>",
                        "<presence from='e@f/r' type='subscribe'><nick xmlns='http://jabber.org/protocol/nick'>E"
                                + "</nick></presence>");
    }

    @Test
    @DisplayName("a '>' or '/>' inside a quoted attribute value does not end a tag")
    void quotedValuesAreSkipped() {
        assertThat(split("<iq id='a>b/' type=\"x/>\"><q a='/>'/></iq><iq id='2'/>"))
                .containsExactly("<iq id='a>b/' type=\"x/>\"><q a='/>'/></iq>", "<iq id='2'/>");
    }

    @Test
    @DisplayName("nested elements of the same name do not end the stanza early")
    void nestingIsTracked() {
        assertThat(split("<message><forwarded><message><body>x</body></message></forwarded></message><message/>"))
                .containsExactly("<message><forwarded><message><body>x</body></message></forwarded></message>",
                        "<message/>");
    }
}
