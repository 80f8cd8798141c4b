package io.switchboard.loadtest.xml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed XML element: qualified name, attributes, child elements and text. Small on purpose:
 * a load generator parses every stanza it receives, so this holds just enough to route and check
 * them. Namespaces are resolved only for unprefixed names (an {@code xmlns} attribute here or on an
 * ancestor), which is all XMPP needs for stanza payloads.
 */
public final class XmlElement {
    private final String name;
    private final Map<String, String> attributes;
    private final List<XmlElement> children;
    private final String text;
    private XmlElement parent;

    XmlElement(String name, Map<String, String> attributes, List<XmlElement> children, String text) {
        this.name = name;
        this.attributes = attributes.isEmpty() ? Map.of() : attributes;
        this.children = children.isEmpty() ? List.of() : children;
        this.text = text;
        for (XmlElement child : children) {
            child.parent = this;
        }
    }

    /** The qualified name as written, e.g. {@code message} or {@code stream:features}. */
    public String name() {
        return name;
    }

    /** The name without a prefix. */
    public String localName() {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(colon + 1);
    }

    /** The namespace of an unprefixed element (its own or an inherited default {@code xmlns}); null if none. */
    public String namespace() {
        for (XmlElement e = this; e != null; e = e.parent) {
            String ns = e.attributes.get("xmlns");
            if (ns != null) {
                return ns;
            }
        }
        return null;
    }

    public String attribute(String attributeName) {
        return attributes.get(attributeName);
    }

    public Map<String, String> attributes() {
        return Collections.unmodifiableMap(attributes);
    }

    public List<XmlElement> children() {
        return children;
    }

    /** The first child with that local name (any namespace), or null. */
    public XmlElement child(String localName) {
        for (XmlElement c : children) {
            if (c.localName().equals(localName)) {
                return c;
            }
        }
        return null;
    }

    /** The first child with that local name and namespace, or null. */
    public XmlElement child(String localName, String namespace) {
        for (XmlElement c : children) {
            if (c.localName().equals(localName) && namespace.equals(c.namespace())) {
                return c;
            }
        }
        return null;
    }

    public List<XmlElement> childrenNamed(String localName) {
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement c : children) {
            if (c.localName().equals(localName)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Text of the first child with that local name, or null. */
    public String childText(String localName) {
        XmlElement c = child(localName);
        return c == null ? null : c.text();
    }

    /** Character data directly inside this element (entities decoded). */
    public String text() {
        return text;
    }

    /** A depth-first search for the first descendant (or this) with that local name. */
    public XmlElement find(String localName) {
        if (localName().equals(localName)) {
            return this;
        }
        for (XmlElement c : children) {
            XmlElement found = c.find(localName);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        write(sb);
        return sb.toString();
    }

    private void write(StringBuilder sb) {
        sb.append('<').append(name);
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            sb.append(' ').append(a.getKey()).append("='").append(Xml.escape(a.getValue())).append('\'');
        }
        if (children.isEmpty() && text.isEmpty()) {
            sb.append("/>");
            return;
        }
        sb.append('>').append(Xml.escape(text));
        for (XmlElement c : children) {
            c.write(sb);
        }
        sb.append("</").append(name).append('>');
    }

    /** Builder used by the parser. */
    static final class Builder {
        final String name;
        final Map<String, String> attributes = new LinkedHashMap<>(4);
        final List<XmlElement> children = new ArrayList<>(2);
        final StringBuilder text = new StringBuilder();

        Builder(String name) {
            this.name = name;
        }

        XmlElement build() {
            return new XmlElement(name, attributes, children, text.toString());
        }
    }
}
