package io.switchboard.protocol.xml;

import java.util.List;
import java.util.Map;

/**
 * The serializer. Hand-written over a StringBuilder because it runs for every outgoing stanza; it relies on
 * {@link XmlElement} having validated all names, so only character data and attribute values need escaping.
 *
 * <p>Output is always well-formed XML 1.0: characters that XML 1.0 cannot carry at all (C0 controls other than
 * tab/LF/CR, U+FFFE/U+FFFF, unpaired surrogates) are replaced by U+FFFD rather than dropped, so that a damaged
 * string stays visibly damaged instead of silently changing meaning.
 */
final class XmlWriter {
    private static final char REPLACEMENT = '\uFFFD';

    private XmlWriter() {
    }

    /**
     * Writes {@code e}. {@code inScopeDefault} is the default namespace in effect where the element is written.
     * With {@code streamPrefix}, the {@code stream} prefix is assumed bound to {@link Namespaces#STREAM} (as it is
     * inside every XMPP stream) and elements in that namespace are written as {@code <stream:name>}.
     */
    static void writeElement(StringBuilder sb, XmlElement e, String inScopeDefault, boolean streamPrefix) {
        String ns = e.namespace();
        boolean prefixed = streamPrefix && ns.equals(Namespaces.STREAM);
        sb.append('<');
        if (prefixed) {
            sb.append("stream:");
        }
        sb.append(e.name());
        // A prefixed element does not change the default namespace seen by its children.
        String childDefault = inScopeDefault;
        if (!prefixed) {
            if (!ns.equals(inScopeDefault)) {
                sb.append(" xmlns='");
                appendAttributeValue(sb, ns);
                sb.append('\'');
            }
            childDefault = ns;
        }
        writeAttributes(sb, e.attributes());
        List<XmlNode> children = e.children();
        if (children.isEmpty()) {
            sb.append("/>");
            return;
        }
        sb.append('>');
        for (int i = 0, n = children.size(); i < n; i++) {
            XmlNode child = children.get(i);
            if (child instanceof XmlElement ce) {
                writeElement(sb, ce, childDefault, streamPrefix);
            } else {
                appendText(sb, ((XmlText) child).text());
            }
        }
        sb.append("</");
        if (prefixed) {
            sb.append("stream:");
        }
        sb.append(e.name()).append('>');
    }

    /**
     * Writes attributes in model form: plain names and {@code xml:*} verbatim, {@code {uri}local} with a prefix
     * generated for (and declared on) this element only, so no prefix bookkeeping crosses element boundaries.
     */
    static void writeAttributes(StringBuilder sb, Map<String, String> attributes) {
        String[] declared = null;
        int declaredCount = 0;
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            String key = a.getKey();
            if (key.charAt(0) == '{') {
                // The last '}' separates: a local name cannot contain one, a namespace URI can.
                int close = key.lastIndexOf('}');
                String uri = key.substring(1, close);
                int index = -1;
                for (int i = 0; i < declaredCount; i++) {
                    if (declared[i].equals(uri)) {
                        index = i;
                        break;
                    }
                }
                if (index < 0) {
                    if (declared == null) {
                        declared = new String[4];
                    } else if (declaredCount == declared.length) {
                        declared = java.util.Arrays.copyOf(declared, declaredCount * 2);
                    }
                    index = declaredCount;
                    declared[declaredCount++] = uri;
                    sb.append(" xmlns:ns").append(index).append("='");
                    appendAttributeValue(sb, uri);
                    sb.append('\'');
                }
                sb.append(" ns").append(index).append(':').append(key, close + 1, key.length());
            } else {
                sb.append(' ').append(key);
            }
            sb.append("='");
            appendAttributeValue(sb, a.getValue());
            sb.append('\'');
        }
    }

    static String escapeText(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        appendText(sb, s);
        return sb.toString();
    }

    /** Escapes character data: {@code & < >} and CR (which a parser would otherwise normalize to LF). */
    static void appendText(StringBuilder sb, String s) {
        int n = s.length();
        int runStart = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String replacement;
            if (c >= 0x3F && c < 0xD800) {
                continue; // the common case: letters and most punctuation need nothing
            }
            switch (c) {
                case '&' -> replacement = "&amp;";
                case '<' -> replacement = "&lt;";
                case '>' -> replacement = "&gt;";
                case '\r' -> replacement = "&#13;";
                default -> {
                    if (isAllowed(s, i, c)) {
                        if (Character.isHighSurrogate(c)) {
                            i++; // valid pair: keep both halves
                        }
                        continue;
                    }
                    replacement = null;
                }
            }
            sb.append(s, runStart, i);
            if (replacement != null) {
                sb.append(replacement);
            } else {
                sb.append(REPLACEMENT);
            }
            runStart = i + 1;
        }
        sb.append(s, runStart, n);
    }

    /**
     * Escapes an attribute value for a single-quoted attribute. Both quote characters are escaped so the value is
     * safe whichever quoting a reader expects, and tab/LF/CR become character references because attribute-value
     * normalization would otherwise turn them into spaces.
     */
    static void appendAttributeValue(StringBuilder sb, String s) {
        int n = s.length();
        int runStart = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String replacement;
            if (c >= 0x3F && c < 0xD800) {
                continue;
            }
            switch (c) {
                case '&' -> replacement = "&amp;";
                case '<' -> replacement = "&lt;";
                case '>' -> replacement = "&gt;";
                case '\'' -> replacement = "&apos;";
                case '"' -> replacement = "&quot;";
                case '\t' -> replacement = "&#9;";
                case '\n' -> replacement = "&#10;";
                case '\r' -> replacement = "&#13;";
                default -> {
                    if (isAllowed(s, i, c)) {
                        if (Character.isHighSurrogate(c)) {
                            i++;
                        }
                        continue;
                    }
                    replacement = null;
                }
            }
            sb.append(s, runStart, i);
            if (replacement != null) {
                sb.append(replacement);
            } else {
                sb.append(REPLACEMENT);
            }
            runStart = i + 1;
        }
        sb.append(s, runStart, n);
    }

    /**
     * Whether the char at {@code i} (with its partner, for a high surrogate) is allowed by XML 1.0 production [2]
     * Char. Only called for chars outside the fast-path range.
     */
    private static boolean isAllowed(String s, int i, char c) {
        if (c < 0x20) {
            return c == '\t' || c == '\n' || c == '\r';
        }
        if (c < 0xD800) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return false; // a low surrogate not consumed as part of a pair is unpaired
        }
        return c != '\uFFFE' && c != '\uFFFF';
    }
}
