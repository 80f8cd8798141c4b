package io.switchboard.protocol.xml;

/**
 * Resource limits for {@link XmppStreamParser}; exceeding either is a {@code policy-violation} stream error
 * (RFC 6120 §4.9.3.14, §13.12).
 *
 * @param maxStanzaBytes largest first-level element, in bytes of UTF-8 input. The same bound applies to the
 *                       stream header together with everything before it, and to the character data between two
 *                       first-level elements (so whitespace keepalives count until the next element starts: about
 *                       a quarter of a million keepalives with no stanza in between, which no real client sends).
 * @param maxDepth       deepest element nesting inside a stanza; the stanza element itself is depth 1
 */
public record ParserLimits(int maxStanzaBytes, int maxDepth) {
    public ParserLimits {
        if (maxStanzaBytes < 1) {
            throw new IllegalArgumentException("maxStanzaBytes must be positive: " + maxStanzaBytes);
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be positive: " + maxDepth);
        }
    }

    /** 256 KiB per stanza and 32 levels. */
    public static ParserLimits defaults() {
        return new ParserLimits(262144, 32);
    }
}
