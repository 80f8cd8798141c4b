package io.switchboard.protocol.xml;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.switchboard.protocol.xml.ParserTestSupport.CLIENT_HEADER;
import static io.switchboard.protocol.xml.ParserTestSupport.DECLARATION;
import static io.switchboard.protocol.xml.ParserTestSupport.parse;
import static io.switchboard.protocol.xml.ParserTestSupport.parseByteByByte;
import static io.switchboard.protocol.xml.ParserTestSupport.parseInChunks;
import static io.switchboard.protocol.xml.ParserTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Normal operation of {@link XmppStreamParser}: RFC 6120 §4 stream framing. */
class XmppStreamParserTest {

    /** A client session after resource binding, in the style of RFC 6120 §9 / RFC 6121 examples. */
    static final String CLIENT_SESSION = DECLARATION + "\n" + CLIENT_HEADER + "\n"
            + "<iq id='tn281v37' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
            + "<resource>balcony</resource></bind></iq>\n"
            + "<presence><show>chat</show><status>Ready \u2014 \u263A</status></presence>  \n\t "
            + "<message to='romeo@example.net' type='chat' xml:lang='en' id='m1'>"
            + "<body>Art thou not Romeo, and a Montague? &lt;3 &amp; \u00e9 \uD83D\uDE00 \u65e5\u672c</body>"
            + "<thread>e0ffe42b</thread><active xmlns='http://jabber.org/protocol/chatstates'/></message>"
            + " "
            + "<iq type='get' id='p1' to='im.example.com'><ping xmlns='urn:xmpp:ping'/></iq>"
            + "<message><body><![CDATA[x < y && z]]></body><x:data xmlns:x='jabber:x:data' x:attr='1'/></message>"
            + "<stream:features/>"
            + "\n</stream:stream>\n";

    private static List<String> expectedSessionEvents() {
        RecordingListener l = parse(CLIENT_SESSION);
        return l.events;
    }

    @Test
    void realistic_client_stream_in_one_chunk_yields_header_each_stanza_and_close() {
        RecordingListener l = parse(CLIENT_SESSION);
        assertThat(l.error).as(l.errorText).isNull();
        assertThat(l.headers).hasSize(1);
        assertThat(l.elements).extracting(XmlElement::name)
                .containsExactly("iq", "presence", "message", "iq", "message", "features");
        assertThat(l.events.get(l.events.size() - 1)).isEqualTo("close");
        assertThat(l.events.subList(1, 7)).containsExactly(
                "element <iq xmlns='jabber:client' id='tn281v37' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                        + "<resource>balcony</resource></bind></iq>",
                "element <presence xmlns='jabber:client'><show>chat</show><status>Ready \u2014 \u263A</status></presence>",
                "element <message xmlns='jabber:client' to='romeo@example.net' type='chat' xml:lang='en' id='m1'>"
                        + "<body>Art thou not Romeo, and a Montague? &lt;3 &amp; \u00e9 \uD83D\uDE00 \u65e5\u672c</body>"
                        + "<thread>e0ffe42b</thread><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
                "element <iq xmlns='jabber:client' type='get' id='p1' to='im.example.com'><ping xmlns='urn:xmpp:ping'/></iq>",
                "element <message xmlns='jabber:client'><body>x &lt; y &amp;&amp; z</body>"
                        + "<data xmlns='jabber:x:data' xmlns:ns0='jabber:x:data' ns0:attr='1'/></message>",
                "element <features xmlns='http://etherx.jabber.org/streams'/>");
    }

    @Test
    void byte_by_byte_feeding_yields_the_same_events() {
        assertThat(parseByteByByte(CLIENT_SESSION).events).isEqualTo(expectedSessionEvents());
    }

    @Test
    void splitting_the_stream_at_every_position_yields_the_same_events() {
        List<String> expected = expectedSessionEvents();
        byte[] bytes = utf8(CLIENT_SESSION);
        for (int split = 0; split <= bytes.length; split++) {
            RecordingListener l = new RecordingListener();
            XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
            // one array for both halves, exercising the offset/length overload
            p.feed(bytes, 0, split);
            p.feed(bytes, split, bytes.length - split);
            assertThat(l.events).as("split at %d", split).isEqualTo(expected);
        }
    }

    @Test
    void random_chunk_sizes_yield_the_same_events() {
        List<String> expected = expectedSessionEvents();
        byte[] bytes = utf8(CLIENT_SESSION);
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            RecordingListener l = new RecordingListener();
            XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
            int pos = 0;
            while (pos < bytes.length) {
                int n = Math.min(bytes.length - pos, 1 + random.nextInt(40));
                p.feed(bytes, pos, n);
                pos += n;
            }
            assertThat(l.events).isEqualTo(expected);
        }
    }

    @Test
    void multibyte_utf8_characters_split_across_feeds_are_decoded_correctly() {
        String text = "\u00e9\u20ac\uD83D\uDE00\u65e5"; // 2-, 3-, 4- and 3-byte sequences
        byte[] bytes = utf8(CLIENT_HEADER + "<message><body>" + text + "</body></message>");
        int bodyStart = utf8(CLIENT_HEADER + "<message><body>").length;
        for (int split = bodyStart; split <= bodyStart + 12; split++) {
            RecordingListener l = new RecordingListener();
            XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
            p.feed(bytes, 0, split);
            p.feed(bytes, split, bytes.length - split);
            assertThat(l.error).isNull();
            assertThat(l.elements.get(0).childText("body", Namespaces.CLIENT)).as("split %d", split).isEqualTo(text);
        }
    }

    @Test
    void whitespace_keepalives_between_stanzas_are_ignored() {
        // RFC 6120 §4.6: whitespace keepalives are allowed between first-level elements.
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER));
        for (String ka : new String[]{" ", "\n", "\r\n", "\t", "   "}) {
            p.feed(utf8(ka));
        }
        p.feed(utf8("<presence/>"));
        p.feed(utf8(" "));
        p.feed(utf8(" \n"));
        assertThat(l.error).isNull();
        assertThat(l.events).hasSize(2);
        assertThat(l.elements).extracting(XmlElement::name).containsExactly("presence");
    }

    @Test
    void first_level_elements_inherit_the_namespace_context_of_the_root() {
        // RFC 6120 §4.8.3: stanzas are qualified by the stream's default namespace.
        RecordingListener l = parse(CLIENT_HEADER + "<message/><stream:features/><stream:error/>"
                + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        assertThat(l.elements).extracting(XmlElement::namespace)
                .containsExactly(Namespaces.CLIENT, Namespaces.STREAM, Namespaces.STREAM, Namespaces.TLS);
    }

    @Test
    void server_stream_stanzas_are_in_jabber_server() {
        RecordingListener l = parse("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'"
                + " from='a.example' to='b.example' version='1.0'><message from='x@a.example' to='y@b.example'/>");
        assertThat(l.headers.get(0).defaultNamespace()).isEqualTo(Namespaces.SERVER);
        assertThat(l.elements.get(0).namespace()).isEqualTo(Namespaces.SERVER);
    }

    @Test
    void root_without_default_namespace_gives_stanzas_no_namespace() {
        RecordingListener l = parse("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><message/>");
        assertThat(l.headers.get(0).defaultNamespace()).isEmpty();
        assertThat(l.elements.get(0).namespace()).isEmpty();
    }

    @Test
    void any_root_element_is_reported_for_the_caller_to_validate() {
        RecordingListener l = parse("<stream xmlns='urn:wrong'><x/>");
        assertThat(l.error).isNull();
        assertThat(l.headers.get(0).name()).isEqualTo("stream");
        assertThat(l.headers.get(0).namespace()).isEqualTo("urn:wrong");
        assertThat(l.headers.get(0).defaultNamespace()).isEqualTo("urn:wrong");
    }

    @Test
    void header_is_reported_as_soon_as_the_root_start_tag_completes() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        byte[] header = utf8(CLIENT_HEADER);
        p.feed(header, 0, header.length - 1);
        assertThat(l.events).isEmpty();
        p.feed(header, header.length - 1, 1);
        assertThat(l.headers).hasSize(1);
    }

    @Test
    void stanza_is_reported_only_when_complete() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<message><body>hi</body>"));
        assertThat(l.elements).isEmpty();
        p.feed(utf8("</message>"));
        assertThat(l.elements).hasSize(1);
    }

    @Test
    void closing_tag_reports_close_and_closes_the_parser() {
        // RFC 6120 §4.4: the closing </stream:stream> tag ends the stream.
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<presence/>"));
        assertThat(p.isClosed()).isFalse();
        p.feed(utf8("</stream:stream>"));
        assertThat(l.events).last().isEqualTo("close");
        assertThat(p.isClosed()).isTrue();
        p.feed(utf8("<message/>"));
        assertThat(l.events).hasSize(3);
        assertThat(l.closes).isEqualTo(1);
    }

    @Test
    void whitespace_after_the_closing_tag_in_the_same_chunk_is_fine() {
        RecordingListener l = parse(CLIENT_HEADER + "</stream:stream> \r\n ");
        assertThat(l.events).last().isEqualTo("close");
        assertThat(l.error).isNull();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void reset_starts_a_new_stream_with_or_without_xml_declaration(boolean declaration) {
        // RFC 6120 §5.4.3.3 (after TLS) and §6.4.6 (after SASL): both parties start a fresh stream.
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(DECLARATION + CLIENT_HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
        p.reset();
        p.feed(utf8((declaration ? DECLARATION : "") + CLIENT_HEADER
                + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG0zcjBtMzA=</auth>"));
        p.reset();
        p.feed(utf8(CLIENT_HEADER + "<iq type='set' id='b'/>"));
        assertThat(l.error).isNull();
        assertThat(l.headers).hasSize(3);
        assertThat(l.elements).extracting(XmlElement::name).containsExactly("starttls", "auth", "iq");
    }

    @Test
    void reset_from_a_listener_callback_discards_the_rest_of_the_chunk() {
        // Bytes after <starttls/> in the same read were sent before the TLS handshake; treating them as part of the
        // new stream would allow plaintext command injection (RFC 6120 §5.4.3.3, cf. CVE-2011-0411).
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        l.onElementHook = e -> {
            if (e.name().equals("starttls")) {
                p.reset();
            }
        };
        p.feed(utf8(CLIENT_HEADER + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                + CLIENT_HEADER + "<message to='victim@example.net'><body>injected</body></message>"));
        assertThat(l.headers).hasSize(1);
        assertThat(l.elements).extracting(XmlElement::name).containsExactly("starttls");
        assertThat(p.isClosed()).isFalse();
        p.feed(utf8(CLIENT_HEADER + "<presence/>"));
        assertThat(l.headers).hasSize(2);
        assertThat(l.elements).extracting(XmlElement::name).containsExactly("starttls", "presence");
    }

    @Test
    void reset_reopens_a_parser_closed_by_an_error() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<a></b><x/></a>"));
        assertThat(p.isClosed()).isTrue();
        p.reset();
        assertThat(p.isClosed()).isFalse();
        p.feed(utf8(CLIENT_HEADER + "<presence/>"));
        assertThat(l.elements).hasSize(1);
    }

    @Test
    void end_of_input_closes_the_parser_without_events() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<message><body>unfinished"));
        p.end();
        assertThat(p.isClosed()).isTrue();
        p.feed(utf8("</body></message>"));
        assertThat(l.events).hasSize(1);
    }

    @Test
    void empty_feeds_are_harmless() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(new byte[0]);
        p.feed(utf8(CLIENT_HEADER), 3, 0);
        p.feed(utf8(CLIENT_HEADER));
        p.feed(new byte[0]);
        assertThat(l.events).hasSize(1);
        assertThat(p.isClosed()).isFalse();
    }

    @Test
    void feed_honours_offset_and_length() {
        byte[] padded = utf8("GARBAGE" + CLIENT_HEADER + "<presence/>GARBAGE");
        RecordingListener l = new RecordingListener();
        new XmppStreamParser(ParserLimits.defaults(), l)
                .feed(padded, 7, padded.length - 14);
        assertThat(l.error).isNull();
        assertThat(l.elements).hasSize(1);
        assertThatThrownBy(() -> new XmppStreamParser(ParserLimits.defaults(), l).feed(padded, 5, padded.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void a_utf8_byte_order_mark_is_skipped() {
        byte[] body = utf8(DECLARATION + CLIENT_HEADER + "<presence/>");
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        assertThat(parse(withBom, ParserLimits.defaults()).elements).hasSize(1);
        RecordingListener split = parseInChunks(withBom, 1, ParserLimits.defaults());
        assertThat(split.error).isNull();
        assertThat(split.elements).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"<?xml version='1.0' encoding='UTF-8'?>", "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
            "<?xml version='1.0' standalone='yes'?>", "<?xml version='1.0'?>\n\n", ""})
    void xml_declarations_naming_utf8_or_no_encoding_are_accepted(String declaration) {
        RecordingListener l = parse(declaration + CLIENT_HEADER + "<presence/>");
        assertThat(l.error).isNull();
        assertThat(l.elements).hasSize(1);
    }

    @Test
    void character_references_predefined_entities_and_cdata_become_text() {
        RecordingListener l = parse(CLIENT_HEADER
                + "<message a='&lt;&gt;&amp;&apos;&quot;&#65;&#x42;'><body>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;"
                + "<![CDATA[<!-- &custom; -->]]></body></message>");
        assertThat(l.error).isNull();
        XmlElement m = l.elements.get(0);
        assertThat(m.attribute("a")).isEqualTo("<>&'\"AB");
        assertThat(m.childText("body", Namespaces.CLIENT)).isEqualTo("<>&'\"AB<!-- &custom; -->");
    }

    @Test
    void attribute_values_may_contain_greater_than_and_markup_like_text() {
        RecordingListener l = parse(CLIENT_HEADER + "<message a='x>y -- ?> ]]>' b=\"it's\"/>");
        assertThat(l.error).isNull();
        assertThat(l.elements.get(0).attribute("a")).isEqualTo("x>y -- ?> ]]>");
        assertThat(l.elements.get(0).attribute("b")).isEqualTo("it's");
    }

    @Test
    void nested_elements_and_mixed_content_are_kept_in_order() {
        RecordingListener l = parse(CLIENT_HEADER
                + "<message><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>"
                + "<p>Hello <em>big</em> world</p></body></html></message>");
        XmlElement p = l.elements.get(0).elements().get(0).elements().get(0).elements().get(0);
        assertThat(p.children()).containsExactly(new XmlText("Hello "),
                XmlElement.builder("em", "http://www.w3.org/1999/xhtml").text("big").build(), new XmlText(" world"));
    }

    @Test
    void ten_thousand_small_stanzas_in_one_feed_are_all_delivered() {
        // Guards against quadratic behaviour (re-scanning or re-copying the input per stanza); no timing asserted.
        StringBuilder sb = new StringBuilder(CLIENT_HEADER);
        for (int i = 0; i < 10_000; i++) {
            sb.append("<message to='romeo@example.net' id='").append(i).append("'><body>hi</body></message>");
        }
        RecordingListener l = parse(sb.toString());
        assertThat(l.error).isNull();
        assertThat(l.elements).hasSize(10_000);
        assertThat(l.elements.get(9_999).attribute("id")).isEqualTo("9999");
    }

    @Test
    void listener_exceptions_propagate_and_close_the_parser() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        l.onElementHook = e -> {
            throw new IllegalStateException("boom");
        };
        assertThatThrownBy(() -> p.feed(utf8(CLIENT_HEADER + "<presence/><presence/>")))
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(p.isClosed()).isTrue();
        assertThat(l.error).isNull();
        assertThat(l.elements).hasSize(1);
    }

    @Test
    void feeding_from_inside_a_callback_is_refused() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        l.onElementHook = e -> p.feed(utf8("<presence/>"));
        assertThatThrownBy(() -> p.feed(utf8(CLIENT_HEADER + "<presence/>")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void parsed_elements_are_equal_regardless_of_chunking() {
        List<XmlElement> reference = parse(CLIENT_SESSION).elements;
        List<XmlElement> tiny = new ArrayList<>(parseByteByByte(CLIENT_SESSION).elements);
        assertThat(tiny).isEqualTo(reference);
        assertThat(reference.get(2).attribute("xml:lang")).isEqualTo("en");
        assertThat(reference.get(4).child("data", "jabber:x:data").attribute("{jabber:x:data}attr")).isEqualTo("1");
    }
}
