package io.switchboard.protocol.xml;

/**
 * A node of the immutable XML model: either an element or a run of character data. Comments, processing
 * instructions and entity references have no representation because XMPP forbids them (RFC 6120 §11.1).
 */
public sealed interface XmlNode permits XmlElement, XmlText {
}
