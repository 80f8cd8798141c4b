package io.switchboard.cluster.bus;

import io.switchboard.cluster.directory.SessionEntry;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sends one stanza to many sessions as ONE event-bus message per connector node. */
public final class Deliveries {
    private Deliveries() {
    }

    /** @return the number of event-bus messages sent (one per connector node involved) */
    public static int sendBatched(EventBus eventBus, List<SessionEntry> sessions, StanzaKind kind, byte[] xml,
                                  long ingressMicros) {
        if (sessions.isEmpty()) {
            return 0;
        }
        if (sessions.size() == 1) {
            SessionEntry only = sessions.get(0);
            eventBus.send(Addresses.connector(only.nodeId()), Delivery.to(only.connectionId(), kind, xml, ingressMicros));
            return 1;
        }
        Map<String, List<String>> byNode = new LinkedHashMap<>();
        for (SessionEntry s : sessions) {
            byNode.computeIfAbsent(s.nodeId(), n -> new ArrayList<>()).add(s.connectionId());
        }
        byNode.forEach((node, connections) ->
                eventBus.send(Addresses.connector(node), new Delivery(kind, connections, xml, ingressMicros)));
        return byNode.size();
    }
}
