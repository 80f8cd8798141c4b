package io.switchboard.protocol.xml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An immutable, namespace-resolved XML element.
 *
 * <p>The model keeps what XMPP semantics depend on and nothing else: the local name, the namespace URI, the
 * attributes and the children. Prefixes and namespace declarations are not kept; the serializer regenerates
 * declarations from the namespaces, which is what lets a stanza received on one stream be re-serialized for any
 * other stream (RFC 6120 §4.8.3, §4.8.5).
 *
 * <p>Attribute keys: a plain local name for attributes in no namespace; {@code xml:local} for the XML namespace
 * (e.g. {@code xml:lang}); {@code {uri}local} for any other namespace, serialized with a generated prefix.
 *
 * <p>Children are normalized on construction: adjacent text nodes are merged and empty ones dropped, so
 * {@link #equals} is purely structural and independent of how the parser chunked the character data.
 */
public final class XmlElement implements XmlNode {
    private final String name;
    private final String namespace;
    private final Map<String, String> attributes;
    private final List<XmlNode> children;
    private int hash;

    private XmlElement(String name, String namespace, Map<String, String> attributes, List<XmlNode> children) {
        this.name = name;
        this.namespace = namespace;
        this.attributes = attributes;
        this.children = children;
    }

    /**
     * For the parser: takes ownership of already-valid, already-normalized collections without copying. Names
     * come from a namespace-aware XML parser and are therefore valid.
     */
    static XmlElement trusted(String name, String namespace, LinkedHashMap<String, String> attributes,
                              ArrayList<XmlNode> children) {
        return new XmlElement(name, namespace,
                attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(attributes),
                children.isEmpty() ? List.of() : Collections.unmodifiableList(children));
    }

    /** An element without attributes or children. A null namespace means "no namespace". */
    public static XmlElement of(String name, String namespace) {
        return new XmlElement(checkName(name), namespace == null ? "" : namespace, Map.of(), List.of());
    }

    /** A builder; a null namespace means "no namespace". */
    public static Builder builder(String name, String namespace) {
        return new Builder(name, namespace);
    }

    /** The local name. */
    public String name() {
        return name;
    }

    /** The namespace URI, "" if the element is in no namespace. */
    public String namespace() {
        return namespace;
    }

    /** Unmodifiable, in insertion (document) order. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** The value of the attribute with the given model key, or null. */
    public String attribute(String name) {
        return attributes.get(name);
    }

    /** Unmodifiable. */
    public List<XmlNode> children() {
        return children;
    }

    /** The element children, in order. */
    public List<XmlElement> elements() {
        List<XmlElement> result = new ArrayList<>(children.size());
        for (XmlNode n : children) {
            if (n instanceof XmlElement e) {
                result.add(e);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * The first child element with that name and namespace, or null. A null {@code namespace} matches any
     * namespace (handy in tests; protocol code should always say which namespace it means).
     */
    public XmlElement child(String name, String namespace) {
        for (XmlNode n : children) {
            if (n instanceof XmlElement e && e.name.equals(name) && (namespace == null || e.namespace.equals(namespace))) {
                return e;
            }
        }
        return null;
    }

    /** All child elements with that name and namespace (null namespace = any). */
    public List<XmlElement> children(String name, String namespace) {
        List<XmlElement> result = new ArrayList<>(2);
        for (XmlNode n : children) {
            if (n instanceof XmlElement e && e.name.equals(name) && (namespace == null || e.namespace.equals(namespace))) {
                result.add(e);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** The concatenated direct text children, "" if none. Text inside child elements is not included. */
    public String text() {
        String single = null;
        StringBuilder sb = null;
        for (XmlNode n : children) {
            if (n instanceof XmlText t) {
                if (single == null) {
                    single = t.text();
                } else {
                    if (sb == null) {
                        sb = new StringBuilder(single);
                    }
                    sb.append(t.text());
                }
            }
        }
        return sb != null ? sb.toString() : single != null ? single : "";
    }

    /** The {@link #text()} of the first matching child, or null if there is no such child. */
    public String childText(String name, String namespace) {
        XmlElement c = child(name, namespace);
        return c == null ? null : c.text();
    }

    // ---------------------------------------------------------------- copy-on-write modifiers

    /** A copy with the attribute set (appended if new, replaced in place otherwise); a null value removes it. */
    public XmlElement withAttribute(String name, String value) {
        if (value == null) {
            return withoutAttribute(name);
        }
        String key = checkAttributeKey(name);
        if (value.equals(attributes.get(key))) {
            return this;
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(attributes);
        copy.put(key, value);
        return new XmlElement(this.name, namespace, Collections.unmodifiableMap(copy), children);
    }

    /** A copy without the attribute (this element if it had none). */
    public XmlElement withoutAttribute(String name) {
        if (!attributes.containsKey(name)) {
            return this;
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>(attributes);
        copy.remove(name);
        return new XmlElement(this.name, namespace,
                copy.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy), children);
    }

    /** A copy with the children replaced. */
    public XmlElement withChildren(List<? extends XmlNode> children) {
        ArrayList<XmlNode> list = new ArrayList<>(children.size());
        for (XmlNode n : children) {
            appendNormalized(list, Objects.requireNonNull(n, "child"));
        }
        return new XmlElement(name, namespace, attributes,
                list.isEmpty() ? List.of() : Collections.unmodifiableList(list));
    }

    /** A copy with {@code child} appended. */
    public XmlElement withChild(XmlNode child) {
        ArrayList<XmlNode> list = new ArrayList<>(children.size() + 1);
        list.addAll(children);
        appendNormalized(list, Objects.requireNonNull(child, "child"));
        return new XmlElement(name, namespace, attributes, Collections.unmodifiableList(list));
    }

    /** A builder pre-filled with this element's content, for edits the {@code with*} methods don't cover. */
    public Builder toBuilder() {
        Builder b = new Builder(name, namespace);
        b.attributes.putAll(attributes);
        b.children.addAll(children);
        return b;
    }

    // ---------------------------------------------------------------- serialization

    /**
     * Serializes as it is written inside a client stream, i.e. assuming the enclosing default namespace is
     * {@code jabber:client}: a {@code jabber:client} stanza gets no {@code xmlns} attribute.
     */
    public String toXml() {
        return toXml(Namespaces.CLIENT);
    }

    /**
     * Serializes assuming {@code enclosingDefaultNamespace} is the default namespace in scope ("" = none, so a
     * namespaced top element gets an {@code xmlns}). Every element writes {@code xmlns} only where its namespace
     * differs from the one in scope.
     */
    public String toXml(String enclosingDefaultNamespace) {
        StringBuilder sb = new StringBuilder(128);
        XmlWriter.writeElement(sb, this, nullToEmpty(enclosingDefaultNamespace), false);
        return sb.toString();
    }

    /** UTF-8 of {@link #toXml()}. */
    public byte[] toBytes() {
        return toXml().getBytes(StandardCharsets.UTF_8);
    }

    /** UTF-8 of {@link #toXml(String)}. */
    public byte[] toBytes(String enclosingDefaultNamespace) {
        return toXml(enclosingDefaultNamespace).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Serializes for writing inside an XMPP stream whose header bound the {@code stream} prefix: elements in
     * {@link Namespaces#STREAM} are written as {@code <stream:features>}, {@code <stream:error>} instead of with
     * an {@code xmlns} for the streams namespace. That form is equivalent XML, but RFC 6120 §4.8.5 recommends
     * the prefix and some deployed clients only recognize the prefixed form.
     */
    public String toXmlWithStreamPrefix(String enclosingDefaultNamespace) {
        StringBuilder sb = new StringBuilder(128);
        XmlWriter.writeElement(sb, this, nullToEmpty(enclosingDefaultNamespace), true);
        return sb.toString();
    }

    /** UTF-8 of {@link #toXmlWithStreamPrefix(String)}. */
    public byte[] toBytesWithStreamPrefix(String enclosingDefaultNamespace) {
        return toXmlWithStreamPrefix(enclosingDefaultNamespace).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof XmlElement other)) {
            return false;
        }
        return hashCode() == other.hashCode() && name.equals(other.name) && namespace.equals(other.namespace)
                && attributes.equals(other.attributes) && children.equals(other.children);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            // Racy single-check caching is safe: the value is a pure function of immutable state.
            h = ((name.hashCode() * 31 + namespace.hashCode()) * 31 + attributes.hashCode()) * 31 + children.hashCode();
            if (h == 0) {
                h = 1;
            }
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return toXml();
    }

    // ---------------------------------------------------------------- validation helpers

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!XmlNames.isNCName(name)) {
            throw new IllegalArgumentException("not a valid XML element name: '" + name + "'");
        }
        return name;
    }

    /**
     * Validates a model attribute key and returns its canonical form ({@code {XML-ns}lang} becomes
     * {@code xml:lang}). Namespace declarations are refused: namespaces are part of the model, not attributes,
     * and letting one through would let callers silently change the namespace of serialized content.
     */
    static String checkAttributeKey(String key) {
        Objects.requireNonNull(key, "attribute name");
        if (key.startsWith("{")) {
            int close = key.lastIndexOf('}'); // URIs may contain '}', local names may not
            if (close < 2) {
                throw new IllegalArgumentException("bad namespaced attribute key: '" + key + "'");
            }
            String uri = key.substring(1, close);
            String local = key.substring(close + 1);
            if (!XmlNames.isNCName(local) || uri.equals(Namespaces.XMLNS)) {
                throw new IllegalArgumentException("bad namespaced attribute key: '" + key + "'");
            }
            return uri.equals(Namespaces.XML) ? "xml:" + local : key;
        }
        if (key.startsWith("xml:")) {
            if (!XmlNames.isNCName(key.substring(4))) {
                throw new IllegalArgumentException("bad attribute name: '" + key + "'");
            }
            return key;
        }
        if (!XmlNames.isNCName(key) || key.equals("xmlns")) {
            throw new IllegalArgumentException("bad attribute name: '" + key + "'");
        }
        return key;
    }

    /** Appends keeping the invariant "no empty text, no two adjacent text nodes". */
    static void appendNormalized(List<XmlNode> list, XmlNode node) {
        if (node instanceof XmlText t) {
            if (t.text().isEmpty()) {
                return;
            }
            int last = list.size() - 1;
            if (last >= 0 && list.get(last) instanceof XmlText prev) {
                list.set(last, new XmlText(prev.text() + t.text()));
                return;
            }
        }
        list.add(node);
    }

    // ---------------------------------------------------------------- builder

    /** Mutable builder; {@link #build()} snapshots, so a builder may be reused after building. */
    public static final class Builder {
        private final String name;
        private final String namespace;
        private final LinkedHashMap<String, String> attributes = new LinkedHashMap<>();
        private final ArrayList<XmlNode> children = new ArrayList<>();

        private Builder(String name, String namespace) {
            this.name = checkName(name);
            this.namespace = namespace == null ? "" : namespace;
        }

        /** Sets an attribute (see the class comment for key forms); a null value is ignored. */
        public Builder attribute(String name, String value) {
            if (value != null) {
                attributes.put(checkAttributeKey(name), value);
            }
            return this;
        }

        public Builder child(XmlNode child) {
            appendNormalized(children, Objects.requireNonNull(child, "child"));
            return this;
        }

        /** Appends the element the given builder builds now (later changes to that builder are not seen). */
        public Builder child(Builder child) {
            return child(child.build());
        }

        /** Appends character data (merged with preceding text); null or empty is ignored. */
        public Builder text(String text) {
            if (text != null && !text.isEmpty()) {
                appendNormalized(children, new XmlText(text));
            }
            return this;
        }

        /**
         * Appends a child element configured by {@code content}. A null {@code namespace} means "same namespace
         * as this builder's element", which is what nested payload elements almost always want.
         */
        public Builder element(String name, String namespace, Consumer<Builder> content) {
            Builder b = new Builder(name, namespace == null ? this.namespace : namespace);
            if (content != null) {
                content.accept(b);
            }
            children.add(b.build());
            return this;
        }

        /** Appends {@code <name>text</name>}; the child is in this builder's namespace. */
        public Builder textElement(String name, String text) {
            return element(name, null, b -> b.text(text));
        }

        public XmlElement build() {
            return new XmlElement(name, namespace,
                    attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes)),
                    children.isEmpty() ? List.of() : List.copyOf(children));
        }
    }
}
