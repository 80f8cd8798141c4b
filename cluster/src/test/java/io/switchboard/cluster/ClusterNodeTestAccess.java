package io.switchboard.cluster;

import com.hazelcast.config.Config;

/** Lets tests in other packages build the exact Hazelcast config a node uses. */
public final class ClusterNodeTestAccess {
    private ClusterNodeTestAccess() {
    }

    public static Config hazelcastConfig(ClusterSettings settings) {
        return ClusterNode.hazelcastConfig(settings);
    }
}
