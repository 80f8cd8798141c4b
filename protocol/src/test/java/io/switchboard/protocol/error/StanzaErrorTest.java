package io.switchboard.protocol.error;

import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stanza errors, RFC 6120 §8.3. */
class StanzaErrorTest {

    private static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

    @Test
    void error_element_matches_rfc_6120_syntax() {
        // RFC 6120 §8.3.2
        assertThat(StanzaError.errorElement(StanzaErrorCondition.SERVICE_UNAVAILABLE, StanzaErrorType.CANCEL, null)
                .toXml()).isEqualTo("<error type='cancel'><service-unavailable xmlns='" + STANZAS + "'/></error>");
        assertThat(StanzaError.errorElement(StanzaErrorCondition.BAD_REQUEST, StanzaErrorType.MODIFY, "why").toXml())
                .isEqualTo("<error type='modify'><bad-request xmlns='" + STANZAS + "'/>"
                        + "<text xmlns='" + STANZAS + "' xml:lang='en'>why</text></error>");
    }

    @Test
    void error_element_can_be_built_for_a_server_stream() {
        XmlElement e = StanzaError.errorElement(StanzaErrorCondition.GONE, StanzaErrorType.CANCEL, null, Namespaces.SERVER);
        assertThat(e.namespace()).isEqualTo(Namespaces.SERVER);
    }

    @Test
    void message_error_reply_swaps_addresses_keeps_id_and_payload_and_appends_the_error() {
        // RFC 6120 §8.3.1: type 'error', 'to'/'from' swapped, same 'id'; original payload MAY be included.
        XmlElement message = XmlElement.builder("message", Namespaces.CLIENT)
                .attribute("from", "juliet@im.example.com/balcony")
                .attribute("to", "romeo@example.net")
                .attribute("type", "chat")
                .attribute("id", "ktx72v49")
                .attribute("xml:lang", "en")
                .element("body", null, b -> b.text("Art thou not Romeo?"))
                .element("thread", null, b -> b.text("e0ffe42b"))
                .build();
        XmlElement reply = StanzaError.errorReply(message, StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
        assertThat(reply.toXml()).isEqualTo("<message to='juliet@im.example.com/balcony' from='romeo@example.net'"
                + " type='error' id='ktx72v49' xml:lang='en'><body>Art thou not Romeo?</body><thread>e0ffe42b</thread>"
                + "<error type='cancel'><service-unavailable xmlns='" + STANZAS + "'/></error></message>");
    }

    @Test
    void iq_error_reply_keeps_only_the_payload_element() {
        XmlElement iq = XmlElement.builder("iq", Namespaces.CLIENT)
                .attribute("from", "juliet@im.example.com/balcony")
                .attribute("id", "rr82a1z7")
                .attribute("to", "im.example.com")
                .attribute("type", "get")
                .element("query", "jabber:iq:roster", null)
                .build();
        XmlElement reply = StanzaError.errorReply(iq, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "no roster here");
        assertThat(reply.toXml()).isEqualTo("<iq to='juliet@im.example.com/balcony' id='rr82a1z7' from='im.example.com'"
                + " type='error'><query xmlns='jabber:iq:roster'/><error type='cancel'><feature-not-implemented xmlns='"
                + STANZAS + "'/><text xmlns='" + STANZAS + "' xml:lang='en'>no roster here</text></error></iq>");
    }

    @Test
    void presence_error_reply_without_from_leaves_to_absent() {
        // The sender's own client stream stamps no 'from' on stanzas it sends; the reply then has no 'to' and the
        // caller sets 'from' itself.
        XmlElement presence = XmlElement.builder("presence", Namespaces.CLIENT)
                .attribute("to", "romeo@example.net").attribute("type", "subscribe").attribute("id", "s1").build();
        XmlElement reply = StanzaError.errorReply(presence, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, null);
        assertThat(reply.attributes()).containsOnlyKeys("from", "type", "id");
        assertThat(reply.attribute("from")).isEqualTo("romeo@example.net");
        assertThat(reply.attribute("type")).isEqualTo("error");
        assertThat(reply.toXml()).isEqualTo("<presence from='romeo@example.net' type='error' id='s1'><error"
                + " type='cancel'><remote-server-not-found xmlns='" + STANZAS + "'/></error></presence>");
    }

    @Test
    void reply_to_stanza_without_type_gets_type_error() {
        XmlElement presence = XmlElement.builder("presence", Namespaces.CLIENT).attribute("from", "a@b/c").build();
        XmlElement reply = StanzaError.errorReply(presence, StanzaErrorCondition.FORBIDDEN, null);
        assertThat(reply.attribute("type")).isEqualTo("error");
        assertThat(reply.attribute("to")).isEqualTo("a@b/c");
        assertThat(reply.child("error", Namespaces.CLIENT).attribute("type")).isEqualTo("auth");
    }

    @Test
    void explicit_type_overrides_the_default() {
        XmlElement iq = XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "set").attribute("id", "1").build();
        XmlElement reply = StanzaError.errorReply(iq, StanzaErrorCondition.UNEXPECTED_REQUEST, StanzaErrorType.MODIFY, null);
        assertThat(reply.child("error", Namespaces.CLIENT).attribute("type")).isEqualTo("modify");
    }

    @Test
    void error_element_takes_the_namespace_of_a_server_stanza() {
        XmlElement message = XmlElement.builder("message", Namespaces.SERVER)
                .attribute("from", "a@x.example").attribute("to", "b@y.example").build();
        XmlElement reply = StanzaError.errorReply(message, StanzaErrorCondition.ITEM_NOT_FOUND, null);
        assertThat(reply.namespace()).isEqualTo(Namespaces.SERVER);
        assertThat(reply.child("error", Namespaces.SERVER)).isNotNull();
        assertThat(reply.toXml(Namespaces.SERVER)).doesNotContain("jabber:client").startsWith("<message to=");
    }

    @Test
    void replying_to_an_error_with_an_error_is_refused() {
        // RFC 6120 §8.3.1: an entity MUST NOT respond to an error stanza with an error stanza.
        XmlElement error = XmlElement.builder("message", Namespaces.CLIENT).attribute("type", "error").build();
        assertThatThrownBy(() -> StanzaError.errorReply(error, StanzaErrorCondition.BAD_REQUEST, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_caller_can_override_from() {
        XmlElement iq = XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "1").build();
        XmlElement reply = StanzaError.errorReply(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null)
                .withAttribute("from", "im.example.com");
        assertThat(reply.attribute("from")).isEqualTo("im.example.com");
    }

    @Test
    void condition_of_reads_the_defined_condition_from_an_error_stanza() {
        XmlElement iq = XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "get").attribute("id", "1").build();
        XmlElement reply = StanzaError.errorReply(iq, StanzaErrorCondition.NOT_ALLOWED, "text comes after");
        assertThat(StanzaError.conditionOf(reply)).contains(StanzaErrorCondition.NOT_ALLOWED);
        assertThat(StanzaError.conditionOf(reply.child("error", Namespaces.CLIENT)))
                .contains(StanzaErrorCondition.NOT_ALLOWED);
        assertThat(StanzaError.conditionOf(iq)).isEmpty();
    }
}
