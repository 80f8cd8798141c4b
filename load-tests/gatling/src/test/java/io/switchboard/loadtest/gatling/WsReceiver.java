package io.switchboard.loadtest.gatling;

import io.gatling.http.action.ws.WsInboundMessage;
import io.switchboard.loadtest.run.DeliveryTracker;
import io.switchboard.loadtest.run.RunStats;
import io.switchboard.loadtest.xml.XmlElement;
import io.switchboard.loadtest.xml.XmlParser;

import java.util.ArrayList;
import java.util.List;

/**
 * What a WebSocket virtual user received, for the chat checks. Gatling's WebSocket support hands
 * frames no check was waiting for to {@code ws.processUnmatchedMessages}; each is one stanza
 * (RFC 7395 §3.3.3), stamped with its arrival time, which is what delivery latency is measured
 * against (millisecond resolution there, microseconds over TCP). Deliveries wait here until
 * {@link WsXmpp#flushDeliveries()} writes them into Gatling's statistics.
 */
public final class WsReceiver {
    public static final String ATTRIBUTE = "xmpp.ws.receiver";

    /** One delivery to log: when it was sent, when it arrived, and whether we had it already. */
    record Delivery(long sentMillis, long receivedMillis, boolean duplicate) {
    }

    final DeliveryTracker tracker;
    final List<Delivery> pending = new ArrayList<>();

    WsReceiver(String runId) {
        this.tracker = new DeliveryTracker(runId);
    }

    void accept(List<WsInboundMessage> frames) {
        for (WsInboundMessage frame : frames) {
            if (!(frame instanceof WsInboundMessage.Text text) || !text.message().startsWith("<message")) {
                continue;
            }
            XmlElement message;
            try {
                message = XmlParser.parse(text.message());
            } catch (RuntimeException e) {
                RunStats.count("messages.unparsable");
                continue;
            }
            long readMicros = frame.timestamp() * 1000;
            switch (tracker.accept(message.childText("body"), readMicros)) {
                case FIRST -> {
                    long latency = Math.max(0, tracker.lastLatencyMicros());
                    RunStats.count("chat.received");
                    RunStats.histogram("chat").record(latency);
                    pending.add(new Delivery(frame.timestamp() - latency / 1000, frame.timestamp(), false));
                }
                case DUPLICATE -> {
                    RunStats.count("chat.duplicates");
                    pending.add(new Delivery(frame.timestamp(), frame.timestamp(), true));
                }
                case STALE -> RunStats.count("chat.stale");
                default -> {
                }
            }
        }
    }
}
