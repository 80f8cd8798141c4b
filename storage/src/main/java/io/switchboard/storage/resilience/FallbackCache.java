package io.switchboard.storage.resilience;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last successful result of selected reads, per user, used only when the same read fails:
 * while the backend is down, users who were recently active can still log in and have their
 * presence broadcast. It is never consulted while storage works, so it cannot make a healthy
 * node serve stale data; a successful write for a user drops that user's entries, so it does not
 * even hold what this node itself changed since.
 *
 * <p>Bounded by users in least-recently-used order. Synchronized: calls are short and on storage
 * completion threads, not event loops.
 */
final class FallbackCache {

    private final int maxUsers;
    private final LinkedHashMap<String, Map<List<Object>, Object>> byUser;

    FallbackCache(int maxUsers) {
        this.maxUsers = maxUsers;
        this.byUser = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<List<Object>, Object>> eldest) {
                return size() > FallbackCache.this.maxUsers;
            }
        };
    }

    boolean enabled() {
        return maxUsers > 0;
    }

    synchronized void put(String user, List<Object> call, Object result) {
        byUser.computeIfAbsent(user, u -> new HashMap<>(4)).put(call, result);
    }

    /** @return the cached result, or null when there is none */
    synchronized Object get(String user, List<Object> call) {
        Map<List<Object>, Object> calls = byUser.get(user);
        return calls == null ? null : calls.get(call);
    }

    synchronized void forget(String user) {
        byUser.remove(user);
    }

    synchronized int users() {
        return byUser.size();
    }
}
