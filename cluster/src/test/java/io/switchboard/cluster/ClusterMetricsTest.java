package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.VertxOptions;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Per-node cluster metrics (issue 5): cluster size, members joining and leaving, and Vert.x's own
 * event-bus series, on two real clustered Vert.x nodes.
 */
class ClusterMetricsTest {

    @Test
    void membershipChangesAndEventBusTrafficAreMeasuredPerNode() throws Exception {
        String name = "metrics-" + UUID.randomUUID();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> members = List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ClusterNode first = get(ClusterNode.start(new ClusterSettings(name, "127.0.0.1", port, members, "m1"),
                new VertxOptions(), meters));
        try {
            ClusterNode second = get(ClusterNode.start(new ClusterSettings(name, "127.0.0.1", port, members, "m2"),
                    new VertxOptions()));
            await(() -> meters.get("xmpp.cluster.members").gauge().value() == 2.0);
            assertThat(meters.get("xmpp.cluster.member.events").tag("event", "joined").counter().count()).isEqualTo(1);

            // A request across the cluster that nobody answers: a reply failure on the sender's node.
            second.vertx().eventBus().consumer("metrics-test", m -> { /* never replies */ });
            Thread.sleep(500); // the consumer's registration travels through the cluster
            first.vertx().eventBus().request("metrics-test", "ping",
                    new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(200));
            await(() -> meters.find("vertx.eventbus.reply.failures").counters().stream()
                    .mapToDouble(c -> c.count()).sum() >= 1);
            assertThat(meters.find("vertx.eventbus.sent").counters()).isNotEmpty();

            get(second.close());
            await(() -> meters.get("xmpp.cluster.member.events").tag("event", "left").counter().count() == 1);
            assertThat(meters.get("xmpp.cluster.members").gauge().value()).isEqualTo(1.0);
        } finally {
            get(first.close());
        }
    }

    private static <T> T get(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
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
