package io.switchboard.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import io.switchboard.cluster.bus.InstanceRegistry;

/**
 * How a network split heals (docs/architecture.md, "Network splits").
 *
 * <p>When members lose each other for longer than the failure-detection timeout, each side
 * carries on as a cluster of its own. The oldest member of each side looks for the other side
 * every {@code cluster.merge-delay} (Hazelcast's {@code hazelcast.merge.first.run.delay.seconds}
 * and {@code hazelcast.merge.next.run.delay.seconds}, 300 s and 120 s by default). When it finds
 * it, the smaller side merges into the larger one (on a tie, a hash of the masters' addresses
 * decides): each merging member drops its connections, takes a snapshot of its data, discards all
 * of it, joins the larger cluster and offers the snapshot to it through each structure's merge
 * policy; then it fires {@code LifecycleEvent.LifecycleState.MERGED} (or {@code MERGE_FAILED}).
 * See https://docs.hazelcast.com/hazelcast/5.5/network-partitioning/split-brain-recovery and
 * {@code com.hazelcast.internal.cluster.impl.ClusterMergeTask}.
 *
 * <p>The larger side is authoritative for everything about sessions. While split, it saw the
 * other side's members leave: it removed their sessions from the directory and told their
 * contacts they went offline ({@code NodeDepartures}), and those users may have logged in again
 * on its connectors, perhaps with the same resource. So:
 * <ul>
 *   <li>Every Switchboard IMap (the session directory and the presence service's state:
 *       last presence, directed presence, presence errors) uses {@link DiscardMergePolicy}: the
 *       merging side's entries are dropped, whether or not the key exists on the larger side.
 *       Nothing stale comes back (no ghost sessions, no ghost presence), and a user's entry is
 *       never replaced by an older one (no second session for one full JID).</li>
 *   <li>The instance registries (ReplicatedMaps of router and presence instances) use
 *       {@link PutIfAbsentMergePolicy}: their keys are per instance, so the merging side can only
 *       add its own instances, which are alive and members again after the merge; the merging
 *       members also register their own instances again when MERGED fires
 *       ({@link InstanceRegistry#reassert()}).</li>
 *   <li>Vert.x's own structures ({@code __vertx.subs} MultiMap, {@code __vertx.nodeInfo} map) are
 *       set to {@link PutIfAbsentMergePolicy} explicitly (it is also Hazelcast's default):
 *       vertx-hazelcast 5.0.10's {@code HazelcastClusterManager.stateChanged} handles MERGED by
 *       removing the registrations of members that are gone, publishing its node info again
 *       and republishing its own subscriptions; the merging side holds only registrations of its
 *       own, live, members.</li>
 * </ul>
 * What the merging side's clients had is gone from the cluster's state, so a connector that
 * merged closes every client connection with a stream error ({@code ConnectorNode}); the clients
 * reconnect and start afresh.
 */
public final class SplitBrain {
    static final String VERTX_SUBSCRIPTIONS = "__vertx.subs";
    static final String VERTX_NODE_INFO = "__vertx.nodeInfo";
    /** Every IMap and ReplicatedMap Switchboard itself creates is named {@code switchboard.*}. */
    static final String SWITCHBOARD_STRUCTURES = "switchboard.*";

    private SplitBrain() {
    }

    /** Merge policies and merge timing; call after the structures' own configs were added. */
    static void configure(Config config, ClusterSettings settings) {
        String delay = Long.toString(settings.mergeDelaySeconds());
        config.setProperty("hazelcast.merge.first.run.delay.seconds", delay);
        config.setProperty("hazelcast.merge.next.run.delay.seconds", delay);

        MergePolicyConfig discard = new MergePolicyConfig(DiscardMergePolicy.class.getName(),
                MergePolicyConfig.DEFAULT_BATCH_SIZE);
        MergePolicyConfig putIfAbsent = new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(),
                MergePolicyConfig.DEFAULT_BATCH_SIZE);
        // The directory has a config of its own (near cache, backups), and an exact name wins over
        // a wildcard in Hazelcast's config lookup: every switchboard.* map config gets the policy.
        for (MapConfig map : config.getMapConfigs().values()) {
            if (map.getName().startsWith("switchboard.")) {
                map.setMergePolicyConfig(discard);
            }
        }
        if (!config.getMapConfigs().containsKey(SWITCHBOARD_STRUCTURES)) {
            config.addMapConfig(new MapConfig(SWITCHBOARD_STRUCTURES).setMergePolicyConfig(discard));
        }
        config.addReplicatedMapConfig(new ReplicatedMapConfig(SWITCHBOARD_STRUCTURES)
                .setMergePolicyConfig(putIfAbsent));
        config.getMultiMapConfig(VERTX_SUBSCRIPTIONS).setMergePolicyConfig(putIfAbsent);
        config.getMapConfig(VERTX_NODE_INFO).setMergePolicyConfig(putIfAbsent);
    }
}
