package io.switchboard.cluster.directory;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * When a member leaves the cluster (a connector killed, a network split), its clients' sessions
 * must leave the directory and their contacts must learn they are offline (RFC 6121 §4.5.2:
 * unavailable on connection loss). The oldest surviving member does it, once: it removes that
 * node's sessions and hands the presence service an unavailable presence for each session that
 * was available, exactly as if its connection had closed.
 */
public final class NodeDepartures implements MembershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDepartures.class);
    /**
     * Marks the unavailable presence sent for a departed node's session. Its receiver broadcasts
     * it only if the directory, read authoritatively, no longer holds that session: a member that
     * was paused (a long GC, a frozen VM) and thawed after the others had dropped it sees all of
     * them "leave" and cleans up its own stale copy of their sessions; its event bus may still
     * reach them, and their users are online. (In a real network split it cannot reach them.)
     */
    public static final String NOTICE_HEADER = "sb-node-departure";

    private final HazelcastInstance hazelcast;
    private final SessionDirectory directory;
    private final InstanceRegistry presenceInstances;
    private final Vertx vertx;

    public NodeDepartures(HazelcastInstance hazelcast, SessionDirectory directory, InstanceRegistry presenceInstances,
                          Vertx vertx) {
        this.hazelcast = hazelcast;
        this.directory = directory;
        this.presenceInstances = presenceInstances;
        this.vertx = vertx;
        hazelcast.getCluster().addMembershipListener(this);
    }

    @Override
    public void memberAdded(MembershipEvent event) {
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(ClusterNode.NODE_ID_ATTRIBUTE);
        Member oldest = hazelcast.getCluster().getMembers().iterator().next();
        if (nodeId == null || !oldest.localMember()) {
            return; // one survivor cleans up: the oldest
        }
        vertx.executeBlocking(() -> cleanUp(nodeId), false).onFailure(e ->
                LOG.warn("Cleaning up the sessions of departed node {} failed: {}", nodeId, e.toString()));
    }

    int cleanUp(String nodeId) {
        presenceInstances.forgetNode(nodeId); // the departed node may have run a presence instance
        Map<String, List<SessionEntry>> removed = directory.removeNode(nodeId);
        int sessions = 0;
        for (Map.Entry<String, List<SessionEntry>> user : removed.entrySet()) {
            for (SessionEntry session : user.getValue()) {
                sessions++;
                if (session.available()) {
                    String fullJid = user.getKey() + "/" + session.resource();
                    byte[] xml = ("<presence from='" + fullJid.replace("&", "&amp;").replace("'", "&apos;")
                            .replace("<", "&lt;") + "' type='unavailable'/>").getBytes(StandardCharsets.UTF_8);
                    vertx.eventBus().send(presenceInstances.instanceFor(user.getKey()), new RoutedStanza(
                            StanzaKind.PRESENCE, "unavailable", null, fullJid, null, session.nodeId(),
                            session.connectionId(), 0, xml), new DeliveryOptions().addHeader(NOTICE_HEADER, "true"));
                }
            }
        }
        LOG.warn("Node {} left the cluster: removed {} session(s) of {} user(s) from the directory", nodeId,
                sessions, removed.size());
        return sessions;
    }
}
