package io.switchboard.loadtest.xmpp;

import io.switchboard.loadtest.xml.XmlElement;

/**
 * What a simulated client does with stanzas it did not ask for. Called on the connection's event
 * loop; {@code readMicros} is when the bytes carrying the stanza were read (see {@link EpochClock}).
 */
public interface XmppListener {
    XmppListener NONE = new XmppListener() {
    };

    default void onMessage(XmlElement message, long readMicros) {
    }

    default void onPresence(XmlElement presence, long readMicros) {
    }

    /** RFC 6121 §2.1.6: the server changed our roster (the push is acknowledged already). */
    default void onRosterPush(XmlElement item) {
    }

    /** The connection ended without us closing it: a stream error, the server closing, a reset. */
    default void onConnectionLost(String reason) {
    }
}
