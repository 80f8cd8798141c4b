package io.switchboard.cluster.bus;

/** Event-bus addresses shared by every role (see docs/architecture.md). */
public final class Addresses {
    /** Point-to-point: any router node takes a stanza sent here. */
    public static final String ROUTER = "router";
    /** Point-to-point: presence broadcasts for fan-out. */
    public static final String PRESENCE = "presence";

    private static final String CONNECTOR_PREFIX = "connector.";

    private Addresses() {
    }

    /** The address one connector node consumes: deliveries and session commands for its connections. */
    public static String connector(String nodeId) {
        return CONNECTOR_PREFIX + nodeId;
    }
}
