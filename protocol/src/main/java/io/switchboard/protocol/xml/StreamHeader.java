package io.switchboard.protocol.xml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The opening tag of an XML stream (RFC 6120 §4.7). The parser reports whatever root element it sees; checking that
 * it is {@code <stream:stream>} in the right namespaces is the caller's job, because the correct reaction
 * (invalid-namespace, bad-namespace-prefix, ...) depends on the connection type.
 *
 * @param name             local name of the root element (normally "stream")
 * @param namespace        namespace of the root element (normally {@link Namespaces#STREAM})
 * @param defaultNamespace the default namespace declared on the root ("" if none), e.g. {@code jabber:client}
 * @param attributes       attributes keyed as in {@link XmlElement#attributes()}; unmodifiable, document order
 */
public record StreamHeader(String name, String namespace, String defaultNamespace, Map<String, String> attributes) {

    public StreamHeader {
        Objects.requireNonNull(name, "name");
        namespace = namespace == null ? "" : namespace;
        defaultNamespace = defaultNamespace == null ? "" : defaultNamespace;
        attributes = attributes == null || attributes.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * A {@code <stream:stream>} header with the given default namespace (e.g. {@link Namespaces#CLIENT}); null
     * attribute values are left out, so optional attributes can be passed straight through.
     */
    public static StreamHeader of(String defaultNamespace, Map<String, String> attributes) {
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        if (attributes != null) {
            attributes.forEach((k, v) -> {
                if (v != null) {
                    copy.put(XmlElement.checkAttributeKey(k), v);
                }
            });
        }
        return new StreamHeader("stream", Namespaces.STREAM, defaultNamespace, copy);
    }

    public String to() {
        return attributes.get("to");
    }

    public String from() {
        return attributes.get("from");
    }

    public String version() {
        return attributes.get("version");
    }

    public String id() {
        return attributes.get("id");
    }

    /** The {@code xml:lang} attribute (RFC 6120 §4.7.4). */
    public String lang() {
        return attributes.get("xml:lang");
    }

    /**
     * The opening tag as sent on the wire, without XML declaration, e.g.
     * {@code <stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>}.
     * The root is written with the {@code stream} prefix unless it is in the default namespace, so that elements
     * serialized with {@link XmlElement#toXmlWithStreamPrefix(String)} are correct inside it.
     */
    public String toXml() {
        StringBuilder sb = new StringBuilder(192);
        sb.append('<');
        boolean prefixed = !namespace.equals(defaultNamespace);
        if (prefixed) {
            if (namespace.isEmpty()) {
                throw new IllegalStateException("a root in no namespace cannot have a default namespace");
            }
            sb.append("stream:");
        }
        sb.append(XmlElement.checkName(name));
        if (!defaultNamespace.isEmpty()) {
            sb.append(" xmlns='");
            XmlWriter.appendAttributeValue(sb, defaultNamespace);
            sb.append('\'');
        }
        if (prefixed) {
            sb.append(" xmlns:stream='");
            XmlWriter.appendAttributeValue(sb, namespace);
            sb.append('\'');
        }
        LinkedHashMap<String, String> checked = new LinkedHashMap<>();
        attributes.forEach((k, v) -> checked.put(XmlElement.checkAttributeKey(k), v));
        XmlWriter.writeAttributes(sb, checked);
        sb.append('>');
        return sb.toString();
    }
}
