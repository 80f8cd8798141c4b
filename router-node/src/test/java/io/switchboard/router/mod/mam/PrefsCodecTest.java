package io.switchboard.router.mod.mam;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchivePrefs.Mode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** XEP-0441 (formerly XEP-0313 §6.1) preferences on the wire. */
class PrefsCodecTest {

    private static ArchivePrefs parse(String prefs) {
        return PrefsCodec.parse(Xml.payload("<iq type='set' id='p'>" + prefs + "</iq>"));
    }

    @Test
    @DisplayName("XEP-0441 §2: default, always and never lists are read, JIDs normalised")
    void parsesLists() {
        ArchivePrefs p = parse("<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>Romeo@Montague.lit</jid>"
                + "</always><never><jid>montague@montague.lit</jid><jid>tybalt@capulet.lit/sword</jid></never></prefs>");
        assertThat(p).isEqualTo(new ArchivePrefs(Mode.ROSTER, Set.of("romeo@montague.lit"),
                Set.of("montague@montague.lit", "tybalt@capulet.lit/sword")));
    }

    @Test
    @DisplayName("XEP-0441 §2.2/§2.3: a missing list is an empty one")
    void missingListsAreEmpty() {
        assertThat(parse("<prefs xmlns='urn:xmpp:mam:2' default='never'/>"))
                .isEqualTo(new ArchivePrefs(Mode.NEVER, Set.of(), Set.of()));
    }

    @DisplayName("XEP-0441 §2.1: 'default' must be always, never or roster: anything else is bad-request")
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"<prefs xmlns='urn:xmpp:mam:2'/>", "<prefs xmlns='urn:xmpp:mam:2' default='sometimes'/>",
            "<prefs xmlns='urn:xmpp:mam:2' default='ALWAYS'/>",
            "<prefs xmlns='urn:xmpp:mam:2' default='always'><always><jid>@bad@</jid></always></prefs>",
            "<prefs xmlns='urn:xmpp:mam:2' default='always'><never><jid></jid></never></prefs>"})
    void badValues(String prefs) {
        assertThatThrownBy(() -> parse(prefs)).isInstanceOfSatisfying(StanzaErrorException.class,
                e -> assertThat(e.condition()).isEqualTo(StanzaErrorCondition.BAD_REQUEST));
    }

    @Test
    @DisplayName("XEP-0441 §2: the answer has the default and both lists, even empty")
    void writesBothLists() {
        assertThat(PrefsCodec.write(ArchivePrefs.DEFAULT).toXml()).isEqualTo(
                "<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never/></prefs>");
        assertThat(PrefsCodec.write(new ArchivePrefs(Mode.ROSTER, Set.of("b@x", "a@x"), Set.of("c@x"))).toXml())
                .isEqualTo("<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>a@x</jid><jid>b@x</jid>"
                        + "</always><never><jid>c@x</jid></never></prefs>");
    }

    @Test
    @DisplayName("round trip: what is written parses back to the same preferences")
    void roundTrip() {
        ArchivePrefs p = new ArchivePrefs(Mode.NEVER, Set.of("a@x", "b@y/r"), Set.of("c@z"));
        assertThat(PrefsCodec.parse(PrefsCodec.write(p))).isEqualTo(p);
    }
}
