package io.switchboard.protocol.error;

import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.StreamHeader;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Stream errors, RFC 6120 §4.9. */
class StreamErrorTest {

    @Test
    void wire_form_without_text_matches_rfc_6120_example() {
        // RFC 6120 §4.9.3.6 example
        assertThat(StreamError.toXml(StreamErrorCondition.HOST_UNKNOWN, null))
                .isEqualTo("<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    }

    @Test
    void wire_form_with_text_has_english_language_tag_and_escapes_text() {
        assertThat(StreamError.toXml(StreamErrorCondition.POLICY_VIOLATION, "stanza > 256 KiB & more"))
                .isEqualTo("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>stanza &gt; 256 KiB &amp; more"
                        + "</text></stream:error>");
    }

    @Test
    void element_is_in_the_stream_namespace_with_condition_and_text_in_the_streams_error_namespace() {
        XmlElement e = StreamError.element(StreamErrorCondition.NOT_WELL_FORMED, "bad");
        assertThat(e.name()).isEqualTo("error");
        assertThat(e.namespace()).isEqualTo(Namespaces.STREAM);
        assertThat(e.elements()).extracting(XmlElement::name).containsExactly("not-well-formed", "text");
        assertThat(e.child("not-well-formed", Namespaces.STREAMS_ERRORS)).isNotNull();
        assertThat(e.child("text", Namespaces.STREAMS_ERRORS).attribute("xml:lang")).isEqualTo("en");
        assertThat(e.childText("text", Namespaces.STREAMS_ERRORS)).isEqualTo("bad");
        assertThat(StreamError.element(StreamErrorCondition.CONFLICT, null).elements()).hasSize(1);
    }

    @Test
    void application_specific_condition_is_appended_after_the_text() {
        // RFC 6120 §4.9.4
        XmlElement app = XmlElement.of("stanza-too-big", "urn:example:switchboard");
        XmlElement e = StreamError.element(StreamErrorCondition.POLICY_VIOLATION, "too big", app);
        assertThat(e.elements()).extracting(XmlElement::name)
                .containsExactly("policy-violation", "text", "stanza-too-big");
        assertThat(StreamError.toXml(e)).endsWith("<stanza-too-big xmlns='urn:example:switchboard'/></stream:error>");
    }

    @Test
    void see_other_host_carries_the_address_as_character_data() {
        // RFC 6120 §4.9.3.19
        assertThat(StreamError.toXml(StreamError.seeOtherHost("[2001:41D0:1:A49b::1]:9222", null)))
                .isEqualTo("<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                        + "[2001:41D0:1:A49b::1]:9222</see-other-host></stream:error>");
    }

    @Test
    void condition_of_recognizes_defined_conditions() {
        for (StreamErrorCondition c : StreamErrorCondition.values()) {
            assertThat(StreamError.conditionOf(StreamError.element(c, "details")))
                    .contains(c);
        }
        assertThat(StreamError.conditionOf(XmlElement.of("error", Namespaces.STREAM))).isEmpty();
    }

    @Test
    void wire_form_parses_back_to_the_same_element_inside_a_stream() {
        XmlElement original = StreamError.element(StreamErrorCondition.SYSTEM_SHUTDOWN, "bye",
                XmlElement.of("maintenance", "urn:example:app"));
        String document = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
                + StreamError.toXml(original);
        List<XmlElement> received = new ArrayList<>();
        XmppStreamParser parser = new XmppStreamParser(ParserLimits.defaults(), new XmppStreamParser.Listener() {
            @Override
            public void onStreamOpen(StreamHeader header) {
            }

            @Override
            public void onElement(XmlElement element) {
                received.add(element);
            }

            @Override
            public void onStreamClose() {
            }

            @Override
            public void onError(StreamErrorCondition condition, String text) {
                throw new AssertionError(condition + " " + text);
            }
        });
        parser.feed(document.getBytes(StandardCharsets.UTF_8));
        assertThat(received).containsExactly(original);
    }
}
