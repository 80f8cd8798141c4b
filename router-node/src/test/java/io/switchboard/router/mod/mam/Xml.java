package io.switchboard.router.mod.mam;

import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;

import java.nio.charset.StandardCharsets;

/** Test helper: parses jabber:client stanza text as the router would get it. */
final class Xml {
    private Xml() {
    }

    static XmlElement parse(String xml) {
        return StanzaParsing.parse(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** The payload (first child) of an IQ written as text. */
    static XmlElement payload(String iq) {
        return parse(iq).elements().get(0);
    }
}
