package io.switchboard.protocol.xml;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NamespacesTest {

    @Test
    void core_namespaces_match_rfc_6120() {
        // RFC 6120 §4.8.1 (stream), §4.8.3 (content), §5.4 (TLS), §6.4 (SASL), §7.4 (bind), §4.9.3 and §8.3.3 (errors)
        assertThat(Namespaces.STREAM).isEqualTo("http://etherx.jabber.org/streams");
        assertThat(Namespaces.CLIENT).isEqualTo("jabber:client");
        assertThat(Namespaces.SERVER).isEqualTo("jabber:server");
        assertThat(Namespaces.TLS).isEqualTo("urn:ietf:params:xml:ns:xmpp-tls");
        assertThat(Namespaces.SASL).isEqualTo("urn:ietf:params:xml:ns:xmpp-sasl");
        assertThat(Namespaces.BIND).isEqualTo("urn:ietf:params:xml:ns:xmpp-bind");
        assertThat(Namespaces.STREAMS_ERRORS).isEqualTo("urn:ietf:params:xml:ns:xmpp-streams");
        assertThat(Namespaces.STANZAS_ERRORS).isEqualTo("urn:ietf:params:xml:ns:xmpp-stanzas");
    }

    @Test
    void extension_namespaces_match_their_specifications() {
        assertThat(Namespaces.SESSION).isEqualTo("urn:ietf:params:xml:ns:xmpp-session"); // RFC 3921 §3
        assertThat(Namespaces.REGISTER_FEATURE).isEqualTo("http://jabber.org/features/iq-register"); // XEP-0077
        assertThat(Namespaces.REGISTER).isEqualTo("jabber:iq:register");
        assertThat(Namespaces.DISCO_INFO).isEqualTo("http://jabber.org/protocol/disco#info"); // XEP-0030
        assertThat(Namespaces.DISCO_ITEMS).isEqualTo("http://jabber.org/protocol/disco#items");
        assertThat(Namespaces.PING).isEqualTo("urn:xmpp:ping"); // XEP-0199
        assertThat(Namespaces.VERSION).isEqualTo("jabber:iq:version"); // XEP-0092
        assertThat(Namespaces.DELAY).isEqualTo("urn:xmpp:delay"); // XEP-0203
        assertThat(Namespaces.XML).isEqualTo("http://www.w3.org/XML/1998/namespace");
        assertThat(Namespaces.FRAMING).isEqualTo("urn:ietf:params:xml:ns:xmpp-framing"); // RFC 7395
    }
}
