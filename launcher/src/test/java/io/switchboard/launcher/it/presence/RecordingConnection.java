package io.switchboard.launcher.it.presence;

import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

import java.util.function.Consumer;

/**
 * A Smack TCP connection that shows every incoming stanza to a recorder on the reader thread, in wire
 * order, before Smack dispatches it. Smack hands IQ requests (such as roster pushes) only to IQ request
 * handlers, never to stanza listeners or collectors, and runs those on other threads; recording here
 * sees pushes and presences in the order the server wrote them. Smack's own handling (e.g. the roster
 * push result it sends back) is unchanged.
 */
final class RecordingConnection extends XMPPTCPConnection {
    private volatile Consumer<Stanza> recorder = s -> { };

    RecordingConnection(XMPPTCPConnectionConfiguration config) {
        super(config);
    }

    void recordTo(Consumer<Stanza> recorder) {
        this.recorder = recorder;
    }

    @Override
    protected void invokeStanzaCollectorsAndNotifyRecvListeners(Stanza stanza) {
        recorder.accept(stanza);
        super.invokeStanzaCollectorsAndNotifyRecvListeners(stanza);
    }
}
