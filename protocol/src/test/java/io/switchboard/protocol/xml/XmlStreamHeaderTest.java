package io.switchboard.protocol.xml;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.switchboard.protocol.xml.ParserTestSupport.CLIENT_HEADER;
import static io.switchboard.protocol.xml.ParserTestSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link StreamHeader}: the stream attributes of RFC 6120 §4.7. */
class XmlStreamHeaderTest {

    @Test
    void parsed_header_exposes_the_rfc_6120_stream_attributes() {
        StreamHeader h = parse(CLIENT_HEADER).headers.get(0);
        assertThat(h.name()).isEqualTo("stream");
        assertThat(h.namespace()).isEqualTo(Namespaces.STREAM);
        assertThat(h.defaultNamespace()).isEqualTo(Namespaces.CLIENT);
        assertThat(h.from()).isEqualTo("juliet@im.example.com");
        assertThat(h.to()).isEqualTo("im.example.com");
        assertThat(h.version()).isEqualTo("1.0");
        assertThat(h.lang()).isEqualTo("en");
        assertThat(h.id()).isNull();
        assertThat(h.attributes().keySet()).containsExactly("from", "to", "version", "xml:lang");
    }

    @Test
    void absent_namespaces_are_empty_strings_and_attributes_unmodifiable() {
        StreamHeader h = new StreamHeader("stream", null, null, null);
        assertThat(h.namespace()).isEmpty();
        assertThat(h.defaultNamespace()).isEmpty();
        assertThat(h.attributes()).isEmpty();
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("to", "x");
        StreamHeader h2 = new StreamHeader("stream", Namespaces.STREAM, Namespaces.CLIENT, attrs);
        attrs.put("from", "y");
        assertThat(h2.attributes()).containsOnlyKeys("to"); // defensive copy
        assertThatThrownBy(() -> h2.attributes().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void response_header_serializes_with_stream_prefix_and_default_namespace() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("from", "im.example.com");
        attrs.put("to", "juliet@im.example.com");
        attrs.put("id", "t7AMCin9zjMNwQKDnplntZPIDEI=");
        attrs.put("version", "1.0");
        attrs.put("xml:lang", "en");
        attrs.put("absent", null);
        StreamHeader h = StreamHeader.of(Namespaces.CLIENT, attrs);
        assertThat(h.toXml()).isEqualTo("<stream:stream xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams' from='im.example.com' to='juliet@im.example.com'"
                + " id='t7AMCin9zjMNwQKDnplntZPIDEI=' version='1.0' xml:lang='en'>");
    }

    @Test
    void serialized_header_parses_back_to_an_equal_header() {
        StreamHeader h = StreamHeader.of(Namespaces.SERVER, Map.of("from", "a.example", "to", "b.example"));
        RecordingListener l = parse(h.toXml());
        assertThat(l.error).isNull();
        assertThat(l.headers).containsExactly(h);
    }

    @Test
    void header_attribute_values_are_escaped() {
        StreamHeader h = StreamHeader.of(Namespaces.CLIENT, Map.of("to", "a'<b"));
        assertThat(h.toXml()).contains(" to='a&apos;&lt;b'");
    }
}
