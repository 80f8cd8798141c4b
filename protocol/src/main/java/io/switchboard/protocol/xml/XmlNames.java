package io.switchboard.protocol.xml;

/**
 * Name validation for the serializer. Names are checked when elements are constructed so that serialization can
 * copy them verbatim and still never produce ill-formed output.
 */
final class XmlNames {
    private XmlNames() {
    }

    /** True if {@code s} is an NCName (an XML 1.0 fifth-edition Name without colons). */
    static boolean isNCName(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                // ASCII fast path: covers nearly every name that occurs in XMPP.
                boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
                if (letter) {
                    continue;
                }
                if (i > 0 && ((c >= '0' && c <= '9') || c == '-' || c == '.')) {
                    continue;
                }
                return false;
            }
            int cp = c;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                cp = Character.toCodePoint(c, s.charAt(++i));
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
            if (!(isNameStart(cp) || (i > 0 && isNameChar(cp)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameStart(int cp) {
        return (cp >= 0xC0 && cp <= 0xD6) || (cp >= 0xD8 && cp <= 0xF6) || (cp >= 0xF8 && cp <= 0x2FF)
                || (cp >= 0x370 && cp <= 0x37D) || (cp >= 0x37F && cp <= 0x1FFF) || (cp >= 0x200C && cp <= 0x200D)
                || (cp >= 0x2070 && cp <= 0x218F) || (cp >= 0x2C00 && cp <= 0x2FEF) || (cp >= 0x3001 && cp <= 0xD7FF)
                || (cp >= 0xF900 && cp <= 0xFDCF) || (cp >= 0xFDF0 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0xEFFFF);
    }

    private static boolean isNameChar(int cp) {
        return cp == 0xB7 || (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x203F && cp <= 0x2040);
    }
}
