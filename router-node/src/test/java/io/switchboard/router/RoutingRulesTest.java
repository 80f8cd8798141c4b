package io.switchboard.router;

import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.router.RoutingRules.Decision;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.switchboard.cluster.bus.StanzaKind.IQ;
import static io.switchboard.cluster.bus.StanzaKind.MESSAGE;
import static io.switchboard.cluster.bus.StanzaKind.PRESENCE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6121 §8.5 (server rules for a local user), row by row. Each row: the RFC section, the
 * stanza, the user's sessions, and the expected outcome. Sessions are written "resource:priority"
 * for available resources and "resource:-" for connected resources that sent no presence.
 */
class RoutingRulesTest {

    static Stream<Arguments> rfc6121Section85() {
        return Stream.of(
                // §8.5.1 No such user
                row("8.5.1 iq get, no such user", IQ, "get", null, false, "", "error:service-unavailable"),
                row("8.5.1 iq result, no such user", IQ, "result", null, false, "", "ignore"),
                row("8.5.1 message, no such user", MESSAGE, "chat", null, false, "", "error:service-unavailable"),
                row("8.5.1 message error, no such user", MESSAGE, "error", null, false, "", "ignore"),
                row("8.5.1 presence, no such user", PRESENCE, null, null, false, "", "ignore"),
                row("8.5.1 subscribe, no such user", PRESENCE, "subscribe", null, false, "", "ignore"),

                // §8.5.2.1.1 bare JID, message, available resources
                row("8.5.2.1.1 normal to the one non-negative resource", MESSAGE, null, null, true, "a:0", "deliver:a"),
                row("8.5.2.1.1 chat to the highest priority", MESSAGE, "chat", null, true, "a:1,b:5,c:3", "deliver:b"),
                row("8.5.2.1.1 chat to every resource sharing the highest priority", MESSAGE, "chat", null, true,
                        "a:5,b:5,c:3", "deliver:a,b"),
                row("8.5.2.1.1 negative priorities are skipped", MESSAGE, "chat", null, true, "a:-1,b:0", "deliver:b"),
                row("8.5.2.1.1 all negative: offline storage", MESSAGE, "chat", null, true, "a:-1,b:-5", "offline"),
                row("8.5.2.1.1 unknown type is normal", MESSAGE, "bogus", null, true, "a:2", "deliver:a"),
                row("8.5.2.1.1 groupchat to a bare JID", MESSAGE, "groupchat", null, true, "a:0",
                        "error:service-unavailable"),
                row("8.5.2.1.1 headline to all non-negative", MESSAGE, "headline", null, true, "a:1,b:5,c:-1",
                        "deliver:a,b"),
                row("8.5.2.1.1 headline, only negative: ignored", MESSAGE, "headline", null, true, "a:-1", "ignore"),
                row("8.5.2.1.1 error message: ignored", MESSAGE, "error", null, true, "a:0", "ignore"),
                row("8.5.2.1.1 connected-but-unavailable resources do not count", MESSAGE, "chat", null, true,
                        "a:-", "offline"),

                // §8.5.2.2.1 bare JID, message, no available resources
                row("8.5.2.2.1 normal, nobody online: offline", MESSAGE, "normal", null, true, "", "offline"),
                row("8.5.2.2.1 chat, nobody online: offline", MESSAGE, "chat", null, true, "", "offline"),
                row("8.5.2.2.1 groupchat, nobody online: error", MESSAGE, "groupchat", null, true, "",
                        "error:service-unavailable"),
                row("8.5.2.2.1 headline, nobody online: ignored", MESSAGE, "headline", null, true, "", "ignore"),
                row("8.5.2.2.1 error, nobody online: ignored", MESSAGE, "error", null, true, "", "ignore"),

                // §8.5.2.1.2 / §8.5.2.2.2 bare JID, presence
                row("8.5.2.1.2 directed presence to all available resources", PRESENCE, null, null, true,
                        "a:1,b:-3,c:-", "deliver:a,b"),
                row("8.5.2.1.2 unavailable to all available resources", PRESENCE, "unavailable", null, true,
                        "a:1,b:2", "deliver:a,b"),
                row("8.5.2.2.2 presence, nobody available: ignored", PRESENCE, null, null, true, "c:-", "ignore"),
                row("8.5.2.1.2 subscription-related: RFC 6121 §3 (presence service)", PRESENCE, "subscribe", null,
                        true, "a:1", "presence-service"),
                row("8.5.2.1.2 probe: RFC 6121 §4.3 (presence service)", PRESENCE, "probe", null, true, "",
                        "presence-service"),

                // §8.5.2.1.3 / §8.5.2.2.3 bare JID, IQ: the server answers on the user's behalf
                row("8.5.2.1.3 iq get to a bare JID is handled by the server", IQ, "get", null, true, "a:1",
                        "on-behalf"),
                row("8.5.2.2.3 iq set to a bare JID, nobody online", IQ, "set", null, true, "", "on-behalf"),
                row("8.5.2.1.3 iq result to a bare JID: ignored", IQ, "result", null, true, "a:1", "ignore"),

                // §8.5.3.1 full JID, a resource matches
                row("8.5.3.1 message to the matching resource", MESSAGE, "chat", "b", true, "a:9,b:1", "deliver:b"),
                row("8.5.3.1 message to a connected, unavailable resource", MESSAGE, "normal", "a", true, "a:-",
                        "deliver:a"),
                row("8.5.3.1 presence to the matching resource", PRESENCE, null, "a", true, "a:1", "deliver:a"),
                row("8.5.3.1 subscription presence is treated as bare", PRESENCE, "subscribed", "a", true, "a:1",
                        "presence-service"),
                row("8.5.3.1 iq to the matching resource", IQ, "get", "a", true, "a:1", "deliver:a"),
                row("8.5.3.1 iq result to the matching resource", IQ, "result", "a", true, "a:-", "deliver:a"),

                // §8.5.3.2 full JID, no resource matches
                row("8.5.3.2.1 chat falls back to the bare JID rules", MESSAGE, "chat", "gone", true, "a:1,b:2",
                        "deliver:b"),
                row("8.5.3.2.1 chat falls back to offline storage", MESSAGE, "chat", "gone", true, "", "offline"),
                row("8.5.3.2.1 normal: service-unavailable", MESSAGE, "normal", "gone", true, "a:1",
                        "error:service-unavailable"),
                row("8.5.3.2.1 groupchat: service-unavailable", MESSAGE, "groupchat", "gone", true, "a:1",
                        "error:service-unavailable"),
                row("8.5.3.2.1 headline: service-unavailable", MESSAGE, "headline", "gone", true, "",
                        "error:service-unavailable"),
                row("8.5.3.2.1 error: ignored", MESSAGE, "error", "gone", true, "", "ignore"),
                row("8.5.3.2.2 presence: ignored", PRESENCE, null, "gone", true, "a:1", "ignore"),
                row("8.5.3.2.2 subscription presence: as bare", PRESENCE, "unsubscribe", "gone", true, "",
                        "presence-service"),
                row("8.5.3.2.3 iq get: service-unavailable", IQ, "get", "gone", true, "a:1",
                        "error:service-unavailable"),
                row("8.5.3.2.3 iq error: ignored", IQ, "error", "gone", true, "a:1", "ignore"));
    }

    @DisplayName("RFC 6121 §8.5 routing rules")
    @ParameterizedTest(name = "§{0}")
    @MethodSource("rfc6121Section85")
    void routesAsTheRfcSays(String rule, StanzaKind kind, String type, String resource, boolean exists,
                            List<SessionEntry> sessions, String expected) {
        Decision decision = RoutingRules.decide(kind, type, resource, exists, sessions);
        assertThat(describe(decision)).as(rule).isEqualTo(expected);
    }

    private static Arguments row(String rule, StanzaKind kind, String type, String resource, boolean exists,
                                 String sessions, String expected) {
        return Arguments.of(rule, kind, type, resource, exists, sessions(sessions), expected);
    }

    private static List<SessionEntry> sessions(String spec) {
        if (spec.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(spec.split(",")).map(s -> {
            String[] parts = s.split(":");
            boolean available = !parts[1].equals("-");
            int priority = available ? Integer.parseInt(parts[1]) : 0;
            return new SessionEntry(parts[0], "node1", "conn-" + parts[0], priority, available, 0L);
        }).collect(Collectors.toList());
    }

    private static String describe(Decision decision) {
        if (decision instanceof RoutingRules.Deliver d) {
            return "deliver:" + d.sessions().stream().map(SessionEntry::resource).sorted()
                    .collect(Collectors.joining(","));
        }
        if (decision instanceof RoutingRules.Error e) {
            return "error:" + e.condition().elementName();
        }
        if (decision instanceof RoutingRules.StoreOffline) {
            return "offline";
        }
        if (decision instanceof RoutingRules.HandleOnBehalf) {
            return "on-behalf";
        }
        if (decision instanceof RoutingRules.PresenceService) {
            return "presence-service";
        }
        return "ignore";
    }

}
