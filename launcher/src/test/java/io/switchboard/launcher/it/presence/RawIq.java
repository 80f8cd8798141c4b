package io.switchboard.launcher.it.presence;

import org.jivesoftware.smack.packet.IQ;

/** An IQ whose child element is written as given (for requests Smack's own classes cannot express). */
final class RawIq extends IQ {
    private final String inner;

    RawIq(Type type, String element, String namespace, String innerXml) {
        super(element, namespace);
        setType(type);
        this.inner = innerXml;
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
        xml.rightAngleBracket();
        xml.append(inner);
        return xml;
    }
}
