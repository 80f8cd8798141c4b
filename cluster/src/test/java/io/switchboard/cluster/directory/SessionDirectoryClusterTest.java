package io.switchboard.cluster.directory;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.switchboard.cluster.ClusterNodeTestAccess;
import io.switchboard.cluster.ClusterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session directory on a real three-member Hazelcast cluster: writes through entry
 * processors on one member are seen by the others (through their near caches).
 */
class SessionDirectoryClusterTest {
    private static final List<HazelcastInstance> MEMBERS = new ArrayList<>();
    private static SessionDirectory a;
    private static SessionDirectory b;
    private static SessionDirectory c;

    @BeforeAll
    static void formCluster() throws Exception {
        String name = "dir-test-" + UUID.randomUUID();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<CompletableFuture<HazelcastInstance>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Config config = ClusterNodeTestAccess.hazelcastConfig(new ClusterSettings(name, "127.0.0.1", port,
                    List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1), "127.0.0.1:" + (port + 2)), "n" + i));
            starting.add(CompletableFuture.supplyAsync(() -> Hazelcast.newHazelcastInstance(config)));
        }
        for (CompletableFuture<HazelcastInstance> f : starting) {
            MEMBERS.add(f.get(60, TimeUnit.SECONDS));
        }
        await(() -> MEMBERS.get(0).getCluster().getMembers().size() == 3);
        a = new SessionDirectory(MEMBERS.get(0));
        b = new SessionDirectory(MEMBERS.get(1));
        c = new SessionDirectory(MEMBERS.get(2));
    }

    @AfterAll
    static void shutdown() {
        MEMBERS.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void aBindOnOneMemberIsVisibleOnTheOthers() throws Exception {
        SessionEntry phone = SessionEntry.bound("phone", "node-a", "c1");
        assertThat(get(a.bind("alice@localhost", phone))).isNull();
        await(() -> get(b.sessions("alice@localhost")).size() == 1);
        await(() -> get(c.sessions("alice@localhost")).equals(List.of(phone)));
    }

    @Test
    void bindingTheSameResourceAgainReturnsTheReplacedSession() throws Exception {
        SessionEntry first = SessionEntry.bound("laptop", "node-a", "c1");
        SessionEntry second = SessionEntry.bound("laptop", "node-b", "c2");
        get(a.bind("bob@localhost", first));
        assertThat(get(b.bind("bob@localhost", second))).isEqualTo(first); // RFC 6120 §7.7.2.2 conflict
        await(() -> get(c.sessions("bob@localhost")).equals(List.of(second)));
    }

    @Test
    void aLateUnbindOfAReplacedSessionLeavesTheReplacementAlone() throws Exception {
        get(a.bind("carol@localhost", SessionEntry.bound("x", "node-a", "old")));
        get(b.bind("carol@localhost", SessionEntry.bound("x", "node-b", "new")));
        assertThat(get(c.unbind("carol@localhost", "x", "old"))).isNull();
        await(() -> get(a.sessions("carol@localhost")).size() == 1
                && get(a.sessions("carol@localhost")).get(0).connectionId().equals("new"));
        assertThat(get(a.unbind("carol@localhost", "x", "new"))).isNotNull();
        await(() -> get(b.sessions("carol@localhost")).isEmpty());
    }

    @Test
    void nearCacheHitRatioIsTheShareOfLookupsServedFromTheNearCache() throws Exception {
        get(a.bind("gina@localhost", SessionEntry.bound("r", "node-a", "g1")));
        for (int i = 0; i < 20; i++) {
            get(b.sessions("gina@localhost")); // the first read misses, the rest hit
        }
        assertThat(b.nearCacheHitRatio()).isBetween(0.5, 1.0);
    }

    @Test
    void movingASessionToAnotherNodeKeepsItsStateAndIsSeenEverywhere() throws Exception {
        // XEP-0198 resumption on a different connector: same session id, presence and roster interest.
        get(a.bind("frank@localhost", SessionEntry.bound("m", "node-a", "s1")));
        get(a.updatePresence("frank@localhost", "m", "s1", true, 7));
        get(b.markRosterRequested("frank@localhost", "m", "s1"));
        SessionEntry moved = get(c.move("frank@localhost", "m", "s1", "node-b"));
        assertThat(moved.nodeId()).isEqualTo("node-b");
        assertThat(moved.connectionId()).isEqualTo("s1");
        await(() -> {
            List<SessionEntry> seen = get(a.sessions("frank@localhost"));
            return seen.size() == 1 && seen.get(0).nodeId().equals("node-b") && seen.get(0).available()
                    && seen.get(0).priority() == 7 && seen.get(0).rosterRequested();
        });
        // A session that no longer owns the resource (replaced meanwhile) is not moved.
        get(b.bind("frank@localhost", SessionEntry.bound("m", "node-a", "s2")));
        assertThat(get(a.move("frank@localhost", "m", "s1", "node-c"))).isNull();
        assertThat(get(c.sessions("frank@localhost")).get(0).nodeId()).isEqualTo("node-a");
    }

    @Test
    void presenceUpdatesAreAtomicPerResourceAndVisibleEverywhere() throws Exception {
        get(a.bind("dave@localhost", SessionEntry.bound("one", "node-a", "c1")));
        get(a.bind("dave@localhost", SessionEntry.bound("two", "node-b", "c2")));
        SessionEntry before = get(b.updatePresence("dave@localhost", "one", "c1", true, 5));
        assertThat(before.available()).isFalse();
        get(c.updatePresence("dave@localhost", "two", "c2", true, -1));
        await(() -> {
            List<SessionEntry> sessions = get(a.sessions("dave@localhost"));
            return sessions.size() == 2 && sessions.stream().allMatch(SessionEntry::available)
                    && sessions.stream().anyMatch(s -> s.priority() == 5)
                    && sessions.stream().anyMatch(s -> s.priority() == -1);
        });
        // An update from a connection that no longer owns the resource is refused.
        assertThat(get(a.updatePresence("dave@localhost", "one", "stale", false, 0))).isNull();
    }

    @Test
    void concurrentBindsOfManyResourcesLoseNone() throws Exception {
        List<CompletableFuture<SessionEntry>> binds = new ArrayList<>();
        SessionDirectory[] dirs = {a, b, c};
        for (int i = 0; i < 60; i++) {
            binds.add(dirs[i % 3].bind("erin@localhost", SessionEntry.bound("r" + i, "n", "c" + i))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        await(() -> get(b.sessions("erin@localhost")).size() == 60);
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(20);
        }
    }

}
