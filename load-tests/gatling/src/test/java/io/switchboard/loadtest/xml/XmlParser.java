package io.switchboard.loadtest.xml;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Parses one complete, well-formed element (a stanza cut out of the stream by {@link StreamSplitter},
 * or one WebSocket frame per RFC 7395 §3.3.3) into an {@link XmlElement}. Handles attributes in
 * either quote style, the five predefined entities and character references, CDATA sections,
 * comments and processing instructions; a server never sends DTDs (RFC 6120 §11.1).
 */
public final class XmlParser {
    private XmlParser() {
    }

    public static XmlElement parse(String xml) {
        Deque<XmlElement.Builder> open = new ArrayDeque<>();
        int i = 0;
        int n = xml.length();
        while (i < n) {
            char c = xml.charAt(i);
            if (c != '<') {
                int end = xml.indexOf('<', i);
                if (end < 0) {
                    end = n;
                }
                if (!open.isEmpty()) {
                    decode(xml, i, end, open.peek().text);
                }
                i = end;
                continue;
            }
            if (xml.startsWith("<?", i)) {
                i = skipPast(xml, i, "?>");
            } else if (xml.startsWith("<!--", i)) {
                i = skipPast(xml, i, "-->");
            } else if (xml.startsWith("<![CDATA[", i)) {
                int end = xml.indexOf("]]>", i);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated CDATA");
                }
                if (!open.isEmpty()) {
                    open.peek().text.append(xml, i + 9, end);
                }
                i = end + 3;
            } else if (i + 1 < n && xml.charAt(i + 1) == '/') {
                int end = xml.indexOf('>', i);
                if (end < 0 || open.isEmpty()) {
                    throw new IllegalArgumentException("bad end tag at " + i);
                }
                XmlElement done = open.pop().build();
                if (open.isEmpty()) {
                    return done;
                }
                open.peek().children.add(done);
                i = end + 1;
            } else {
                StartTag tag = startTag(xml, i);
                if (tag.selfClosing) {
                    XmlElement done = tag.builder.build();
                    if (open.isEmpty()) {
                        return done;
                    }
                    open.peek().children.add(done);
                } else {
                    open.push(tag.builder);
                }
                i = tag.end;
            }
        }
        if (open.size() == 1) {
            return open.pop().build(); // an unclosed start tag, e.g. a stream header
        }
        throw new IllegalArgumentException("incomplete element: " + abbreviate(xml));
    }

    /** The result of reading {@code <name attr='v' ...>} or {@code .../>}. */
    private record StartTag(XmlElement.Builder builder, boolean selfClosing, int end) {
    }

    private static StartTag startTag(String xml, int start) {
        int i = start + 1;
        int n = xml.length();
        int nameStart = i;
        while (i < n && !isSpace(xml.charAt(i)) && xml.charAt(i) != '>' && xml.charAt(i) != '/') {
            i++;
        }
        XmlElement.Builder b = new XmlElement.Builder(xml.substring(nameStart, i));
        while (i < n) {
            char c = xml.charAt(i);
            if (isSpace(c)) {
                i++;
            } else if (c == '>') {
                return new StartTag(b, false, i + 1);
            } else if (c == '/' && i + 1 < n && xml.charAt(i + 1) == '>') {
                return new StartTag(b, true, i + 2);
            } else {
                int eq = xml.indexOf('=', i);
                if (eq < 0) {
                    throw new IllegalArgumentException("bad attribute at " + i + ": " + abbreviate(xml));
                }
                String attr = xml.substring(i, eq).trim();
                int q = eq + 1;
                while (q < n && isSpace(xml.charAt(q))) {
                    q++;
                }
                char quote = xml.charAt(q);
                if (quote != '\'' && quote != '"') {
                    throw new IllegalArgumentException("unquoted attribute " + attr);
                }
                int close = xml.indexOf(quote, q + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated attribute " + attr);
                }
                StringBuilder value = new StringBuilder(close - q);
                decode(xml, q + 1, close, value);
                b.attributes.put(attr, value.toString());
                i = close + 1;
            }
        }
        throw new IllegalArgumentException("unterminated start tag: " + abbreviate(xml));
    }

    private static void decode(String xml, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            char c = xml.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int semi = xml.indexOf(';', i);
            if (semi < 0 || semi > to) {
                throw new IllegalArgumentException("bad entity at " + i);
            }
            String entity = xml.substring(i + 1, semi);
            switch (entity) {
                case "lt" -> out.append('<');
                case "gt" -> out.append('>');
                case "amp" -> out.append('&');
                case "apos" -> out.append('\'');
                case "quot" -> out.append('"');
                default -> {
                    if (entity.startsWith("#x")) {
                        out.appendCodePoint(Integer.parseInt(entity.substring(2), 16));
                    } else if (entity.startsWith("#")) {
                        out.appendCodePoint(Integer.parseInt(entity.substring(1)));
                    } else {
                        throw new IllegalArgumentException("unknown entity &" + entity + ";");
                    }
                }
            }
            i = semi + 1;
        }
    }

    private static int skipPast(String xml, int from, String terminator) {
        int end = xml.indexOf(terminator, from);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated " + terminator);
        }
        return end + terminator.length();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
