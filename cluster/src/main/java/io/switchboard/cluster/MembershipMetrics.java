package io.switchboard.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Cluster size and membership changes as this member sees them: {@code xmpp_cluster_members} and
 * {@code xmpp_cluster_member_events_total{event="joined|left"}}. A leave that nobody planned (a
 * crash, a partition) shows up as a left event without a matching rolling-restart join.
 */
final class MembershipMetrics implements MembershipListener {
    private final Counter joined;
    private final Counter left;

    private MembershipMetrics(MeterRegistry meters) {
        this.joined = Counter.builder("xmpp.cluster.member.events").tag("event", "joined")
                .description("Members that joined or left the cluster, as seen by this node").register(meters);
        this.left = Counter.builder("xmpp.cluster.member.events").tag("event", "left")
                .description("Members that joined or left the cluster, as seen by this node").register(meters);
    }

    static void bind(HazelcastInstance hazelcast, MeterRegistry meters) {
        Gauge.builder("xmpp.cluster.members", hazelcast, h -> h.getCluster().getMembers().size())
                .description("Members of the cluster").register(meters);
        hazelcast.getCluster().addMembershipListener(new MembershipMetrics(meters));
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
