package io.switchboard.router.mod.mam;

import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmlNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** XEP-0359 {@code <stanza-id/>} handling on messages the server archives or passes on. */
final class StanzaIds {
    private static final byte[] NAMESPACE = MamNamespaces.SID.getBytes(StandardCharsets.UTF_8);

    private StanzaIds() {
    }

    /**
     * A cheap pre-check on the serialized message: false means it certainly has no stanza-id, so
     * a message nobody archives need not be parsed just to look for a spoofed one.
     */
    static boolean mayContain(byte[] xml) {
        outer:
        for (int i = 0; i + NAMESPACE.length <= xml.length; i++) {
            for (int j = 0; j < NAMESPACE.length; j++) {
                if (xml[i + j] != NAMESPACE[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * XEP-0359 §5 (Security Considerations) and §4 rule 3: the message without any
     * {@code <stanza-id/>} that claims to be by {@code by}: only that entity may add one, so one a
     * sender put in is a spoof.
     * 'by' values are compared as normalised JIDs, so a change of case does not get one through.
     * Returns the same instance when there is nothing to remove.
     */
    static XmlElement withoutStanzaIdsBy(XmlElement message, Jid by) {
        List<XmlNode> kept = null;
        List<XmlNode> children = message.children();
        for (int i = 0; i < children.size(); i++) {
            XmlNode n = children.get(i);
            boolean spoofed = n instanceof XmlElement e && e.name().equals("stanza-id")
                    && e.namespace().equals(MamNamespaces.SID) && claims(e.attribute("by"), by);
            if (spoofed && kept == null) {
                kept = new ArrayList<>(children.subList(0, i));
            } else if (!spoofed && kept != null) {
                kept.add(n);
            }
        }
        return kept == null ? message : message.withChildren(kept);
    }

    /** XEP-0359 §4 (rules 3 and 4) / XEP-0313 §3.5: replaces any stanza-id by {@code by} with this one. */
    static XmlElement stamped(XmlElement message, Jid by, String id) {
        return withoutStanzaIdsBy(message, by).withChild(XmlElement.builder("stanza-id", MamNamespaces.SID)
                .attribute("by", by.toString()).attribute("id", id).build());
    }

    private static boolean claims(String byAttribute, Jid by) {
        if (byAttribute == null) {
            return false;
        }
        return byAttribute.equals(by.toString()) || Jid.tryParse(byAttribute).map(by::equals).orElse(false);
    }
}
