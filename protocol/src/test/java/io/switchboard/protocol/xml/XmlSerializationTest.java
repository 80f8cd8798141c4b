package io.switchboard.protocol.xml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static io.switchboard.protocol.xml.ParserTestSupport.parseStanza;
import static org.assertj.core.api.Assertions.assertThat;

/** The serializer: RFC 6120 §4.8.3 namespace handling, §11 XML restrictions, and parse/serialize round trips. */
class XmlSerializationTest {

    @Test
    void client_stanza_is_written_without_xmlns_by_default() {
        // Inside a client stream jabber:client is the default namespace (RFC 6120 §4.8.3), so stanzas carry no xmlns.
        XmlElement m = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("to", "romeo@example.net").attribute("type", "chat")
                .element("body", null, b -> b.text("hi"))
                .build();
        assertThat(m.toXml()).isEqualTo("<message to='romeo@example.net' type='chat'><body>hi</body></message>");
    }

    @Test
    void enclosing_namespace_none_writes_xmlns_on_the_top_element() {
        XmlElement m = XmlElement.builder("message", Namespaces.CLIENT).element("body", null, b -> b.text("hi")).build();
        assertThat(m.toXml("")).isEqualTo("<message xmlns='jabber:client'><body>hi</body></message>");
        assertThat(m.toXml(null)).isEqualTo(m.toXml(""));
    }

    @Test
    void client_stanza_written_into_a_server_stream_declares_its_namespace() {
        XmlElement m = XmlElement.builder("presence", Namespaces.CLIENT).build();
        assertThat(m.toXml(Namespaces.SERVER)).isEqualTo("<presence xmlns='jabber:client'/>");
    }

    @Test
    void xmlns_is_written_only_where_the_namespace_changes() {
        XmlElement iq = XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "set").attribute("id", "b1")
                .element("bind", Namespaces.BIND, b -> b.element("resource", null, r -> r.text("balcony")))
                .build();
        assertThat(iq.toXml()).isEqualTo("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>balcony</resource></bind></iq>");
    }

    @Test
    void switching_back_to_an_outer_namespace_redeclares_it() {
        XmlElement e = XmlElement.builder("a", "urn:a")
                .element("b", "urn:b", b -> b.element("c", "urn:a", null))
                .build();
        assertThat(e.toXml("")).isEqualTo("<a xmlns='urn:a'><b xmlns='urn:b'><c xmlns='urn:a'/></b></a>");
    }

    @Test
    void element_in_no_namespace_under_a_namespaced_parent_undeclares_the_default() {
        XmlElement e = XmlElement.builder("x", "urn:a").child(XmlElement.of("plain", "")).build();
        assertThat(e.toXml("")).isEqualTo("<x xmlns='urn:a'><plain xmlns=''/></x>");
        assertThat(XmlElement.of("plain", "").toXml("")).isEqualTo("<plain/>");
    }

    @Test
    void empty_elements_self_close() {
        assertThat(XmlElement.of("starttls", Namespaces.TLS).toXml())
                .isEqualTo("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    }

    @Test
    void text_escapes_ampersand_and_angle_brackets_but_not_quotes() {
        XmlElement body = XmlElement.builder("body", Namespaces.CLIENT).text("a & b < c > d ' \" ]]> e").build();
        assertThat(body.toXml()).isEqualTo("<body>a &amp; b &lt; c &gt; d ' \" ]]&gt; e</body>");
    }

    @Test
    void attribute_values_escape_all_five_special_characters() {
        XmlElement e = XmlElement.builder("x", Namespaces.CLIENT).attribute("a", "&<>'\"").build();
        assertThat(e.toXml()).isEqualTo("<x a='&amp;&lt;&gt;&apos;&quot;'/>");
    }

    @Test
    void whitespace_in_attribute_values_is_written_as_character_references_to_survive_normalization() {
        // XML 1.0 §3.3.3: a parser turns literal tab/LF/CR in attribute values into spaces.
        XmlElement e = XmlElement.builder("x", Namespaces.CLIENT).attribute("a", "1\t2\n3\r4").build();
        assertThat(e.toXml()).isEqualTo("<x a='1&#9;2&#10;3&#13;4'/>");
        assertThat(parseStanza(e.toXml()).attribute("a")).isEqualTo("1\t2\n3\r4");
    }

    @Test
    void carriage_return_in_text_is_escaped_to_survive_line_end_normalization() {
        XmlElement e = XmlElement.builder("body", Namespaces.CLIENT).text("a\r\nb\tc\n").build();
        assertThat(e.toXml()).isEqualTo("<body>a&#13;\nb\tc\n</body>");
        assertThat(parseStanza(e.toXml())).isEqualTo(e);
    }

    @Test
    void characters_not_allowed_in_xml_1_0_are_replaced_by_u_fffd() {
        // RFC 6120 §11.1 / XML 1.0 production [2] Char: C0 controls except tab, LF, CR, and U+FFFE/U+FFFF are illegal
        // even as character references, so the only well-formed option is replacement.
        String bad = "\u0000a\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFFb";
        XmlElement e = XmlElement.builder("body", Namespaces.CLIENT).attribute("v", bad).text(bad).build();
        String r = "\uFFFDa\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDb";
        assertThat(e.toXml()).isEqualTo("<body v='" + r + "'>" + r + "</body>");
    }

    @Test
    void unpaired_surrogates_are_replaced_and_valid_pairs_kept() {
        String s = "\uD83D\uDE00 x\uD800y \uDC00z \uD83D";
        XmlElement e = XmlElement.builder("body", Namespaces.CLIENT).attribute("v", s).text(s).build();
        String r = "\uD83D\uDE00 x\uFFFDy \uFFFDz \uFFFD";
        assertThat(e.toXml()).isEqualTo("<body v='" + r + "'>" + r + "</body>");
    }

    @Test
    void attributes_in_foreign_namespaces_get_a_generated_prefix_declared_on_the_element() {
        XmlElement e = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("id", "1")
                .attribute("{urn:example:a}flag", "1")
                .attribute("{urn:example:a}other", "2")
                .attribute("{urn:example:b}x", "3")
                .build();
        assertThat(e.toXml()).isEqualTo("<message id='1' xmlns:ns0='urn:example:a' ns0:flag='1' ns0:other='2'"
                + " xmlns:ns1='urn:example:b' ns1:x='3'/>");
        assertThat(parseStanza(e.toXml())).isEqualTo(e);
    }

    @Test
    void attribute_namespace_uris_may_contain_braces_and_quotes() {
        // Parsed keys are "{uri}local"; the URI is arbitrary, so the key must split at the last brace and the
        // generated declaration must be escaped.
        XmlElement parsed = parseStanza("<message xmlns:p=\"urn:a}b'c\" p:x='1'/>");
        assertThat(parsed.attributes()).containsOnlyKeys("{urn:a}b'c}x");
        assertThat(parsed.toXml()).isEqualTo("<message xmlns:ns0='urn:a}b&apos;c' ns0:x='1'/>");
        assertThat(parseStanza(parsed.toXml())).isEqualTo(parsed);
    }

    @Test
    void xml_lang_is_written_with_the_predeclared_xml_prefix() {
        XmlElement e = XmlElement.builder("body", Namespaces.CLIENT).attribute("xml:lang", "cs").text("Ahoj").build();
        assertThat(e.toXml()).isEqualTo("<body xml:lang='cs'>Ahoj</body>");
    }

    @Test
    void stream_namespace_elements_use_the_stream_prefix_when_asked() {
        // RFC 6120 §4.8.5: the streams namespace is used with the 'stream' prefix bound by the stream header.
        XmlElement features = XmlElement.builder("features", Namespaces.STREAM)
                .element("starttls", Namespaces.TLS, s -> s.element("required", null, null))
                .element("mechanisms", Namespaces.SASL, m -> m.textElement("mechanism", "PLAIN"))
                .build();
        assertThat(features.toXmlWithStreamPrefix(Namespaces.CLIENT)).isEqualTo("<stream:features>"
                + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
                + "</stream:features>");
        assertThat(features.toBytesWithStreamPrefix(Namespaces.CLIENT))
                .isEqualTo(features.toXmlWithStreamPrefix(Namespaces.CLIENT).getBytes(StandardCharsets.UTF_8));
        // Without the prefix the same element is written as equivalent, unprefixed XML.
        assertThat(features.toXml()).startsWith("<features xmlns='http://etherx.jabber.org/streams'>");
    }

    @Test
    void a_prefixed_stream_element_does_not_change_the_default_namespace_of_its_children() {
        XmlElement e = XmlElement.builder("features", Namespaces.STREAM).child(XmlElement.of("bare", Namespaces.CLIENT))
                .build();
        assertThat(e.toXmlWithStreamPrefix(Namespaces.CLIENT)).isEqualTo("<stream:features><bare/></stream:features>");
    }

    @Test
    void to_bytes_is_utf_8() {
        XmlElement e = XmlElement.builder("body", Namespaces.CLIENT).text("žluťoučký 😀").build();
        assertThat(e.toBytes()).isEqualTo("<body>žluťoučký 😀</body>".getBytes(StandardCharsets.UTF_8));
        assertThat(e.toBytes("")).isEqualTo(e.toXml("").getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<message to='romeo@example.net' from='juliet@example.com/balcony' type='chat' id='a1' xml:lang='en'>"
                    + "<body>Art thou not Romeo, and a Montague?</body><thread>e0ffe42b</thread></message>",
            "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>",
            "<presence><show>away</show><status>  spaces  kept  </status><priority>-1</priority></presence>",
            "<message><body>&lt;3 &amp; &gt; &apos; &quot; &#65;&#x1F600;</body></message>",
            "<message><body><![CDATA[x < y && z]]></body></message>",
            "<message><body>žluťoučký kůň 日本語 😀</body></message>",
            "<message>\n  <body>pretty</body>\n</message>",
            "<message xmlns:x='urn:x' x:flag='1' a='&#9;&#10;&#13;'><x:data><plain xmlns=''/></x:data></message>",
            "<iq type='get'><query xmlns='http://jabber.org/protocol/disco#info' node='n'/></iq>",
    })
    void parse_serialize_parse_round_trips(String stanza) {
        XmlElement parsed = parseStanza(stanza);
        String serialized = parsed.toXml();
        XmlElement reparsed = parseStanza(serialized);
        assertThat(reparsed).isEqualTo(parsed);
        assertThat(reparsed.toXml()).isEqualTo(serialized);
    }

    @Test
    void serializer_output_is_always_well_formed_for_arbitrary_strings() {
        // Random UTF-16 (including controls, lone surrogates, markup characters) must always produce XML that the
        // strict parser accepts, and every valid character must come back unchanged.
        Random random = new Random(6120);
        for (int round = 0; round < 300; round++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(40);
            for (int i = 0; i < len; i++) {
                int pick = random.nextInt(10);
                char c = switch (pick) {
                    case 0 -> (char) random.nextInt(0x20);
                    case 1 -> "&<>'\"]".charAt(random.nextInt(6));
                    case 2 -> (char) (0xD800 + random.nextInt(0x800));
                    case 3 -> (char) (0xFFF0 + random.nextInt(0x10));
                    default -> (char) random.nextInt(0x10000);
                };
                sb.append(c);
            }
            String s = sb.toString();
            XmlElement e = XmlElement.builder("body", Namespaces.CLIENT).attribute("a", s).text(s).build();
            XmlElement back = parseStanza(e.toXml());
            String expected = sanitize(s);
            assertThat(back.attribute("a")).isEqualTo(expected);
            assertThat(back.text()).isEqualTo(expected);
        }
    }

    /** What the serializer promises to deliver: the input with every non-XML-1.0 character replaced. */
    private static String sanitize(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF
                    || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
