package io.switchboard.cluster;

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
 */
public record ClusterSettings(String clusterName, String interfaceHost, int port, List<String> members,
                              String nodeId) {
    public ClusterSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(interfaceHost, "interfaceHost");
        Objects.requireNonNull(nodeId, "nodeId");
        members = List.copyOf(members);
    }
}
