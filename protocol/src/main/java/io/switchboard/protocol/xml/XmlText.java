package io.switchboard.protocol.xml;

import java.util.Objects;

/**
 * Character data, unescaped. Adjacent text nodes are merged by {@link XmlElement} so that structurally equal
 * documents compare equal regardless of how the parser happened to split the text.
 */
public record XmlText(String text) implements XmlNode {
    public XmlText {
        Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
        return XmlWriter.escapeText(text);
    }
}
