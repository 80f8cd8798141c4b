package io.switchboard.cluster.bus;

import java.nio.charset.StandardCharsets;

/**
 * Writes a recipient's 'to' into a stanza that travelled without one (a presence batch), at the
 * byte level: the stanza was serialized by us, so it starts with its element name and carries no
 * 'to' yet; no re-parsing is needed per recipient.
 */
public final class AddressedCopies {
    private AddressedCopies() {
    }

    /** @param xml serialized stanza starting with {@code <name} and without a 'to' attribute */
    public static byte[] withTo(byte[] xml, String elementName, String to) {
        int insertAt = 1 + elementName.length();
        if (xml.length < insertAt || xml[0] != '<') {
            throw new IllegalArgumentException("not a serialized <" + elementName + "> stanza");
        }
        byte[] attribute = (" to='" + escape(to) + "'").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[xml.length + attribute.length];
        System.arraycopy(xml, 0, out, 0, insertAt);
        System.arraycopy(attribute, 0, out, insertAt, attribute.length);
        System.arraycopy(xml, insertAt, out, insertAt + attribute.length, xml.length - insertAt);
        return out;
    }

    private static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
