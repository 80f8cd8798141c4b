package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.switchboard.launcher.it.stream.RawXmppClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6120 §10.1 In-Order Processing: "An XMPP server MUST ensure in-order processing of the XML stanzas between
 * any two entities." Messages one session sends to another must reach it in the order they were sent.
 */
class InOrderDeliveryTest {
    private static final int COUNT = 50;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> receivedOrder(RawXmppClient c, String tag) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            expected.add("<body>" + tag + "-" + i + "</body>");
        }
        c.awaitAll(expected, WAIT);
        List<String> order = new ArrayList<>();
        Matcher m = Pattern.compile("<body>(" + Pattern.quote(tag) + "-\\d+)</body>").matcher(c.transcript());
        while (m.find()) {
            order.add(m.group(1));
        }
        return order;
    }

    private static List<String> expectedOrder(String tag) {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            order.add(tag + "-" + i);
        }
        return order;
    }

    /** Many messages to another user written in one segment. */
    @Test
    void messagesSentTogetherArriveInOrder() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient a = RawXmppClient.loggedIn(server, "ordera" + suffix, "p4ss", "a");
             RawXmppClient b = RawXmppClient.loggedIn(server, "orderb" + suffix, "p4ss", "b")) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < COUNT; i++) {
                batch.append("<message to='orderb").append(suffix).append("@localhost/b' type='chat' id='o")
                        .append(i).append("'><body>batch-").append(i).append("</body></message>");
            }
            a.send(batch.toString());
            assertThat(receivedOrder(b, "batch")).as("order in which B received A's messages")
                    .containsExactlyElementsOf(expectedOrder("batch"));
        }
    }

    /** The same, one message per write, as a chatty client would send them. */
    @Test
    void messagesSentOneByOneArriveInOrder() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (RawXmppClient a = RawXmppClient.loggedIn(server, "seqa" + suffix, "p4ss", "a");
             RawXmppClient b = RawXmppClient.loggedIn(server, "seqb" + suffix, "p4ss", "b")) {
            for (int i = 0; i < COUNT; i++) {
                a.send("<message to='seqb" + suffix + "@localhost/b' type='chat' id='s" + i + "'><body>single-" + i
                        + "</body></message>");
            }
            assertThat(receivedOrder(b, "single")).as("order in which B received A's messages")
                    .containsExactlyElementsOf(expectedOrder("single"));
        }
    }
}
