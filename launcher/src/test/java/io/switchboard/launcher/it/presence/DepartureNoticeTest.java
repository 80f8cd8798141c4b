package io.switchboard.launcher.it.presence;

import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.NodeDepartures;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.storage.Subscription;
import io.vertx.core.eventbus.DeliveryOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member that was paused (a long GC, a frozen VM) and dropped from the cluster sees every other
 * member "leave" when it runs again, and cleans up its own stale copy of their sessions. Its
 * departure notices may still reach the cluster over the event bus, while those users are online:
 * the presence service must not broadcast them (docs/architecture.md, "Network splits").
 * {@code ConnectorDeathTest} covers the notices that must go out.
 */
class DepartureNoticeTest {

    @Test
    @DisplayName("A departure notice for a session the directory still holds is dropped, not broadcast")
    void aNoticeForALiveSessionIsDropped() throws Exception {
        try (TestServer server = TestServer.start()) {
            Kit.createAccounts(server, "dn-alice", "dn-bob");
            Kit.join(List.of(Kit.putItem(server, "dn-alice", "dn-bob", Subscription.BOTH),
                    Kit.putItem(server, "dn-bob", "dn-alice", Subscription.BOTH)));
            SSLContext tls = Kit.sslContext(server.dataDir());
            try (RawClient alice = RawClient.login(server.c2sPort(), tls, "dn-alice", Kit.PASSWORD, "home");
                 RawClient bob = RawClient.login(server.c2sPort(), tls, "dn-bob", Kit.PASSWORD, "phone")) {
                alice.available();
                bob.available();
                alice.awaitMatch(RawClient.presenceFrom("dn-bob@localhost/phone", null));

                // What NodeDepartures on such a thawed member sends for bob's (live) session.
                ClusterNode cluster = server.server().cluster();
                SessionEntry session = cluster.directory().sessions("dn-bob@localhost").toCompletableFuture().get()
                        .get(0);
                byte[] xml = "<presence from='dn-bob@localhost/phone' type='unavailable'/>"
                        .getBytes(StandardCharsets.UTF_8);
                cluster.vertx().eventBus().send(cluster.presenceInstances().instanceFor("dn-bob@localhost"),
                        new RoutedStanza(StanzaKind.PRESENCE, "unavailable", null, "dn-bob@localhost/phone", null,
                                session.nodeId(), session.connectionId(), 0, xml),
                        new DeliveryOptions().addHeader(NodeDepartures.NOTICE_HEADER, "true"));
                Kit.await("the presence service dropped the notice",
                        () -> server.counter("xmpp_presence_stale_departures_total") == 1.0);

                // bob's next update is the next presence alice gets from him: bob's work is
                // processed in order, so a broadcast notice would have come first.
                bob.send("<presence><status>still here</status></presence>");
                String next = alice.awaitMatch(RawClient.presenceFrom("dn-bob@localhost/phone", null));
                assertThat(next).contains("still here").doesNotContain("unavailable");
            }
        }
    }
}
