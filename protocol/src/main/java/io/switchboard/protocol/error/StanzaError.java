package io.switchboard.protocol.error;

import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmlNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Builds stanza errors (RFC 6120 §8.3). */
public final class StanzaError {
    private StanzaError() {
    }

    /** {@code <error type='...'>} in {@code jabber:client}, for a stanza written on a client stream. */
    public static XmlElement errorElement(StanzaErrorCondition condition, StanzaErrorType type, String text) {
        return errorElement(condition, type, text, Namespaces.CLIENT);
    }

    /**
     * {@code <error type='...'><condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text ...>..</text></error>}
     * with the error element in {@code stanzaNamespace}: the error element belongs to the stanza's namespace
     * (RFC 6120 §8.3.2), so it must match the stanza it is put into.
     */
    public static XmlElement errorElement(StanzaErrorCondition condition, StanzaErrorType type, String text,
                                          String stanzaNamespace) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(type, "type");
        XmlElement.Builder b = XmlElement.builder("error", stanzaNamespace)
                .attribute("type", type.value())
                .child(XmlElement.of(condition.elementName(), Namespaces.STANZAS_ERRORS));
        if (text != null) {
            b.child(XmlElement.builder("text", Namespaces.STANZAS_ERRORS).attribute("xml:lang", "en").text(text));
        }
        return b.build();
    }

    /** {@link #errorReply(XmlElement, StanzaErrorCondition, StanzaErrorType, String)} with the default type. */
    public static XmlElement errorReply(XmlElement stanza, StanzaErrorCondition condition, String text) {
        return errorReply(stanza, condition, condition.defaultType(), text);
    }

    /**
     * The error reply to {@code stanza} (RFC 6120 §8.3.1): same element name and namespace, {@code type='error'},
     * same {@code id} and other attributes, {@code from} and {@code to} swapped (an absent one stays absent; the
     * caller may then set {@code from} to the server's address with {@code withAttribute}). Message and presence
     * keep their original child elements (the RFC allows including the original payload, which helps the sender
     * correlate); an IQ keeps only its payload element, since an IQ carries at most one. The error element goes last.
     *
     * @throws IllegalArgumentException if {@code stanza} is itself of type error: RFC 6120 §8.3.1 forbids answering
     *                                  an error with an error (that is how error loops start)
     */
    public static XmlElement errorReply(XmlElement stanza, StanzaErrorCondition condition, StanzaErrorType type,
                                        String text) {
        if ("error".equals(stanza.attribute("type"))) {
            throw new IllegalArgumentException("must not reply to an error stanza with an error (RFC 6120 §8.3.1)");
        }
        XmlElement.Builder b = XmlElement.builder(stanza.name(), stanza.namespace());
        boolean typeWritten = false;
        for (Map.Entry<String, String> a : stanza.attributes().entrySet()) {
            switch (a.getKey()) {
                case "to" -> b.attribute("from", a.getValue());
                case "from" -> b.attribute("to", a.getValue());
                case "type" -> {
                    b.attribute("type", "error");
                    typeWritten = true;
                }
                default -> b.attribute(a.getKey(), a.getValue());
            }
        }
        if (!typeWritten) {
            b.attribute("type", "error");
        }
        List<XmlElement> payload = stanza.elements();
        if (stanza.name().equals("iq")) {
            payload = payload.isEmpty() ? List.of() : List.of(payload.get(0));
        }
        List<XmlNode> children = new ArrayList<>(payload.size() + 1);
        children.addAll(payload);
        children.add(errorElement(condition, type, text, stanza.namespace()));
        return b.build().withChildren(children);
    }

    /** The defined condition inside a received error stanza (or {@code <error/>} element), if any. */
    public static Optional<StanzaErrorCondition> conditionOf(XmlElement stanzaOrError) {
        XmlElement error = stanzaOrError.name().equals("error")
                ? stanzaOrError : stanzaOrError.child("error", stanzaOrError.namespace());
        if (error == null) {
            return Optional.empty();
        }
        for (XmlElement child : error.elements()) {
            if (child.namespace().equals(Namespaces.STANZAS_ERRORS) && !child.name().equals("text")) {
                return StanzaErrorCondition.fromElementName(child.name());
            }
        }
        return Optional.empty();
    }
}
