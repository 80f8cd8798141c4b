package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.merge.DiscardMergePolicy;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.cluster.directory.SessionEntry;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The merge policies of {@link SplitBrain} on a real merge of two clusters: "b" (the smaller side
 * of a split, with stale sessions) merges into "a" (the larger side, authoritative).
 */
class SplitBrainMergeTest {
    private static final String LAST_PRESENCE = "switchboard.presence.last"; // the presence service's map

    @Test
    void everySwitchboardStructureHasTheChosenPolicy() {
        Config config = ClusterNode.hazelcastConfig(new ClusterSettings("policies", "127.0.0.1", 5701,
                List.of("127.0.0.1"), "n1"));
        assertThat(config.findMapConfig(SessionDirectory.MAP_NAME).getMergePolicyConfig().getPolicy())
                .isEqualTo(DiscardMergePolicy.class.getName());
        assertThat(config.findMapConfig(SessionDirectory.MAP_NAME).getNearCacheConfig()).as("own config kept")
                .isNotNull();
        for (String presenceMap : List.of(LAST_PRESENCE, "switchboard.presence.directed", "switchboard.presence.errors")) {
            assertThat(config.findMapConfig(presenceMap).getMergePolicyConfig().getPolicy()).as(presenceMap)
                    .isEqualTo(DiscardMergePolicy.class.getName());
        }
        for (String registry : List.of(InstanceRegistry.ROUTERS, InstanceRegistry.PRESENCE)) {
            assertThat(config.findReplicatedMapConfig(registry).getMergePolicyConfig().getPolicy()).as(registry)
                    .isEqualTo(PutIfAbsentMergePolicy.class.getName());
        }
        assertThat(config.findMultiMapConfig(SplitBrain.VERTX_SUBSCRIPTIONS).getMergePolicyConfig().getPolicy())
                .isEqualTo(PutIfAbsentMergePolicy.class.getName());
        assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("10");
        assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("10");
    }

    @Test
    void theSmallerSideLosesItsSessionsAndPresenceButAddsItsInstances() throws Exception {
        String name = "merge-" + UUID.randomUUID();
        int portA;
        int portB;
        try (ServerSocket s1 = new ServerSocket(0); ServerSocket s2 = new ServerSocket(0)) {
            portA = s1.getLocalPort();
            portB = s2.getLocalPort();
        }
        // Each member knows only itself: two separate clusters with the same name, as after a split.
        ClusterNode a = get(ClusterNode.start(new ClusterSettings(name, "127.0.0.1", portA,
                List.of("127.0.0.1:" + portA), "a"), new VertxOptions()));
        ClusterNode b = null;
        try {
            SimpleMeterRegistry metersB = new SimpleMeterRegistry();
            b = get(ClusterNode.start(new ClusterSettings(name, "127.0.0.1", portB, List.of("127.0.0.1:" + portB), "b"),
                    new VertxOptions(), metersB));
            assertThat(a.hazelcast().getCluster().getMembers()).hasSize(1);
            assertThat(b.hazelcast().getCluster().getMembers()).hasSize(1);

            // The larger side: alice logged in again (same resource) after the split; carol is gone.
            SessionEntry aliceNow = SessionEntry.bound("desk", "a", "a-new");
            get(a.directory().bind("alice@x", aliceNow));
            IMap<String, byte[]> lastA = a.hazelcast().getMap(LAST_PRESENCE);
            lastA.set("alice@x/desk", bytes("a-presence"));
            a.routers().register("router.a.0", "a");
            // The smaller side still has alice's old session, carol's session and their presence.
            get(b.directory().bind("alice@x", SessionEntry.bound("desk", "b", "b-old")));
            get(b.directory().bind("carol@x", SessionEntry.bound("laptop", "b", "b-carol")));
            IMap<String, byte[]> lastB = b.hazelcast().getMap(LAST_PRESENCE);
            lastB.set("alice@x/desk", bytes("b-presence"));
            lastB.set("carol@x/laptop", bytes("b-presence"));
            b.routers().register("router.b.0", "b");
            b.vertx().eventBus().<String>consumer("merge-test.b", m -> m.reply("pong from b"));
            CountDownLatch merged = new CountDownLatch(1);
            b.onMerged(merged::countDown);

            // What Hazelcast's split-brain handler ends in once it decided that b merges into a
            // (TcpIpJoiner.searchForOtherClusters -> AbstractJoiner.startClusterMerge ->
            // MergeClustersOp -> ClusterServiceImpl.merge): called directly so the test controls
            // when and in which direction; the search itself is exercised by SplitBrainIT.
            Address target = a.hazelcast().getCluster().getLocalMember().getAddress();
            HazelcastInstanceProxy proxy = (HazelcastInstanceProxy) b.hazelcast();
            CompletableFuture.runAsync(() -> proxy.getOriginal().node.getClusterService().merge(target));

            assertThat(merged.await(60, TimeUnit.SECONDS)).as("b's merge actions ran").isTrue();
            assertThat(a.hazelcast().getCluster().getMembers()).hasSize(2);
            // The counter is a lifecycle listener of its own: it may run just after the merge actions.
            long countedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (metersB.get("xmpp.cluster.merges").tag("outcome", "merged").counter().count() < 1.0
                    && System.nanoTime() < countedBy) {
                Thread.sleep(20);
            }
            assertThat(metersB.get("xmpp.cluster.merges").tag("outcome", "merged").counter().count()).isEqualTo(1.0);

            // Destination wins where both sides had the key; the smaller side's other keys are dropped.
            assertThat(get(a.directory().sessions("alice@x"))).containsExactly(aliceNow);
            assertThat(get(b.directory().sessions("alice@x"))).containsExactly(aliceNow);
            assertThat(get(a.directory().holds("carol@x", "laptop", "b-carol"))).as("no ghost session").isFalse();
            assertThat(get(b.directory().sessions("carol@x"))).isEmpty();
            assertThat(a.directory().size()).isEqualTo(1);
            assertThat(new String(lastA.get("alice@x/desk"), StandardCharsets.UTF_8)).isEqualTo("a-presence");
            assertThat(lastA.get("carol@x/laptop")).as("no ghost presence").isNull();
            assertThat(lastA.size()).isEqualTo(1);

            // The smaller side's instances are choosable again on both sides (ReplicatedMaps
            // replicate asynchronously), and Vert.x republished b's subscriptions.
            await(() -> a.routers().addresses().equals(List.of("router.a.0", "router.b.0")));
            ClusterNode merger = b;
            await(() -> merger.routers().addresses().equals(List.of("router.a.0", "router.b.0")));
            String reply = get(a.vertx().eventBus().<String>request("merge-test.b", "ping",
                    new DeliveryOptions().setSendTimeout(10_000))).body();
            assertThat(reply).isEqualTo("pong from b");
        } finally {
            if (b != null) {
                get(b.close());
            }
            get(a.close());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T get(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
