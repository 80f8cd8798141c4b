package io.switchboard.protocol.xml;

import io.switchboard.protocol.error.StreamErrorCondition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.switchboard.protocol.xml.ParserTestSupport.CLIENT_HEADER;
import static io.switchboard.protocol.xml.ParserTestSupport.parse;
import static io.switchboard.protocol.xml.ParserTestSupport.parseInChunks;
import static io.switchboard.protocol.xml.ParserTestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/** Resource limits: RFC 6120 §13.12 (denial of service) enforced as policy-violation (§4.9.3.14). */
class XmppStreamParserLimitsTest {

    private static final int MAX = ParserLimits.defaults().maxStanzaBytes();
    /** 85 bytes, so it fits the 100-byte limits used for exact boundary tests. */
    private static final String SHORT_HEADER =
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    private static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    private static String oversizedMessage() {
        return "<message><body>" + repeat('a', MAX) + "</body></message>";
    }

    @Test
    void oversized_stanza_in_one_feed_is_policy_violation() {
        RecordingListener l = parse(CLIENT_HEADER + "<presence/>" + oversizedMessage() + "<presence/>");
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(l.elements).extracting(XmlElement::name).containsExactly("presence");
    }

    @Test
    void oversized_stanza_in_tiny_feeds_is_policy_violation_as_soon_as_the_limit_is_passed() {
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<message><body>"));
        byte[] chunk = utf8(repeat('a', 100));
        int fed = 0;
        while (!p.isClosed() && fed < 2 * MAX) {
            p.feed(chunk);
            fed += chunk.length;
        }
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(fed).isLessThanOrEqualTo(MAX + chunk.length);
    }

    @Test
    void unterminated_giant_attribute_value_is_policy_violation() {
        // The bytes never form a complete token, so only byte counting (not Aalto events) can catch this.
        RecordingListener l = new RecordingListener();
        XmppStreamParser p = new XmppStreamParser(ParserLimits.defaults(), l);
        p.feed(utf8(CLIENT_HEADER + "<message to='"));
        byte[] chunk = utf8(repeat('x', 65536));
        int fed = 0;
        while (!p.isClosed() && fed < 16 * MAX) {
            p.feed(chunk);
            fed += chunk.length;
        }
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(fed).isLessThanOrEqualTo(MAX + chunk.length);
    }

    @Test
    void unterminated_giant_attribute_value_in_a_single_huge_feed_is_policy_violation() {
        RecordingListener l = parse(CLIENT_HEADER + "<message to='" + repeat('x', 4 * MAX));
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    @Test
    void endless_text_without_markup_is_policy_violation() {
        RecordingListener l = parse(CLIENT_HEADER + "<message><body>" + repeat('t', 2 * MAX));
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    @Test
    void giant_whitespace_between_stanzas_is_policy_violation() {
        RecordingListener l = parseInChunks(utf8(CLIENT_HEADER + "<presence/>" + repeat(' ', MAX + 1) + "<presence/>"),
                4096, ParserLimits.defaults());
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(l.elements).hasSize(1);
    }

    @Test
    void oversized_stream_header_is_policy_violation() {
        RecordingListener l = parse("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='"
                + repeat('h', MAX) + "'>");
        assertThat(l.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(l.headers).isEmpty();
    }

    @Test
    void many_stanzas_together_larger_than_the_limit_are_fine() {
        StringBuilder sb = new StringBuilder(CLIENT_HEADER);
        String body = repeat('b', 10_000);
        for (int i = 0; i < 100; i++) { // ~1 MB in one feed, each stanza 10 KB
            sb.append("<message><body>").append(body).append("</body></message>\n");
        }
        RecordingListener l = parse(sb.toString());
        assertThat(l.error).isNull();
        assertThat(l.elements).hasSize(100);
    }

    @Test
    void stanza_of_exactly_the_limit_is_accepted_and_one_byte_more_is_not() {
        ParserLimits limits = new ParserLimits(100, 32);
        String exact = "<message><body>" + repeat('x', 100 - 32) + "</body></message>";
        assertThat(utf8(exact)).hasSize(100);
        String tooBig = "<message><body>" + repeat('x', 101 - 32) + "</body></message>";
        for (int chunk : new int[]{1, 7, 100, 10_000}) {
            RecordingListener ok = parseInChunks(utf8(SHORT_HEADER + exact + exact + exact), chunk, limits);
            assertThat(ok.error).as("chunk %d: %s", chunk, ok.errorText).isNull();
            assertThat(ok.elements).hasSize(3);
            RecordingListener bad = parseInChunks(utf8(SHORT_HEADER + exact + tooBig), chunk, limits);
            assertThat(bad.error).as("chunk %d", chunk).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
            assertThat(bad.elements).hasSize(1);
        }
    }

    @Test
    void size_limit_counts_bytes_not_characters() {
        ParserLimits limits = new ParserLimits(100, 32);
        // 34 two-byte characters: 68 bytes of text, 100 bytes in total
        String exact = "<message><body>" + repeat('\u00e9', 34) + "</body></message>";
        assertThat(utf8(exact)).hasSize(100);
        assertThat(parse(utf8(SHORT_HEADER + exact), limits).error).isNull();
        String tooBig = "<message><body>" + repeat('\u00e9', 35) + "</body></message>";
        assertThat(parse(utf8(SHORT_HEADER + tooBig), limits).error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    private static String nested(int depth) {
        StringBuilder sb = new StringBuilder("<message>");
        for (int i = 1; i < depth; i++) {
            sb.append("<e").append(i).append('>');
        }
        for (int i = depth - 1; i >= 1; i--) {
            sb.append("</e").append(i).append('>');
        }
        return sb.append("</message>").toString();
    }

    @Test
    void nesting_to_depth_32_is_accepted_and_33_is_policy_violation() {
        RecordingListener ok = parse(CLIENT_HEADER + nested(32));
        assertThat(ok.error).isNull();
        assertThat(ok.elements).hasSize(1);
        RecordingListener bad = parse(CLIENT_HEADER + nested(33));
        assertThat(bad.error).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(bad.elements).isEmpty();
    }

    @Test
    void the_stanza_element_itself_is_depth_one() {
        ParserLimits limits = new ParserLimits(1024, 1);
        assertThat(parse(utf8(CLIENT_HEADER + "<presence/>"), limits).error).isNull();
        assertThat(parse(utf8(CLIENT_HEADER + "<presence><show/></presence>"), limits).error)
                .isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
    }

    @Test
    void depth_is_checked_per_stanza_not_cumulatively() {
        StringBuilder sb = new StringBuilder(CLIENT_HEADER);
        for (int i = 0; i < 50; i++) {
            sb.append(nested(32));
        }
        RecordingListener l = parse(sb.toString());
        assertThat(l.error).isNull();
        assertThat(l.elements).hasSize(50);
    }
}
