package io.switchboard.protocol.xml;

import io.switchboard.protocol.error.StreamErrorCondition;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Records parser events as comparable strings (and keeps the objects for detailed assertions). */
final class RecordingListener implements XmppStreamParser.Listener {
    final List<String> events = new ArrayList<>();
    final List<XmlElement> elements = new ArrayList<>();
    final List<StreamHeader> headers = new ArrayList<>();
    StreamErrorCondition error;
    String errorText;
    int closes;
    /** Optional hook run inside onElement, e.g. to call reset() from a callback. */
    Consumer<XmlElement> onElementHook;

    @Override
    public void onStreamOpen(StreamHeader header) {
        headers.add(header);
        events.add("open " + header);
    }

    @Override
    public void onElement(XmlElement element) {
        elements.add(element);
        // toXml("") writes the element's own namespace explicitly, so namespace differences show up in the string.
        events.add("element " + element.toXml(""));
        if (onElementHook != null) {
            onElementHook.accept(element);
        }
    }

    @Override
    public void onStreamClose() {
        closes++;
        events.add("close");
    }

    @Override
    public void onError(StreamErrorCondition condition, String text) {
        error = condition;
        errorText = text;
        events.add("error " + condition);
    }
}
