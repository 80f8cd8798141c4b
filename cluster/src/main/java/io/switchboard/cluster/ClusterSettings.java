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
 * @param mergeDelay    how often the oldest member looks for a cluster that split off, to heal the
 *                      split by merging (also the delay of the first look after start); whole
 *                      seconds, at least 1 s (see {@link SplitBrain})
 */
public record ClusterSettings(String clusterName, String interfaceHost, int port, List<String> members,
                              String nodeId, Duration failureDetectionTimeout, Duration mergeDelay) {
    /** Hazelcast's heartbeat interval; the failure-detection timeout must span several of them. */
    public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FAILURE_DETECTION_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MERGE_DELAY = Duration.ofSeconds(10);

    public ClusterSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(interfaceHost, "interfaceHost");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(failureDetectionTimeout, "failureDetectionTimeout");
        if (failureDetectionTimeout.compareTo(HEARTBEAT_INTERVAL.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("failureDetectionTimeout must be at least "
                    + HEARTBEAT_INTERVAL.multipliedBy(2).toSeconds() + " s, got " + failureDetectionTimeout);
        }
        Objects.requireNonNull(mergeDelay, "mergeDelay");
        if (mergeDelay.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("mergeDelay must be at least 1 s, got " + mergeDelay);
        }
        members = List.copyOf(members);
    }

    /** With the default merge delay (10 s). */
    public ClusterSettings(String clusterName, String interfaceHost, int port, List<String> members, String nodeId,
                           Duration failureDetectionTimeout) {
        this(clusterName, interfaceHost, port, members, nodeId, failureDetectionTimeout, DEFAULT_MERGE_DELAY);
    }

    /** With the default failure-detection timeout (10 s) and merge delay (10 s). */
    public ClusterSettings(String clusterName, String interfaceHost, int port, List<String> members, String nodeId) {
        this(clusterName, interfaceHost, port, members, nodeId, DEFAULT_FAILURE_DETECTION_TIMEOUT);
    }

    /** The timeout in Hazelcast's unit, whole seconds, rounded up. */
    public long failureDetectionSeconds() {
        long millis = failureDetectionTimeout.toMillis();
        return (millis + 999) / 1000;
    }

    /** The merge delay in Hazelcast's unit, whole seconds, rounded up. */
    public long mergeDelaySeconds() {
        return (mergeDelay.toMillis() + 999) / 1000;
    }
}
