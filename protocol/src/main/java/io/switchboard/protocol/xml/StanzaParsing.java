package io.switchboard.protocol.xml;

import io.switchboard.protocol.error.StreamErrorCondition;

import java.nio.charset.StandardCharsets;

/**
 * Parses one serialized jabber:client stanza (as carried on the event bus), for the paths that
 * need its content (server IQs, errors, offline storage, rosters). Routing itself never calls
 * this: it reads the routing header.
 */
public final class StanzaParsing {
    private static final byte[] OPEN = ("<stream:stream xmlns='" + Namespaces.CLIENT + "' xmlns:stream='"
            + Namespaces.STREAM + "'>").getBytes(StandardCharsets.UTF_8);
    // The connector already enforced the client's limits; these only bound the work here.
    private static final ParserLimits LIMITS = new ParserLimits(16 * 1024 * 1024, 1024);

    private StanzaParsing() {
    }

    public static XmlElement parse(byte[] xml) {
        XmlElement[] result = new XmlElement[1];
        String[] error = new String[1];
        XmppStreamParser parser = new XmppStreamParser(LIMITS, new XmppStreamParser.Listener() {
            @Override
            public void onStreamOpen(StreamHeader header) {
            }

            @Override
            public void onElement(XmlElement element) {
                result[0] = element;
            }

            @Override
            public void onStreamClose() {
            }

            @Override
            public void onError(StreamErrorCondition condition, String text) {
                error[0] = condition.elementName() + (text == null ? "" : ": " + text);
            }
        });
        parser.feed(OPEN);
        parser.feed(xml);
        if (result[0] == null) {
            throw new IllegalArgumentException("not a stanza: " + (error[0] == null ? "incomplete" : error[0]));
        }
        return result[0];
    }
}
