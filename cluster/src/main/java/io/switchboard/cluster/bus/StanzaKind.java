package io.switchboard.cluster.bus;

/** The three stanza kinds of RFC 6120 §8. */
public enum StanzaKind {
    MESSAGE("message"), PRESENCE("presence"), IQ("iq");

    private final String elementName;

    StanzaKind(String elementName) {
        this.elementName = elementName;
    }

    public String elementName() {
        return elementName;
    }

    /** The kind for a top-level element name, or null when it is not a stanza. */
    public static StanzaKind ofElement(String name) {
        switch (name) {
            case "message": return MESSAGE;
            case "presence": return PRESENCE;
            case "iq": return IQ;
            default: return null;
        }
    }
}
