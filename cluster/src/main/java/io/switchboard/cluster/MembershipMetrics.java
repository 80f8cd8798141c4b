package io.switchboard.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Cluster size and membership changes as this member sees them: {@code xmpp_cluster_members} and
 * {@code xmpp_cluster_member_events_total{event="joined|left"}}. A leave that nobody planned (a
 * crash, a partition) shows up as a left event without a matching rolling-restart join.
 * {@code xmpp_cluster_merges_total{outcome="merged|failed"}} counts the times this member was on
 * the smaller side of a healed network split and merged into the larger one (see {@link SplitBrain}):
 * its clients were disconnected. Only merging members count; the larger side sees joins.
 */
final class MembershipMetrics implements MembershipListener, LifecycleListener {
    private final Counter joined;
    private final Counter left;
    private final Counter merged;
    private final Counter mergeFailed;

    private MembershipMetrics(MeterRegistry meters) {
        this.joined = Counter.builder("xmpp.cluster.member.events").tag("event", "joined")
                .description("Members that joined or left the cluster, as seen by this node").register(meters);
        this.left = Counter.builder("xmpp.cluster.member.events").tag("event", "left")
                .description("Members that joined or left the cluster, as seen by this node").register(meters);
        this.merged = Counter.builder("xmpp.cluster.merges").tag("outcome", "merged")
                .description("Split-brain merges of this node into the larger cluster").register(meters);
        this.mergeFailed = Counter.builder("xmpp.cluster.merges").tag("outcome", "failed")
                .description("Split-brain merges of this node into the larger cluster").register(meters);
    }

    static void bind(HazelcastInstance hazelcast, MeterRegistry meters) {
        Gauge.builder("xmpp.cluster.members", hazelcast, h -> h.getCluster().getMembers().size())
                .description("Members of the cluster").register(meters);
        MembershipMetrics metrics = new MembershipMetrics(meters);
        hazelcast.getCluster().addMembershipListener(metrics);
        hazelcast.getLifecycleService().addLifecycleListener(metrics);
    }

    @Override
    public void stateChanged(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
            merged.increment();
        } else if (event.getState() == LifecycleEvent.LifecycleState.MERGE_FAILED) {
            mergeFailed.increment();
        }
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        joined.increment();
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        left.increment();
    }
}
