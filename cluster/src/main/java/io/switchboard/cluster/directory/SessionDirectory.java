package io.switchboard.cluster.directory;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide session directory (see docs/architecture.md): a Hazelcast IMap keyed by bare
 * JID whose value lists the user's bound resources. Writes go through entry processors; reads go
 * through a near cache because every routed stanza reads it.
 *
 * <p>Returned stages complete on Hazelcast threads: callers on an event loop must hop back onto
 * their context (Vert.x {@code Future.fromCompletionStage(stage, context)}).
 */
public final class SessionDirectory {
    public static final String MAP_NAME = "switchboard.sessions";

    private final IMap<String, UserSessions> map;

    public SessionDirectory(HazelcastInstance hazelcast) {
        this.map = hazelcast.getMap(MAP_NAME);
    }

    /** Adds the map's configuration (near cache, backups) to a Hazelcast config before start. */
    public static void configure(Config config) {
        DirectorySerialization.register(config.getSerializationConfig());
        NearCacheConfig nearCache = new NearCacheConfig(MAP_NAME)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setInvalidateOnChange(true)
                .setCacheLocalEntries(true);
        // Near-cache invalidations are batched by default and may wait up to 10 s for a batch to
        // fill: a router on another member then keeps seeing a user's old sessions (a resource that
        // just bound looks absent, and its messages go to another resource or offline storage).
        // Sent one by one they arrive within milliseconds; directory writes are per login, logout
        // and presence change, few enough for that.
        config.setProperty("hazelcast.map.invalidation.batch.enabled", "false");
        config.addMapConfig(new MapConfig(MAP_NAME)
                .setBackupCount(1)
                .setReadBackupData(true)
                .setNearCacheConfig(nearCache));
    }

    /** Binds a resource; completes with the entry it replaced (same full JID: a conflict) or null. */
    public CompletionStage<SessionEntry> bind(String bareJid, SessionEntry entry) {
        return map.submitToKey(bareJid, new DirectoryProcessors.Bind(entry));
    }

    /** Unbinds a resource if it still belongs to that connection; completes with the removed entry or null. */
    public CompletionStage<SessionEntry> unbind(String bareJid, String resource, String connectionId) {
        return map.submitToKey(bareJid, new DirectoryProcessors.Unbind(resource, connectionId));
    }

    /**
     * Points a resource's session at another node (XEP-0198 resumption on a different connector) if
     * it still belongs to {@code connectionId}; completes with the moved entry, or null when it did not.
     */
    public CompletionStage<SessionEntry> move(String bareJid, String resource, String connectionId, String newNodeId) {
        return map.submitToKey(bareJid, new DirectoryProcessors.Move(resource, connectionId, newNodeId));
    }

    /** Records a resource's availability and priority; completes with the previous entry or null. */
    public CompletionStage<SessionEntry> updatePresence(String bareJid, String resource, String connectionId,
                                                        boolean available, int priority) {
        return map.submitToKey(bareJid, new DirectoryProcessors.UpdatePresence(resource, connectionId, available,
                priority));
    }

    /** Marks a resource as having requested the roster (RFC 6121 §2.1.6 "interested resource"). */
    public CompletionStage<Boolean> markRosterRequested(String bareJid, String resource, String connectionId) {
        return map.submitToKey(bareJid, new DirectoryProcessors.MarkRosterRequested(resource, connectionId));
    }

    /**
     * Removes every session held on a node that left the cluster. Blocking (a cluster-wide
     * query, then one entry processor per affected user): call it off the event loop.
     *
     * @return the removed sessions by bare JID
     */
    public java.util.Map<String, List<SessionEntry>> removeNode(String nodeId) {
        java.util.Map<String, List<SessionEntry>> removed = new java.util.HashMap<>();
        java.util.Set<String> users = map.keySet(new DirectoryProcessors.OnNode(nodeId));
        if (!users.isEmpty()) {
            map.executeOnKeys(users, new DirectoryProcessors.RemoveNode(nodeId)).forEach((user, sessions) -> {
                if (sessions != null && !sessions.entries().isEmpty()) {
                    removed.put(user, sessions.entries());
                }
            });
        }
        return removed;
    }

    /**
     * Whether the resource is bound to that connection, asked of the partition owner (no near
     * cache): for decisions that must not act on a stale copy.
     */
    public CompletionStage<Boolean> holds(String bareJid, String resource, String connectionId) {
        return map.submitToKey(bareJid, new DirectoryProcessors.Holds(resource, connectionId));
    }

    /** The user's bound resources (possibly empty). */
    public CompletionStage<List<SessionEntry>> sessions(String bareJid) {
        return map.getAsync(bareJid).thenApply(v -> v == null ? List.of() : v.entries());
    }

    public int size() {
        return map.size();
    }

    /**
     * Hits over all near-cache lookups on this member (0..1), NaN before the first lookup. Not
     * Hazelcast's {@code NearCacheStats.getRatio()}, which is hits per miss in percent (35,955
     * after a benchmark run) and unbounded.
     */
    public double nearCacheHitRatio() {
        var stats = map.getLocalMapStats().getNearCacheStats();
        if (stats == null) {
            return Double.NaN;
        }
        long hits = stats.getHits();
        long lookups = hits + stats.getMisses();
        return lookups == 0 ? Double.NaN : (double) hits / lookups;
    }
}
