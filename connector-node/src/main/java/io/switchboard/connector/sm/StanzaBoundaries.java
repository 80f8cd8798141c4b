package io.switchboard.connector.sm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a delivery into its top-level stanzas. A delivery usually carries one stanza, but the
 * presence service sends a user's probe answers to a fresh session as one delivery (see
 * {@code FanOut.sendAll}); XEP-0198 counts each stanza (§4), so the stream-management queue must hold
 * them one by one or the client's 'h' runs ahead of the server's count.
 *
 * <p>The bytes are the cluster's own serialization (no comments, processing instructions, CDATA or
 * DOCTYPE; '&lt;' inside values is escaped), so tracking element depth is enough; quoted attribute
 * values are skipped in case they hold an unescaped '&gt;'.
 */
final class StanzaBoundaries {
    private StanzaBoundaries() {
    }

    /** The top-level elements of {@code xml}, in order; the array itself when it holds just one. */
    static List<byte[]> split(byte[] xml) {
        List<byte[]> stanzas = null;
        int depth = 0;
        int start = -1;
        int i = 0;
        while (i < xml.length) {
            if (xml[i] != '<') {
                i++;
                continue;
            }
            boolean closing = i + 1 < xml.length && xml[i + 1] == '/';
            int end = tagEnd(xml, i + 1);
            if (end < 0) {
                break; // truncated: keep what was found, the rest goes as one piece below
            }
            boolean selfClosing = !closing && xml[end - 1] == '/';
            if (!closing && depth == 0) {
                start = i;
            }
            if (closing) {
                depth--;
            } else if (!selfClosing) {
                depth++;
            }
            i = end + 1;
            if (depth == 0 && start >= 0) {
                if (start == 0 && i >= xml.length && stanzas == null) {
                    return List.of(xml); // the common case: exactly one stanza
                }
                if (stanzas == null) {
                    stanzas = new ArrayList<>(4);
                }
                stanzas.add(Arrays.copyOfRange(xml, start, i));
                start = -1;
            }
        }
        if (stanzas == null) {
            return List.of(xml);
        }
        if (start >= 0) {
            stanzas.add(Arrays.copyOfRange(xml, start, xml.length));
        }
        return stanzas;
    }

    /** Index of the '&gt;' that ends the tag opened just before {@code from}, or -1. */
    private static int tagEnd(byte[] xml, int from) {
        byte quote = 0;
        for (int i = from; i < xml.length; i++) {
            byte b = xml[i];
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '\'' || b == '"') {
                quote = b;
            } else if (b == '>') {
                return i;
            }
        }
        return -1;
    }
}
