package io.switchboard.protocol.jid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import rocks.xmpp.precis.PrecisProfiles;

class JidTest {

    /** Input, expected local, domain, resource (null = absent). */
    static Stream<Arguments> validJids() {
        return Stream.of(
                // RFC 7622 §3.5.1, examples of valid JIDs.
                arguments("juliet@example.com", "juliet", "example.com", null),
                arguments("juliet@example.com/foo", "juliet", "example.com", "foo"),
                arguments("juliet@example.com/foo bar", "juliet", "example.com", "foo bar"),
                arguments("juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar"),
                arguments("foo\\20bar@example.com", "foo\\20bar", "example.com", null),
                arguments("fussball@example.com", "fussball", "example.com", null),
                arguments("fu\u00DFball@example.com", "fu\u00DFball", "example.com", null),
                arguments("\u03C0@example.com", "\u03C0", "example.com", null),
                arguments("\u03A3@example.com/foo", "\u03C3", "example.com", "foo"),
                arguments("\u03C3@example.com/foo", "\u03C3", "example.com", "foo"),
                arguments("\u03C2@example.com/foo", "\u03C2", "example.com", "foo"),
                arguments("king@example.com/\u265A", "king", "example.com", "\u265A"),
                arguments("example.com", null, "example.com", null),
                arguments("example.com/foobar", null, "example.com", "foobar"),
                arguments("a.example.com/b@example.net", null, "a.example.com", "b@example.net"),
                // RFC 7622 §3.2: IP literals.
                arguments("[::1]", null, "[::1]", null),
                arguments("juliet@[2001:DB8::1]/x", "juliet", "[2001:db8::1]", "x"),
                arguments("[::ffff:192.0.2.1]", null, "[::ffff:192.0.2.1]", null),
                arguments("[1:2:3:4:5:6:7:8]", null, "[1:2:3:4:5:6:7:8]", null),
                arguments("juliet@127.0.0.1", "juliet", "127.0.0.1", null),
                // RFC 7622 §3.1: the first '/' starts the resourcepart, even if it holds '/' or '@'.
                arguments("a@b/c/d", "a", "b", "c/d"),
                arguments("a@b/c@d/e", "a", "b", "c@d/e"),
                // RFC 7622 §3.3.2 / RFC 8265 §3.3: UsernameCaseMapped lower-cases and width-maps.
                arguments("Juliet@Example.COM", "juliet", "example.com", null),
                arguments("\uFF2A\uFF35\uFF2C\uFF29\uFF25\uFF34@example.com", "juliet", "example.com", null),
                arguments("J\u00DCRGEN@example.com", "j\u00FCrgen", "example.com", null),
                arguments("ju\u0308rgen@example.com", "j\u00FCrgen", "example.com", null),
                arguments("user+tag!#$%*=?^`{|}~@example.com", "user+tag!#$%*=?^`{|}~", "example.com", null),
                // RFC 7622 §3.2.2: trailing dot, case, label separators, width.
                arguments("juliet@example.com.", "juliet", "example.com", null),
                arguments("juliet@example.com./r", "juliet", "example.com", "r"),
                arguments("juliet@example\u3002com", "juliet", "example.com", null),
                arguments("juliet@example\uFF0Ecom", "juliet", "example.com", null),
                arguments("juliet@example\uFF61com", "juliet", "example.com", null),
                arguments("juliet@example\u3002com\u3002", "juliet", "example.com", null),
                arguments("juliet@\uFF25\uFF38\uFF21\uFF2D\uFF30\uFF2C\uFF25.com", "juliet", "example.com", null),
                arguments("M\u00DCNCHEN.de", null, "m\u00FCnchen.de", null),
                arguments("mu\u0308nchen.de", null, "m\u00FCnchen.de", null),
                arguments("fu\u00DFball.example", null, "fu\u00DFball.example", null),
                arguments("\u4F8B\u3048.\u30C6\u30B9\u30C8", null, "\u4F8B\u3048.\u30C6\u30B9\u30C8", null),
                arguments("my-host-1.example.com", null, "my-host-1.example.com", null),
                // RFC 7622 §3.2.1: A-labels are converted to U-labels.
                arguments("juliet@xn--mnchen-3ya.de", "juliet", "m\u00FCnchen.de", null),
                arguments("juliet@XN--MNCHEN-3YA.DE", "juliet", "m\u00FCnchen.de", null),
                arguments("xn--fuball-cta.example", null, "fu\u00DFball.example", null),
                arguments("www.xn--bcher-kva.example", null, "www.b\u00FCcher.example", null),
                // RFC 7622 §3.4 / RFC 8265 §4.2: OpaqueString preserves case, maps non-ASCII spaces.
                arguments("juliet@example.com/Balcony", "juliet", "example.com", "Balcony"),
                arguments("juliet@example.com/FOO bar", "juliet", "example.com", "FOO bar"),
                arguments("juliet@example.com/foo\u00A0bar", "juliet", "example.com", "foo bar"),
                arguments("juliet@example.com/ ", "juliet", "example.com", " "),
                arguments("juliet@example.com/\u2163", "juliet", "example.com", "\u2163"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validJids")
    void parsesAndNormalisesValidJids(String input, String local, String domain, String resource) {
        Jid jid = Jid.of(input);

        assertThat(jid.local()).isEqualTo(local);
        assertThat(jid.domain()).isEqualTo(domain);
        assertThat(jid.resource()).isEqualTo(resource);
        assertThat(jid.toString()).isEqualTo(
                (local == null ? "" : local + "@") + domain + (resource == null ? "" : "/" + resource));
        assertThat(Jid.tryParse(input)).contains(jid);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("validJids")
    void normalisedFormIsAFixedPoint(String input) {
        Jid jid = Jid.of(input);

        assertThat(Jid.of(jid.toString())).isEqualTo(jid);
        assertThat(Jid.of(jid.toString()).toString()).isEqualTo(jid.toString());
        assertThat(Jid.of(jid.local(), jid.domain(), jid.resource())).isEqualTo(jid);
    }

    /** Input, a fragment the error message must contain. */
    static Stream<Arguments> invalidJids() {
        return Stream.of(
                // RFC 7622 §3.5.2, examples of invalid JIDs.
                arguments("\"juliet\"@example.com", "localpart"),
                arguments("foo bar@example.com", "localpart"),
                arguments("henry\u2163@example.com", "localpart"),
                arguments("\u265A@example.com", "localpart"),
                arguments("juliet@", "domainpart"),
                arguments("/foobar", "domainpart"),
                // RFC 7622 §3.1: empty parts next to their separators.
                arguments("", "domainpart"),
                arguments("@example.com", "localpart"),
                arguments("a@b/", "resourcepart"),
                arguments("@", "domainpart"),
                arguments("/", "domainpart"),
                arguments("juliet@/foo", "domainpart"),
                // RFC 7622 §3.3.1: characters UsernameCaseMapped allows but XMPP does not.
                arguments("a&b@example.com", "localpart"),
                arguments("a'b@example.com", "localpart"),
                arguments("a:b@example.com", "localpart"),
                arguments("a<b@example.com", "localpart"),
                arguments("a>b@example.com", "localpart"),
                arguments("a\uFF20b@example.com", "localpart"),
                arguments("a\uFF02b@example.com", "localpart"),
                arguments("a\tb@example.com", "localpart"),
                arguments("\u00E9\u0000@example.com", "localpart"),
                // RFC 7622 §3.2: domainpart labels and characters.
                arguments("x@a@b", "domainpart"),
                arguments("exa mple.com", "domainpart"),
                arguments("exa_mple.com", "domainpart"),
                arguments("a:b.com", "domainpart"),
                arguments("a<b.com", "domainpart"),
                arguments("a>b.com", "domainpart"),
                arguments("a\"b.com", "domainpart"),
                arguments("a'b.com", "domainpart"),
                arguments("a&b.com", "domainpart"),
                arguments("a\\b.com", "domainpart"),
                arguments("a..b", "domainpart"),
                arguments(".example.com", "domainpart"),
                arguments("example.com..", "domainpart"),
                arguments(".", "domainpart"),
                arguments("-example.com", "domainpart"),
                arguments("example-.com", "domainpart"),
                arguments("ab--cd.example", "domainpart"),
                arguments("\u00FC-.example", "domainpart"),
                arguments("\u2603.net", "domainpart"),
                arguments("i\u2764.ws", "domainpart"),
                arguments("m\u00FCn chen.de", "domainpart"),
                arguments("m\u00FCn\u00ADchen.de", "domainpart"),
                arguments("a\u200Db.example", "domainpart"),
                arguments("\u0308a.example", "domainpart"),
                arguments("\u2163.example", "domainpart"),
                arguments("xn--a.example", "domainpart"),
                arguments("xn--abc-.example", "domainpart"),
                arguments("xn--mnchen-3y!.de", "domainpart"),
                arguments("xn--ls8h.example", "domainpart"),
                arguments("a".repeat(64) + ".example", "domainpart"),
                // RFC 7622 §3.2: IPv6 literals.
                arguments("[::1", "domainpart"),
                arguments("[]", "domainpart"),
                arguments("[::1::2]", "domainpart"),
                arguments("[1:2:3:4:5:6:7:8:9]", "domainpart"),
                arguments("[1:2:3:4:5:6:7]", "domainpart"),
                arguments("[g::1]", "domainpart"),
                arguments("[12345::1]", "domainpart"),
                arguments("[fe80::1%eth0]", "domainpart"),
                arguments("[::1.2.3.256]", "domainpart"),
                arguments("[1.2.3.4::]", "domainpart"),
                // RFC 7622 §3.4: resourcepart is OpaqueString, which forbids controls.
                arguments("juliet@example.com/foo\u0007", "resourcepart"),
                arguments("juliet@example.com/\u0000", "resourcepart"),
                arguments("juliet@example.com/a\uD800", "resourcepart"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidJids")
    void rejectsInvalidJids(String input, String messageFragment) {
        assertThatThrownBy(() -> Jid.of(input))
                .isInstanceOf(JidFormatException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(messageFragment);
        assertThat(Jid.tryParse(input)).isEmpty();
    }

    @Test
    void tryParseOfNullIsEmpty() {
        assertThat(Jid.tryParse(null)).isEmpty();
    }

    @Nested
    class Lengths {

        // RFC 7622 §3.3.1 / §3.2.1 / §3.4.1: each part is 1..1023 octets after preparation.

        @Test
        void acceptsLocalpartOf1023Octets() {
            String local = "a".repeat(1023);
            assertThat(Jid.of(local + "@example.com").local()).isEqualTo(local);
        }

        @Test
        void rejectsLocalpartOf1024Octets() {
            assertThatThrownBy(() -> Jid.of("a".repeat(1024) + "@example.com"))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("localpart")
                    .hasMessageContaining("1023");
        }

        @Test
        void countsLocalpartLengthInUtf8Octets() {
            String fits = "\u00E9".repeat(511) + "a"; // 1022 + 1 octets
            assertThat(Jid.of(fits + "@example.com").local()).isEqualTo(fits);
            assertThatThrownBy(() -> Jid.of("\u00E9".repeat(512) + "@example.com"))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("localpart");
            String supplementary = "\uD801\uDC28".repeat(256); // Deseret small letters, 4 octets each
            assertThatThrownBy(() -> Jid.of(supplementary + "@example.com"))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("localpart");
        }

        @Test
        void countsLengthAfterPreparation() {
            // 1023 fullwidth letters are 3069 octets raw but 1023 after width mapping.
            String fullwidth = "\uFF41".repeat(1023);
            assertThat(Jid.of(fullwidth + "@example.com").local()).isEqualTo("a".repeat(1023));
        }

        @Test
        void acceptsResourcepartOf1023OctetsAndRejects1024() {
            String resource = "R".repeat(1023);
            assertThat(Jid.of("a@example.com/" + resource).resource()).isEqualTo(resource);
            assertThatThrownBy(() -> Jid.of("a@example.com/" + resource + "R"))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("resourcepart");
        }

        @Test
        void acceptsDomainpartOf1023OctetsAndRejects1024() {
            String domain = String.join(".", Collections.nCopies(16, "a".repeat(63)));
            assertThat(domain).hasSize(1023);
            assertThat(Jid.of(domain).domain()).isEqualTo(domain);
            assertThat(Jid.of(domain + ".").domain()).isEqualTo(domain);
            assertThatThrownBy(() -> Jid.of("b" + domain))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("domainpart");
        }

        @Test
        void acceptsLabelOf63Octets() {
            assertThat(Jid.of("a".repeat(63) + ".example").domain()).isEqualTo("a".repeat(63) + ".example");
        }

        @Test
        void limitsUnicodeLabelsByTheirALabelLength() {
            StringBuilder label = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                label.appendCodePoint(0x4E00 + i * 37);
            }
            assertThatThrownBy(() -> Jid.of(label + ".example"))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("A-label");
        }

        @Test
        void rejectsHugeInputBeforePreparingIt() {
            assertThatThrownBy(() -> Jid.of("a".repeat(1_000_000)))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("too long");
            assertThatThrownBy(() -> Jid.of("a".repeat(1_000_000), "example.com", null))
                    .isInstanceOf(JidFormatException.class);
        }
    }

    @Nested
    class FastPaths {

        // The ASCII shortcuts must agree with the PRECIS profiles they stand in for.

        @Test
        void asciiLocalpartAgreesWithUsernameCaseMapped() {
            for (char c = 0x21; c < 0x7F; c++) {
                String raw = "x" + c + "Y";
                if ("\"&'/:<>@".indexOf(c) >= 0) {
                    assertThatThrownBy(() -> Jid.of(raw, "example.com", null))
                            .isInstanceOf(JidFormatException.class)
                            .hasMessageContaining("localpart");
                } else {
                    assertThat(Jid.of(raw, "example.com", null).local())
                            .as("char %s", c)
                            .isEqualTo(PrecisProfiles.USERNAME_CASE_MAPPED.enforce(raw));
                }
            }
        }

        @Test
        void asciiResourcepartAgreesWithOpaqueString() {
            for (char c = 0x20; c < 0x7F; c++) {
                String raw = "x" + c + "Y";
                assertThat(Jid.of(null, "example.com", raw).resource())
                        .as("char %s", c)
                        .isEqualTo(PrecisProfiles.OPAQUE_STRING.enforce(raw));
            }
        }

        @Test
        void toStringIsCached() {
            Jid jid = Jid.of("romeo@montague.lit/orchard");
            assertThat(jid.toString()).isSameAs(jid.toString());
        }
    }

    @Nested
    class FromParts {

        @Test
        void preparesEachPart() {
            Jid jid = Jid.of("Juliet", "Example.COM.", "Balcony");
            assertThat(jid).hasToString("juliet@example.com/Balcony");
        }

        @Test
        void acceptsAbsentLocalAndResource() {
            assertThat(Jid.of(null, "example.com", null)).hasToString("example.com");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a@b", "a/b"})
        void rejectsSeparatorsInLocalpart(String local) {
            assertThatThrownBy(() -> Jid.of(local, "example.com", null))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("localpart");
        }

        @ParameterizedTest
        @ValueSource(strings = {"a@b", "a/b", ""})
        void rejectsSeparatorsInDomainpart(String domain) {
            assertThatThrownBy(() -> Jid.of(null, domain, null))
                    .isInstanceOf(JidFormatException.class)
                    .hasMessageContaining("domainpart");
        }

        @Test
        void treatsEmptyStringsAsInvalidNotAbsent() {
            assertThatThrownBy(() -> Jid.of("", "example.com", null)).isInstanceOf(JidFormatException.class);
            assertThatThrownBy(() -> Jid.of(null, "example.com", "")).isInstanceOf(JidFormatException.class);
        }

        @Test
        void allowsSlashInResource() {
            assertThat(Jid.of("a", "example.com", "x/y")).hasToString("a@example.com/x/y");
        }
    }

    @Nested
    class Derivations {

        private final Jid full = Jid.of("juliet@example.com/balcony");

        @Test
        void classifiesForms() {
            assertThat(full.isFull()).isTrue();
            assertThat(full.isBare()).isFalse();
            assertThat(full.isDomainJid()).isFalse();

            Jid bare = Jid.of("juliet@example.com");
            assertThat(bare.isBare()).isTrue();
            assertThat(bare.isFull()).isFalse();
            assertThat(bare.isDomainJid()).isFalse();

            Jid domain = Jid.of("example.com");
            assertThat(domain.isBare()).isTrue();
            assertThat(domain.isDomainJid()).isTrue();

            Jid domainWithResource = Jid.of("example.com/x");
            assertThat(domainWithResource.isFull()).isTrue();
            assertThat(domainWithResource.isDomainJid()).isFalse();
        }

        @Test
        void bareDropsTheResource() {
            assertThat(full.bare()).isEqualTo(Jid.of("juliet@example.com"));
            assertThat(full.bare().resource()).isNull();
            Jid bare = full.bare();
            assertThat(bare.bare()).isSameAs(bare);
        }

        @Test
        void withResourcePreparesTheResource() {
            Jid jid = full.withResource("Orchard\u00A0Gate");
            assertThat(jid).hasToString("juliet@example.com/Orchard Gate");
            assertThat(full.bare().withResource("x")).isEqualTo(Jid.of("juliet@example.com/x"));
            assertThatThrownBy(() -> full.withResource("")).isInstanceOf(JidFormatException.class);
            assertThatThrownBy(() -> full.withResource("\u0007")).isInstanceOf(JidFormatException.class);
            assertThat(full).hasToString("juliet@example.com/balcony");
        }

        @Test
        void domainJidKeepsOnlyTheDomain() {
            assertThat(full.domainJid()).isEqualTo(Jid.of("example.com"));
            assertThat(full.domainJid().isDomainJid()).isTrue();
            Jid domain = Jid.of("example.com");
            assertThat(domain.domainJid()).isSameAs(domain);
        }
    }

    @Nested
    class Equality {

        @Test
        void equalAfterNormalisation() {
            Jid a = Jid.of("Juliet@Example.COM./balcony");
            Jid b = Jid.of("juliet@example\u3002com/balcony");
            Jid c = Jid.of("\uFF2Auliet", "EXAMPLE.com", "balcony");

            assertThat(a).isEqualTo(b).isEqualTo(c).hasSameHashCodeAs(b).hasSameHashCodeAs(c);
            assertThat(a.compareTo(b)).isZero();
        }

        @Test
        void resourceCaseIsSignificant() {
            assertThat(Jid.of("juliet@example.com/Balcony")).isNotEqualTo(Jid.of("juliet@example.com/balcony"));
        }

        @Test
        void bareAndFullDiffer() {
            assertThat(Jid.of("juliet@example.com")).isNotEqualTo(Jid.of("juliet@example.com/r"));
            assertThat(Jid.of("example.com")).isNotEqualTo(Jid.of("juliet@example.com"));
            assertThat(Jid.of("juliet@example.com")).isNotEqualTo("juliet@example.com");
        }

        @Test
        void ordersByNormalisedString() {
            List<Jid> jids = new ArrayList<>(List.of(
                    Jid.of("romeo@example.com"), Jid.of("Juliet@example.com/b"),
                    Jid.of("juliet@example.com/a"), Jid.of("example.com")));
            Collections.sort(jids);
            assertThat(jids).extracting(Jid::toString).containsExactly(
                    "example.com", "juliet@example.com/a", "juliet@example.com/b", "romeo@example.com");
        }
    }

    @Test
    void errorMessagesDoNotEchoTheInput() {
        assertThatThrownBy(() -> Jid.of("secret-token foo@example.com"))
                .isInstanceOf(JidFormatException.class)
                .message()
                .doesNotContain("secret-token");
    }
}
