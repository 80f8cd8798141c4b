package io.switchboard.connector.stream;

import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;

import java.nio.charset.StandardCharsets;

/**
 * Elements written so that they parse on their own, without the namespace declarations of an
 * enclosing {@code <stream:stream>}: stanzas carry {@code xmlns='jabber:client'}, and elements in
 * the streams namespace declare the {@code stream} prefix themselves. RFC 7395 needs this for each
 * WebSocket message (§3.3.3); XEP-0206 for the children of a BOSH {@code <body/>}, whose default
 * namespace is not {@code jabber:client}.
 */
public final class StandaloneXml {
    private static final byte[] CLIENT_NAMESPACE =
            (" xmlns='" + Namespaces.CLIENT + "'").getBytes(StandardCharsets.US_ASCII);
    private static final String STREAM_PREFIX_DECLARATION = " xmlns:stream='" + Namespaces.STREAM + "'";

    private StandaloneXml() {
    }

    /**
     * A nonza or server-generated element. {@code <stream:features/>} and {@code <stream:error/>}
     * keep the prefixed form (RFC 7395 §3.3.3's second example, XEP-0206's examples), which clients
     * written for TCP recognise, and declare the prefix on themselves.
     */
    public static String element(XmlElement element) {
        if (!Namespaces.STREAM.equals(element.namespace())) {
            return element.toXml("");
        }
        String xml = element.toXmlWithStreamPrefix("");
        int nameEnd = "<stream:".length() + element.name().length();
        return xml.substring(0, nameEnd) + STREAM_PREFIX_DECLARATION + xml.substring(nameEnd);
    }

    /**
     * A stanza serialized for a {@code jabber:client} stream (no {@code xmlns} on its root, which
     * inherits it from {@code <stream:stream>} on TCP), made standalone by declaring the namespace
     * on the root. Byte-level, like {@code AddressedCopies}: stanzas routed through the cluster are
     * not parsed again on their way out.
     */
    public static String stanza(byte[] xml) {
        int nameEnd = rootNameEnd(xml);
        if (nameEnd < 0 || declaresDefaultNamespace(xml, nameEnd)) {
            return new String(xml, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[xml.length + CLIENT_NAMESPACE.length];
        System.arraycopy(xml, 0, out, 0, nameEnd);
        System.arraycopy(CLIENT_NAMESPACE, 0, out, nameEnd, CLIENT_NAMESPACE.length);
        System.arraycopy(xml, nameEnd, out, nameEnd + CLIENT_NAMESPACE.length, xml.length - nameEnd);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Index just after the root element's name, or -1 if the bytes do not start with a start tag. */
    private static int rootNameEnd(byte[] xml) {
        if (xml.length < 2 || xml[0] != '<') {
            return -1;
        }
        int i = 1;
        while (i < xml.length && !isSpace(xml[i]) && xml[i] != '/' && xml[i] != '>') {
            i++;
        }
        return i > 1 && i < xml.length ? i : -1;
    }

    /** Whether the root start tag already has an {@code xmlns} attribute (scans the start tag only). */
    private static boolean declaresDefaultNamespace(byte[] xml, int from) {
        int i = from;
        while (i < xml.length) {
            while (i < xml.length && isSpace(xml[i])) {
                i++;
            }
            if (i >= xml.length || xml[i] == '>' || xml[i] == '/') {
                return false;
            }
            int nameStart = i;
            while (i < xml.length && xml[i] != '=' && !isSpace(xml[i])) {
                i++;
            }
            boolean xmlns = i - nameStart == 5 && xml[nameStart] == 'x' && xml[nameStart + 1] == 'm'
                    && xml[nameStart + 2] == 'l' && xml[nameStart + 3] == 'n' && xml[nameStart + 4] == 's';
            if (xmlns) {
                return true;
            }
            while (i < xml.length && xml[i] != '\'' && xml[i] != '"') {
                i++;
            }
            if (i >= xml.length) {
                return false;
            }
            byte quote = xml[i++];
            while (i < xml.length && xml[i] != quote) {
                i++;
            }
            i++;
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
