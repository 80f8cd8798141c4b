package io.switchboard.protocol.error;

import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;

import java.util.Objects;
import java.util.Optional;

/**
 * Builds stream errors (RFC 6120 §4.9): {@code <stream:error>} holding one defined condition in the
 * {@code urn:ietf:params:xml:ns:xmpp-streams} namespace, an optional {@code <text/>} and an optional
 * application-specific condition.
 */
public final class StreamError {
    private StreamError() {
    }

    /** {@code <error xmlns='http://etherx.jabber.org/streams'>} with the condition and optional English text. */
    public static XmlElement element(StreamErrorCondition condition, String text) {
        return element(condition, text, null);
    }

    /**
     * As {@link #element(StreamErrorCondition, String)}, plus an application-specific condition element (RFC 6120
     * §4.9.4), which must be in a namespace other than the streams namespaces; null for none. For the
     * {@code see-other-host} address use {@link #seeOtherHost(String, String)}.
     */
    public static XmlElement element(StreamErrorCondition condition, String text, XmlElement applicationSpecific) {
        return build(XmlElement.of(condition.elementName(), Namespaces.STREAMS_ERRORS), text, applicationSpecific);
    }

    /** {@code see-other-host} carrying the alternate host (and optional port) as its character data (§4.9.3.19). */
    public static XmlElement seeOtherHost(String hostAndPort, String text) {
        Objects.requireNonNull(hostAndPort, "hostAndPort");
        return build(XmlElement.builder(StreamErrorCondition.SEE_OTHER_HOST.elementName(), Namespaces.STREAMS_ERRORS)
                .text(hostAndPort).build(), text, null);
    }

    /**
     * The exact wire form inside a stream, with the {@code stream:} prefix the stream header bound, e.g.
     * {@code <stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>}.
     */
    public static String toXml(StreamErrorCondition condition, String text) {
        return toXml(element(condition, text));
    }

    /** The wire form of any stream error element built here (or parsed). */
    public static String toXml(XmlElement streamError) {
        // Every child carries its own namespace, so the enclosing default namespace only matters for children
        // in no namespace; jabber:client is the common case and any default gives equivalent XML.
        return streamError.toXmlWithStreamPrefix(Namespaces.CLIENT);
    }

    /** The defined condition of a received {@code <stream:error>}, if recognizable. */
    public static Optional<StreamErrorCondition> conditionOf(XmlElement streamError) {
        for (XmlElement child : streamError.elements()) {
            if (child.namespace().equals(Namespaces.STREAMS_ERRORS) && !child.name().equals("text")) {
                return StreamErrorCondition.fromElementName(child.name());
            }
        }
        return Optional.empty();
    }

    private static XmlElement build(XmlElement condition, String text, XmlElement applicationSpecific) {
        XmlElement.Builder b = XmlElement.builder("error", Namespaces.STREAM).child(condition);
        if (text != null) {
            b.child(XmlElement.builder("text", Namespaces.STREAMS_ERRORS).attribute("xml:lang", "en").text(text));
        }
        if (applicationSpecific != null) {
            b.child(applicationSpecific);
        }
        return b.build();
    }
}
