package io.switchboard.cluster.bus;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.switchboard.cluster.ClusterNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The live router instances, each with an address of its own. RFC 6120 §10.1 requires a
 * sender's stanzas to be processed in order; a shared point-to-point address spreads consecutive
 * stanzas over different routers, which then race. So a connector sends all stanzas of one
 * connection to one router instance, chosen by rendezvous hashing over this registry: stable for
 * a connection while the set of routers is stable, and only the connections of a router that
 * leaves move elsewhere.
 *
 * <p>Held in a Hazelcast ReplicatedMap (tiny, read on every stanza, changed only when routers
 * start or stop); entries of a member that leaves the cluster are removed by the survivors.
 */
public final class RouterRegistry implements EntryListener<String, String>, MembershipListener {
    public static final String MAP_NAME = "switchboard.routers";

    private final ReplicatedMap<String, String> map;
    private volatile List<String> addresses = List.of();

    public RouterRegistry(HazelcastInstance hazelcast) {
        this.map = hazelcast.getReplicatedMap(MAP_NAME);
        map.addEntryListener(this);
        hazelcast.getCluster().addMembershipListener(this);
        refresh();
    }

    /** The address a router verticle consumes besides the shared one. */
    public static String instanceAddress(String nodeId, int index) {
        return Addresses.ROUTER + "." + nodeId + "." + index;
    }

    public void register(String address, String nodeId) {
        map.put(address, nodeId);
        refresh();
    }

    public void unregister(String address) {
        map.remove(address);
        refresh();
    }

    /** The router address for all stanzas keyed by {@code key} (a connection id). */
    public String routerFor(String key) {
        List<String> current = addresses;
        if (current.isEmpty()) {
            return Addresses.ROUTER; // none registered (yet): any router will do
        }
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String address : current) {
            long score = mix(hash(key) ^ hash(address));
            if (best == null || score > bestScore) {
                best = address;
                bestScore = score;
            }
        }
        return best;
    }

    public List<String> addresses() {
        return addresses;
    }

    private void refresh() {
        List<String> sorted = new ArrayList<>(map.keySet());
        sorted.sort(null);
        addresses = List.copyOf(sorted);
    }

    private static long hash(String s) {
        long h = 1125899906842597L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = 31 * h + b;
        }
        return h;
    }

    /** A 64-bit finaliser (SplitMix64) so nearby hashes spread evenly. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // ---- keeping the snapshot current -------------------------------------------------------

    @Override
    public void entryAdded(EntryEvent<String, String> event) {
        refresh();
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
        refresh();
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
        refresh();
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {
        refresh();
    }

    @Override
    public void entryExpired(EntryEvent<String, String> event) {
        refresh();
    }

    @Override
    public void mapCleared(MapEvent event) {
        refresh();
    }

    @Override
    public void mapEvicted(MapEvent event) {
        refresh();
    }

    @Override
    public void memberAdded(MembershipEvent event) {
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(ClusterNode.NODE_ID_ATTRIBUTE);
        if (nodeId != null) {
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (nodeId.equals(e.getValue())) {
                    map.remove(e.getKey());
                }
            }
        }
        refresh();
    }

}
