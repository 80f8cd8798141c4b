package io.switchboard.protocol.xml;

import io.switchboard.protocol.error.StreamErrorCondition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.switchboard.protocol.xml.ParserTestSupport.CLIENT_HEADER;
import static io.switchboard.protocol.xml.ParserTestSupport.DECLARATION;
import static io.switchboard.protocol.xml.ParserTestSupport.parse;
import static io.switchboard.protocol.xml.ParserTestSupport.parseByteByByte;
import static io.switchboard.protocol.xml.ParserTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Stream errors other than restricted XML and limits: RFC 6120 §4.9.3. */
class XmppStreamParserErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"ISO-8859-1", "UTF-16", "US-ASCII", "windows-1252"})
    void non_utf8_encoding_declaration_is_unsupported_encoding(String encoding) {
        // RFC 6120 §4.9.3.22 / §11.6: XMPP is UTF-8 only.
        RecordingListener l = parse("<?xml version='1.0' encoding='" + encoding + "'?>" + CLIENT_HEADER);
        assertThat(l.error).isEqualTo(StreamErrorCondition.UNSUPPORTED_ENCODING);
        assertThat(l.headers).isEmpty();
    }

    @Test
    void utf16_byte_order_marks_are_unsupported_encoding() {
        for (byte[] bom : new byte[][]{{(byte) 0xFE, (byte) 0xFF, 0, '<'}, {(byte) 0xFF, (byte) 0xFE, '<', 0},
                {0, '<', 0, 's'}}) {
            RecordingListener l = parse(bom, ParserLimits.defaults());
            assertThat(l.error).isEqualTo(StreamErrorCondition.UNSUPPORTED_ENCODING);
        }
    }

    @Test
    void undeclared_element_prefix_is_bad_namespace_prefix() {
        // RFC 6120 §4.9.3.2. Recognized from Aalto's "Unbound namespace prefix" message.
        RecordingListener l = parse(CLIENT_HEADER + "<foo:message/>");
        assertThat(l.error).as(l.errorText).isEqualTo(StreamErrorCondition.BAD_NAMESPACE_PREFIX);
        assertThat(parseByteByByte(CLIENT_HEADER + "<foo:message/>").error)
                .isEqualTo(StreamErrorCondition.BAD_NAMESPACE_PREFIX);
    }

    @Test
    void undeclared_attribute_prefix_is_bad_namespace_prefix() {
        RecordingListener l = parse(CLIENT_HEADER + "<message foo:bar='1'/>");
        assertThat(l.error).isEqualTo(StreamErrorCondition.BAD_NAMESPACE_PREFIX);
    }

    @Test
    void undeclared_prefix_on_the_root_is_bad_namespace_prefix() {
        RecordingListener l = parse("<stream:stream xmlns='jabber:client'>");
        assertThat(l.error).isEqualTo(StreamErrorCondition.BAD_NAMESPACE_PREFIX);
        assertThat(l.headers).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "<message><body></message> ",          // mismatched end tag (Aalto needs a byte of lookahead)
            "<message to='a' to='b'/>",           // duplicate attribute
            "<message to=a/>",                     // unquoted attribute
            "<message><body>&#0;</body></message>", // NUL is not an XML 1.0 character, even as a reference
            "<message><body>\u0001</body></message>",
            "<message>< body/></message>",
            "<message><body>a & b</body></message>",
            "<message a='<'/>",
            "</stream:stream><message/>",           // second root element
            "</stream:stream>junk",                // content after the root closed
    })
    void malformed_xml_is_not_well_formed(String content) {
        RecordingListener l = parse(CLIENT_HEADER + content);
        assertThat(l.error).as(l.errorText).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
        assertThat(l.elements).isEmpty();
        assertThat(l.closes).as("no close event when junk follows the close tag").isZero();
    }

    @Test
    void invalid_utf8_is_not_well_formed() {
        byte[] header = utf8(CLIENT_HEADER + "<message><body>");
        byte[] doc = new byte[header.length + 2];
        System.arraycopy(header, 0, doc, 0, header.length);
        doc[header.length] = (byte) 0xC3; // lead byte followed by a non-continuation byte
        doc[header.length + 1] = (byte) 0x28;
        assertThat(parse(doc, ParserLimits.defaults()).error).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
    }

    @Test
    void xml_1_1_is_not_supported() {
        // RFC 6120 §11.8: XMPP uses XML 1.0.
        RecordingListener l = parse("<?xml version='1.1'?>" + CLIENT_HEADER);
        assertThat(l.error).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
    }

    @Test
    void junk_after_close_in_a_later_feed_is_ignored_because_the_stream_is_over() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "</stream:stream>"));
        p.feed(utf8("<message/>junk"));
        assertThat(l.events).containsExactly("open " + l.headers.get(0), "close");
    }

    @Test
    void text_between_stanzas_is_bad_format() {
        // Only whitespace may appear between first-level elements (RFC 6120 §4.6, §11.7).
        RecordingListener l = parse(CLIENT_HEADER + "<presence/>hello<message/>");
        assertThat(l.error).isEqualTo(StreamErrorCondition.BAD_FORMAT);
        assertThat(l.elements).hasSize(1);
    }

    @Test
    void garbage_before_the_header_is_not_well_formed() {
        assertThat(parse("hello" + CLIENT_HEADER).error).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
        assertThat(parse(DECLARATION + DECLARATION + CLIENT_HEADER).error).isIn(
                StreamErrorCondition.NOT_WELL_FORMED, StreamErrorCondition.RESTRICTED_XML);
    }

    @Test
    void after_an_error_the_parser_is_closed_and_ignores_input() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<foo:bar/>"));
        assertThat(p.isClosed()).isTrue();
        p.feed(utf8("<presence/>"));
        p.feed(utf8("<presence/>"));
        assertThat(l.events).hasSize(2);
        assertThat(l.errorText).isNotBlank();
    }

    @Test
    void error_text_does_not_carry_parser_location_noise() {
        RecordingListener l = parse(CLIENT_HEADER + "<message to='a' to='b'/>");
        assertThat(l.errorText).doesNotContain("\n");
    }
}
