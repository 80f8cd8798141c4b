package io.switchboard.router.mod.mam;

import io.switchboard.protocol.jid.Jid;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchivePrefs.Mode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which messages a user archive holds: XEP-0313 §6.1.1, XEP-0334 hints, XEP-0441 preferences. */
class ArchivingRulesTest {

    @DisplayName("XEP-0313 §6.1.1 + XEP-0334: what is archived")
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "§6.1.1 chat with a body is archived                      | chat      | <body>hi</body>                  | true",
            "§6.1.1 normal with a body is archived                    | normal    | <body>hi</body>                  | true",
            "§6.1.1 a missing type is normal (RFC 6121 §5.2.2)        |           | <body>hi</body>                  | true",
            "§6.1.1 an unknown type is normal (RFC 6121 §5.2.2)       | bogus     | <body>hi</body>                  | true",
            "§6.1.1 an empty body element is still a body             | chat      | <body/>                          | true",
            "§6.1.1 a chat state notification alone is not archived   | chat      | <active xmlns='http://jabber.org/protocol/chatstates'/> | false",
            "§6.1.1 groupchat is never archived in a user archive     | groupchat | <body>hi</body>                  | false",
            "§6.1.1 headline is not archived                          | headline  | <body>hi</body>                  | false",
            "§6.1.1 error is not archived                             | error     | <body>hi</body>                  | false",
            "XEP-0334 §4.2 no-permanent-store skips a chat            | chat      | <body>hi</body><no-permanent-store xmlns='urn:xmpp:hints'/> | false",
            "XEP-0334 §4.3 no-store skips a chat                      | chat      | <body>hi</body><no-store xmlns='urn:xmpp:hints'/>           | false",
            "XEP-0334 §4.4 store archives a body-less chat            | chat      | <store xmlns='urn:xmpp:hints'/>  | true",
            "XEP-0334 §4.4 store archives a body-less normal          | normal    | <store xmlns='urn:xmpp:hints'/>  | true",
            "XEP-0334 §4.4 store does not make a headline archivable  | headline  | <store xmlns='urn:xmpp:hints'/><body>x</body> | false",
            "XEP-0334 §4.4 store does not make a groupchat archivable | groupchat | <store xmlns='urn:xmpp:hints'/><body>x</body> | false",
            "XEP-0334 no-store wins over store                        | chat      | <store xmlns='urn:xmpp:hints'/><no-store xmlns='urn:xmpp:hints'/><body>x</body> | false",
            "a hint in another namespace is no hint                   | chat      | <no-store xmlns='urn:example'/><body>x</body> | true",
            "a body in another namespace is no body                   | chat      | <body xmlns='urn:example'>x</body> | false"})
    void archivable(String rule, String type, String content, boolean expected) {
        String typeAttribute = type == null ? "" : " type='" + type + "'";
        var message = Xml.parse("<message to='b@example.com'" + typeAttribute + ">" + content + "</message>");
        assertThat(ArchivingRules.archivable(type, message)).as(rule).isEqualTo(expected);
        if (expected) {
            assertThat(ArchivingRules.archivableType(type)).as("header pre-check agrees: " + rule).isTrue();
        }
    }

    @Test
    @DisplayName("§6.1.1: the header pre-check rules out groupchat, headline and error without parsing")
    void headerPreCheck() {
        assertThat(ArchivingRules.archivableType("groupchat")).isFalse();
        assertThat(ArchivingRules.archivableType("headline")).isFalse();
        assertThat(ArchivingRules.archivableType("error")).isFalse();
        assertThat(ArchivingRules.archivableType(null)).isTrue();
        assertThat(ArchivingRules.archivableType("chat")).isTrue();
    }

    @DisplayName("XEP-0441 §2 (XEP-0313 §6.1): preferences decide per other party")
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "default always archives a stranger                    | always | ''                    | ''                    | x@example.com/r | ARCHIVE",
            "default never skips a stranger                        | never  | ''                    | ''                    | x@example.com/r | SKIP",
            "default roster asks the roster for a stranger         | roster | ''                    | ''                    | x@example.com/r | IF_IN_ROSTER",
            "always list beats default never                       | never  | x@example.com         | ''                    | x@example.com   | ARCHIVE",
            "a bare JID in always matches every resource           | never  | x@example.com         | ''                    | x@example.com/r | ARCHIVE",
            "never list beats default always                       | always | ''                    | x@example.com         | x@example.com/r | SKIP",
            "never beats always for the same JID                   | always | x@example.com         | x@example.com         | x@example.com/r | SKIP",
            "a full JID in never matches that resource only        | always | ''                    | x@example.com/phone   | x@example.com/r | ARCHIVE",
            "a full JID in never matches that resource             | always | ''                    | x@example.com/phone   | x@example.com/phone | SKIP",
            "always beats default roster (no roster look-up)       | roster | x@example.com         | ''                    | x@example.com/r | ARCHIVE",
            "never beats default roster (no roster look-up)        | roster | ''                    | x@example.com         | x@example.com/r | SKIP",
            "other JIDs in the lists do not matter                 | never  | y@example.com         | z@example.com         | x@example.com   | SKIP"})
    void verdict(String rule, String mode, String always, String never, String target, ArchivingRules.Verdict expected) {
        ArchivePrefs prefs = new ArchivePrefs(Mode.fromXml(mode), set(always), set(never));
        assertThat(ArchivingRules.verdict(prefs, Jid.of(target))).as(rule).isEqualTo(expected);
    }

    private static Set<String> set(String jid) {
        return jid == null || jid.isEmpty() ? Set.of() : Set.of(jid);
    }
}
