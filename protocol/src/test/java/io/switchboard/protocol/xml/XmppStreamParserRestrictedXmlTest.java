package io.switchboard.protocol.xml;

import io.switchboard.protocol.error.StreamErrorCondition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static io.switchboard.protocol.xml.ParserTestSupport.CLIENT_HEADER;
import static io.switchboard.protocol.xml.ParserTestSupport.DECLARATION;
import static io.switchboard.protocol.xml.ParserTestSupport.parse;
import static io.switchboard.protocol.xml.ParserTestSupport.parseByteByByte;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6120 §11.1: XMPP forbids comments, processing instructions, internal or external DTD subsets, and internal or
 * external entity references (other than the predefined ones); an entity receiving them MUST close the stream with
 * {@code restricted-xml}. Every case is checked in one chunk and fed byte by byte.
 */
class XmppStreamParserRestrictedXmlTest {

    private static final String STREAM_OPEN =
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com'>";

    static Stream<Arguments> restrictedDocuments() {
        return Stream.of(
                Arguments.of("billion laughs DTD", DECLARATION + "<!DOCTYPE lolz [\n"
                        + " <!ENTITY lol \"lol\">\n"
                        + " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
                        + " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
                        + " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
                        + "]>\n" + STREAM_OPEN + "<message><body>&lol9;</body></message>", false),
                Arguments.of("DOCTYPE without subset", "<!DOCTYPE stream>" + STREAM_OPEN, false),
                Arguments.of("external DTD", DECLARATION + "<!DOCTYPE stream SYSTEM 'http://attacker.example/x.dtd'>"
                        + STREAM_OPEN, false),
                Arguments.of("XXE external SYSTEM entity", DECLARATION
                        + "<!DOCTYPE foo [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>" + STREAM_OPEN
                        + "<message><body>&xxe;</body></message>", false),
                Arguments.of("ENTITY declaration inside the stream", STREAM_OPEN
                        + "<!ENTITY xxe SYSTEM 'file:///etc/passwd'><message/>", true),
                Arguments.of("DOCTYPE inside the stream", STREAM_OPEN + "<!DOCTYPE x><message/>", true),
                Arguments.of("undeclared entity in text", STREAM_OPEN + "<message><body>&custom;</body></message>", true),
                Arguments.of("undeclared entity in attribute", STREAM_OPEN + "<message to='&custom;'/>", true),
                Arguments.of("undeclared entity in double-quoted attribute", STREAM_OPEN + "<message to=\"a&nbsp;b\"/>", true),
                Arguments.of("long entity name", STREAM_OPEN + "<message><body>&averyveryverylongname;</body></message>", true),
                Arguments.of("entity in the root tag", "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'"
                        + " to='&host;'>", false),
                Arguments.of("comment between stanzas", STREAM_OPEN + "<!-- hello --><message/>", true),
                Arguments.of("comment inside a stanza", STREAM_OPEN + "<message><!-- hello --></message>", true),
                Arguments.of("comment in the prolog", DECLARATION + "<!-- hello -->" + STREAM_OPEN, false),
                Arguments.of("processing instruction between stanzas", STREAM_OPEN + "<?foo bar?><message/>", true),
                Arguments.of("processing instruction inside a stanza", STREAM_OPEN + "<message><?foo?></message>", true),
                Arguments.of("processing instruction in the prolog", DECLARATION + "<?xml-stylesheet href='x'?>"
                        + STREAM_OPEN, false),
                Arguments.of("processing instruction as the first bytes", "<?foo bar?>" + STREAM_OPEN, false),
                Arguments.of("second XML declaration", STREAM_OPEN + "<?xml version='1.0'?><message/>", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restrictedDocuments")
    void restricted_markup_in_one_chunk_is_restricted_xml(String name, String document, boolean opensFirst) {
        assertRestricted(parse(document), opensFirst);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restrictedDocuments")
    void restricted_markup_fed_byte_by_byte_is_restricted_xml(String name, String document, boolean opensFirst) {
        assertRestricted(parseByteByByte(document), opensFirst);
    }

    private static void assertRestricted(RecordingListener l, boolean opensFirst) {
        assertThat(l.error).as(l.errorText).isEqualTo(StreamErrorCondition.RESTRICTED_XML);
        assertThat(l.headers).hasSize(opensFirst ? 1 : 0);
        // nothing after the restricted construct was delivered (in particular no expanded entity text)
        assertThat(l.elements).isEmpty();
        assertThat(l.closes).isZero();
        assertThat(l.events).last().isEqualTo("error RESTRICTED_XML");
    }

    @Test
    void comment_after_the_root_closed_in_the_same_chunk_is_restricted_xml_instead_of_close() {
        // Bytes arriving in later feeds after the close are ignored (the stream is over); within the chunk that
        // carried the close tag they are still checked.
        RecordingListener l = parse(STREAM_OPEN + "</stream:stream><!-- bye -->");
        assertThat(l.error).isEqualTo(StreamErrorCondition.RESTRICTED_XML);
        assertThat(l.closes).isZero();
    }

    @Test
    void stanzas_before_the_restricted_markup_are_still_delivered_in_order() {
        RecordingListener l = parse(CLIENT_HEADER + "<presence/><message/><!-- x --><iq/>");
        assertThat(l.elements).extracting(XmlElement::name).containsExactly("presence", "message");
        assertThat(l.events).last().isEqualTo("error RESTRICTED_XML");
    }

    @Test
    void markup_lookalikes_inside_cdata_and_attribute_values_are_just_text() {
        RecordingListener l = parse(CLIENT_HEADER
                + "<message a='&lt;!-- x --&gt;' b=\"?>\"><body><![CDATA[<!DOCTYPE x><?pi?><!-- c -->&ent;]]]]></body>"
                + "<x>]]&gt;</x></message>");
        assertThat(l.error).as(l.errorText).isNull();
        XmlElement m = l.elements.get(0);
        assertThat(m.attribute("a")).isEqualTo("<!-- x -->");
        assertThat(m.childText("body", Namespaces.CLIENT)).isEqualTo("<!DOCTYPE x><?pi?><!-- c -->&ent;]]");
        assertThat(m.childText("x", Namespaces.CLIENT)).isEqualTo("]]>");
    }
}
