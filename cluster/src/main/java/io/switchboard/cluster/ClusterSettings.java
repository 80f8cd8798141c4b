package io.switchboard.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How this process joins the cluster.
 *
 * @param clusterName   Hazelcast cluster name; processes with different names never merge
 * @param interfaceHost the local address Hazelcast and the event bus bind to
 * @param port          the first Hazelcast member port to try (auto-incremented when taken)
 * @param members       TCP-IP member list (host or host:port) used to find the others
 * @param nodeId        this node's id: connector nodes consume {@code connector.<nodeId>}
 * @param failureDetectionTimeout a member silent (no heartbeat, one a second) for this long is
 *                      declared dead and its sessions are removed; whole seconds, at least 2 s
 */
public record ClusterSettings(String clusterName, String interfaceHost, int port, List<String> members,
                              String nodeId, Duration failureDetectionTimeout) {
    /** Hazelcast's heartbeat interval; the failure-detection timeout must span several of them. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FAILURE_DETECTION_TIMEOUT = Duration.ofSeconds(10);

    public ClusterSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(interfaceHost, "interfaceHost");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(failureDetectionTimeout, "failureDetectionTimeout");
        if (failureDetectionTimeout.compareTo(HEARTBEAT_INTERVAL.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("failureDetectionTimeout must be at least "
                    + HEARTBEAT_INTERVAL.multipliedBy(2).toSeconds() + " s, got " + failureDetectionTimeout);
        }
        members = List.copyOf(members);
    }

    /** With the default failure-detection timeout (10 s). */
    public ClusterSettings(String clusterName, String interfaceHost, int port, List<String> members, String nodeId) {
        this(clusterName, interfaceHost, port, members, nodeId, DEFAULT_FAILURE_DETECTION_TIMEOUT);
    }

    /** The timeout in Hazelcast's unit, whole seconds, rounded up. */
    public long failureDetectionSeconds() {
        long millis = failureDetectionTimeout.toMillis();
        return (millis + 999) / 1000;
    }
}
