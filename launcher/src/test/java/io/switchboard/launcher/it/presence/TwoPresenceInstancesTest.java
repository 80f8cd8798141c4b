package io.switchboard.launcher.it.presence;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The presence service keeps working when several instances run: each user's work goes to one
 * instance (partitioned by bare JID), and subscriptions between users owned by different
 * instances still update both rosters and route presence both ways (RFC 6121 §3, §4).
 */
class TwoPresenceInstancesTest {

    @Test
    @DisplayName("Two presence-service instances: handshakes across instances end in 'both' and presence flows")
    void subscriptionsAndBroadcastsWorkAcrossTwoPresenceInstances() throws Exception {
        int portA = freePort();
        int portB = freePort();
        String name = "two-presence-" + UUID.randomUUID();
        String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
        Map<String, String> envA = new HashMap<>(Map.of("SWITCHBOARD_CLUSTER_CLUSTER_NAME", name,
                "SWITCHBOARD_CLUSTER_MEMBERS", members, "SWITCHBOARD_CLUSTER_PORT", Integer.toString(portA)));
        try (TestServer a = TestServer.start(envA)) {
            Map<String, String> envB = new HashMap<>(Map.of("SWITCHBOARD_SERVER_ROLES", "connector,presence",
                    "SWITCHBOARD_CLUSTER_CLUSTER_NAME", name, "SWITCHBOARD_CLUSTER_MEMBERS", members,
                    "SWITCHBOARD_CLUSTER_PORT", Integer.toString(portB),
                    "SWITCHBOARD_SERVER_DATA_DIR", a.dataDir().toString()));
            try (TestServer b = TestServer.start(envB)) {
                Kit.await("both nodes see 2 members, two presence instances registered",
                        () -> a.counter("xmpp_cluster_members") == 2
                                && a.server().cluster().presenceInstances().addresses().size() == 2
                                && b.server().cluster().presenceInstances().addresses().size() == 2);
                int users = 8;
                List<String> names = new ArrayList<>();
                for (int i = 0; i < users; i++) {
                    names.add("tp" + i);
                }
                Kit.createAccounts(a, names);
                SSLContext tls = Kit.sslContext(a.dataDir());
                List<RawClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < users; i++) {
                        TestServer node = i % 2 == 0 ? a : b;
                        RawClient c = RawClient.login(node.c2sPort(), tls, names.get(i), Kit.PASSWORD, "r");
                        c.send("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>");
                        c.awaitContains("id='roster'");
                        c.available();
                        clients.add(c);
                    }
                    // Everyone asks everyone (both directions at once); everyone approves.
                    for (int i = 0; i < users; i++) {
                        for (int j = 0; j < users; j++) {
                            if (i != j) {
                                clients.get(i).send("<presence to='" + Kit.jid(names.get(j)) + "' type='subscribe'/>");
                            }
                        }
                    }
                    for (int i = 0; i < users; i++) {
                        for (int j = 0; j < users; j++) {
                            if (i != j) {
                                clients.get(i).send("<presence to='" + Kit.jid(names.get(j)) + "' type='subscribed'/>");
                            }
                        }
                    }
                    for (int i = 0; i < users; i++) {
                        String owner = names.get(i);
                        Kit.await(owner + "'s roster is all 'both'", () -> {
                            var roster = a.server().storage().rosters().roster(Kit.jid(owner)).toCompletableFuture()
                                    .join();
                            return roster.items().size() == users - 1 && roster.items().stream()
                                    .allMatch(item -> item.subscription().value().equals("both") && !item.askSubscribe());
                        });
                    }
                    // A status change of each user reaches every other user, whichever instance owns it.
                    for (int i = 0; i < users; i++) {
                        clients.get(i).send("<presence><status>from " + names.get(i) + "</status></presence>");
                    }
                    for (int i = 0; i < users; i++) {
                        List<Pattern> expected = new ArrayList<>();
                        for (int j = 0; j < users; j++) {
                            if (i != j) { // they arrive in any order
                                expected.add(Pattern.compile("<presence[^>]*from='" + Kit.jid(names.get(j))
                                        + "/r'[^>]*>\\s*<status>from " + names.get(j) + "</status>"));
                            }
                        }
                        clients.get(i).awaitAll(expected);
                    }
                    // Both instances did part of the work.
                    assertThat(a.counter("xmpp_presence_updates_total")).isPositive();
                    assertThat(b.counter("xmpp_presence_updates_total")).isPositive();
                } finally {
                    clients.forEach(RawClient::close);
                }
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
