package io.switchboard.connector.sm;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;

/** The XEP-0198 nonzas ({@code urn:xmpp:sm:3}); none of them is a stanza, none is counted. */
public final class SmElements {
    public static final String NS = "urn:xmpp:sm:3";
    /** 'h' is an unsigned 32-bit counter that wraps to zero (XEP-0198 §4). */
    public static final long MASK = 0xFFFF_FFFFL;

    private SmElements() {
    }

    /** XEP-0198 §4: {@code <a h=.../>}. */
    public static XmlElement ack(long h) {
        return XmlElement.builder("a", NS).attribute("h", Long.toString(h & MASK)).build();
    }

    /** XEP-0198 §4: {@code <r/>}. */
    public static XmlElement request() {
        return XmlElement.of("r", NS);
    }

    /** XEP-0198 §3: {@code <enabled/>}, with the resumption id and the maximum resumption time when resumable. */
    public static XmlElement enabled(String id, long maxSeconds) {
        XmlElement.Builder b = XmlElement.builder("enabled", NS);
        if (id != null) {
            b.attribute("id", id).attribute("resume", "true").attribute("max", Long.toString(maxSeconds));
        }
        return b.build();
    }

    /** XEP-0198 §5: {@code <resumed previd h/>}, h being what the server handled of the client's stanzas. */
    public static XmlElement resumed(String previd, long h) {
        return XmlElement.builder("resumed", NS).attribute("previd", previd)
                .attribute("h", Long.toString(h & MASK)).build();
    }

    /** XEP-0198 §6: {@code <failed/>} with a stanza error condition (and 'h' when the server knows it). */
    public static XmlElement failed(StanzaErrorCondition condition, Long h) {
        XmlElement.Builder b = XmlElement.builder("failed", NS);
        if (h != null) {
            b.attribute("h", Long.toString(h & MASK));
        }
        return b.child(XmlElement.of(condition.elementName(), Namespaces.STANZAS_ERRORS)).build();
    }

    /** XEP-0198 §6: the application-specific condition of an 'h' acknowledging more than was sent. */
    public static XmlElement handledCountTooHigh(long h, long sendCount) {
        return XmlElement.builder("handled-count-too-high", NS).attribute("h", Long.toString(h & MASK))
                .attribute("send-count", Long.toString(sendCount & MASK)).build();
    }

    /** Parses an 'h' attribute: an unsigned 32-bit integer, or null when absent or malformed. */
    public static Long parseH(String value) {
        if (value == null) {
            return null;
        }
        try {
            long h = Long.parseLong(value.trim());
            return h < 0 || h > MASK ? null : h;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How many stanzas an 'h' acknowledges beyond the previous one, modulo 2^32. */
    public static long delta(long newH, long previousH) {
        return (newH - previousH) & MASK;
    }
}
