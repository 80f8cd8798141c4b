package io.switchboard.cluster.bus;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.switchboard.cluster.ClusterNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live instances of one role (routers, presence services), each with an address of its own,
 * so that work with a key can always go to the same instance. RFC 6120 §10.1 requires a sender's
 * stanzas to be processed in order, and a user's presence updates must stay ordered; a shared
 * point-to-point address spreads consecutive messages over different instances, which then race.
 * So senders pick the instance by rendezvous hashing of the key (a connection id for routers, a
 * bare JID for presence) over this registry: stable while the set of instances is stable, and
 * only the keys of an instance that leaves move elsewhere.
 *
 * <p>Held in a Hazelcast ReplicatedMap (tiny, read on every send, changed only when instances
 * start or stop); entries of a member that leaves the cluster are removed by the survivors.
 */
public final class InstanceRegistry implements EntryListener<String, String>, MembershipListener {
    public static final String ROUTERS = "switchboard.routers";
    public static final String PRESENCE = "switchboard.presence-instances";

    private final ReplicatedMap<String, String> map;
    private final String sharedAddress;
    /** The instances this process registered (address to node id), to register again after a merge. */
    private final Map<String, String> ownInstances = new ConcurrentHashMap<>();
    private volatile List<String> addresses = List.of();
    private final List<java.util.function.Consumer<String>> nodeLostListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param mapName       which role's registry
     * @param sharedAddress the role's shared address, used while no instance is registered
     */
    public InstanceRegistry(HazelcastInstance hazelcast, String mapName, String sharedAddress) {
        this.map = hazelcast.getReplicatedMap(mapName);
        this.sharedAddress = sharedAddress;
        map.addEntryListener(this);
        hazelcast.getCluster().addMembershipListener(this);
        refresh();
    }

    /** The address of one instance: the role's shared address, the node id and an index. */
    public String instanceAddress(String nodeId, int index) {
        return sharedAddress + "." + nodeId + "." + index;
    }

    /**
     * Starts serving as one instance: consumes the instance's own address and the role's shared
     * one with the same handler, then registers the instance so senders start choosing it.
     */
    public <T> Future<Void> serve(Vertx vertx, String address, String nodeId, Handler<Message<T>> handler) {
        Future<Void> own = vertx.eventBus().<T>consumer(address, handler).completion();
        Future<Void> shared = vertx.eventBus().<T>consumer(sharedAddress, handler).completion();
        return Future.all(own, shared).compose(v -> vertx.executeBlocking(() -> {
            register(address, nodeId);
            return null;
        }));
    }

    /** Stops senders from choosing an instance (its consumers go with its verticle). */
    public Future<Void> withdraw(Vertx vertx, String address) {
        return vertx.executeBlocking(() -> {
            unregister(address);
            return null;
        });
    }

    public void register(String address, String nodeId) {
        ownInstances.put(address, nodeId);
        map.put(address, nodeId);
        refresh();
    }

    public void unregister(String address) {
        ownInstances.remove(address);
        map.remove(address);
        refresh();
    }

    /**
     * Registers this process's instances again. After a network split the larger side removed
     * them (their member had left); when this member merges back, its instances must become
     * choosable again. The merge policy (put-if-absent) usually brings them back already; this
     * does not depend on it. A no-op for instances that are still there.
     */
    public void reassert() {
        ownInstances.forEach((address, nodeId) -> {
            if (!nodeId.equals(map.get(address))) {
                map.put(address, nodeId);
            }
        });
        refresh();
    }

    /** The instance address for all work keyed by {@code key}. */
    public String instanceFor(String key) {
        List<String> current = addresses;
        if (current.isEmpty()) {
            return sharedAddress; // none registered (yet): any instance will do
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

    /**
     * Re-reads the local replica. Listeners keep the snapshot current; this also runs
     * periodically because Hazelcast 5.5 can drop a ReplicatedMap event when listeners are
     * registered concurrently (a ConcurrentModificationException inside its event dispatch).
     */
    public void refresh() {
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
            forgetNode(nodeId);
        }
        refresh();
        if (nodeId != null) {
            for (java.util.function.Consumer<String> listener : nodeLostListeners) {
                listener.accept(nodeId);
            }
        }
    }

    /**
     * Calls {@code listener} (on a Hazelcast thread) with the node id of every member that leaves the
     * cluster, once its instances are no longer chosen: e.g. to re-send what they had not acknowledged.
     */
    public void onNodeLost(java.util.function.Consumer<String> listener) {
        nodeLostListeners.add(listener);
    }

    /** Drops the instances of a node that left, so nothing is sent to them any more. */
    public void forgetNode(String nodeId) {
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (nodeId.equals(e.getValue())) {
                map.remove(e.getKey());
            }
        }
        refresh();
    }

}
