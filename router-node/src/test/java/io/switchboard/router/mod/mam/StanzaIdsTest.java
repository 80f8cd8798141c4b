package io.switchboard.router.mod.mam;

import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.XmlElement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** XEP-0359 stanza-ids on messages an archive passes on. */
class StanzaIdsTest {
    private static final Jid BOB = Jid.of("bob@example.com");

    @Test
    @DisplayName("XEP-0359 §5: a stanza-id claiming to be by the recipient is removed, others stay")
    void spoofedStanzaIdIsRemoved() {
        XmlElement m = Xml.parse("<message to='bob@example.com'><body>x</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='bob@example.com' id='fake'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='BOB@Example.com' id='fake-by-case'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='muc.example.com' id='kept'/>"
                + "<origin-id xmlns='urn:xmpp:sid:0' id='origin'/></message>");
        XmlElement cleaned = StanzaIds.withoutStanzaIdsBy(m, BOB);
        assertThat(cleaned.children("stanza-id", MamNamespaces.SID)).extracting(e -> e.attribute("id"))
                .containsExactly("kept");
        assertThat(cleaned.child("origin-id", MamNamespaces.SID)).isNotNull();
        assertThat(cleaned.childText("body", null)).isEqualTo("x");
    }

    @Test
    @DisplayName("XEP-0359: nothing to remove returns the very same element (no copy, no re-serialization)")
    void nothingToRemove() {
        XmlElement m = Xml.parse("<message><body>x</body></message>");
        assertThat(StanzaIds.withoutStanzaIdsBy(m, BOB)).isSameAs(m);
    }

    @Test
    @DisplayName("XEP-0313 §3.5: the archive's stanza-id replaces a spoofed one, by = the archive's bare JID")
    void stampedReplacesSpoof() {
        XmlElement m = Xml.parse("<message><body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='bob@example.com' "
                + "id='fake'/></message>");
        XmlElement stamped = StanzaIds.stamped(m, BOB, "0000000000001");
        assertThat(stamped.children("stanza-id", MamNamespaces.SID)).hasSize(1).first().satisfies(e -> {
            assertThat(e.attribute("by")).isEqualTo("bob@example.com");
            assertThat(e.attribute("id")).isEqualTo("0000000000001");
        });
        assertThat(stamped.toXml()).contains("<stanza-id xmlns='urn:xmpp:sid:0' by='bob@example.com' "
                + "id='0000000000001'/>");
    }

    @Test
    @DisplayName("the byte pre-check finds the namespace and never misses one")
    void mayContain() {
        assertThat(StanzaIds.mayContain("<message><body>urn:xmpp:sid:</body></message>"
                .getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(StanzaIds.mayContain("<message><stanza-id xmlns='urn:xmpp:sid:0'/></message>"
                .getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(StanzaIds.mayContain(new byte[0])).isFalse();
    }
}
