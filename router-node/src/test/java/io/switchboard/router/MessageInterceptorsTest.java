package io.switchboard.router;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.MessageInterceptors.Registered;
import io.switchboard.router.module.InterceptedMessage;
import io.switchboard.router.module.MessageInterceptor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The message-interceptor hook: order, rewrites, and that a failing interceptor never costs a message. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageInterceptorsTest {
    private Vertx vertx;

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stop() {
        vertx.close().await();
    }

    private static InterceptedMessage message() {
        byte[] xml = "<message from='a@x/r' to='b@x' type='chat'><body>hi</body></message>"
                .getBytes(StandardCharsets.UTF_8);
        return new InterceptedMessage(new RoutedStanza(StanzaKind.MESSAGE, "chat", null, "a@x/r", "b@x", "n", "c", 0, xml),
                Jid.of("a@x/r"), Jid.of("b@x"), Jid.of("b@x"), false);
    }

    /** Appends {@code <tag/>} to the message: makes the order of interceptors visible. */
    private static MessageInterceptor tagging(String tag) {
        return m -> Future.succeededFuture(m.withStanza(m.element().withChild(XmlElement.of(tag, "urn:test"))));
    }

    private InterceptedMessage run(MessageInterceptors chain, InterceptedMessage m) throws Exception {
        CompletableFuture<InterceptedMessage> result = new CompletableFuture<>();
        var context = vertx.getOrCreateContext();
        context.runOnContext(v -> chain.run(m, context).onComplete(r -> {
            if (r.succeeded()) {
                result.complete(r.result());
            } else {
                result.completeExceptionally(r.cause());
            }
        }));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static List<String> tags(InterceptedMessage m) {
        return m.element().elements().stream().filter(e -> e.namespace().equals("urn:test")).map(XmlElement::name).toList();
    }

    @Test
    @DisplayName("interceptors run in registration order, each on the previous one's output")
    void registrationOrder() throws Exception {
        MessageInterceptors chain = new MessageInterceptors(List.of(new Registered("one", tagging("first")),
                new Registered("two", tagging("second"))), new SimpleMeterRegistry());
        InterceptedMessage out = run(chain, message());
        assertThat(tags(out)).containsExactly("first", "second");
        assertThat(out.stanza().to()).as("routing header unchanged").isEqualTo("b@x");
    }

    @Test
    @DisplayName("a throwing, failing or null-returning interceptor is counted and skipped; the message goes on")
    void failuresAreIsolated() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MessageInterceptors chain = new MessageInterceptors(List.of(
                new Registered("thrower", m -> {
                    throw new IllegalStateException("boom");
                }),
                new Registered("failer", m -> Future.failedFuture(new IllegalStateException("failed"))),
                new Registered("nuller", m -> null),
                new Registered("ok", tagging("survived"))), meters);
        InterceptedMessage out = run(chain, message());
        assertThat(tags(out)).containsExactly("survived");
        assertThat(out.element().childText("body", null)).isEqualTo("hi");
        for (String module : List.of("thrower", "failer", "nuller")) {
            assertThat(meters.get("xmpp.router.interceptor.failures").tag("module", module).tag("reason", "error")
                    .counter().count()).as(module).isEqualTo(1.0);
        }
    }

    @Test
    @DisplayName("an interceptor that does not answer in time is skipped (counted as timeout); a late answer is ignored")
    void slowInterceptorTimesOut() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        List<Promise<InterceptedMessage>> pending = new CopyOnWriteArrayList<>();
        MessageInterceptors chain = new MessageInterceptors(List.of(
                new Registered("slow", m -> {
                    Promise<InterceptedMessage> p = Promise.promise();
                    pending.add(p);
                    return p.future();
                }),
                new Registered("after", tagging("after"))), meters, Duration.ofMillis(100));
        InterceptedMessage in = message();
        InterceptedMessage out = run(chain, in);
        assertThat(tags(out)).containsExactly("after");
        assertThat(meters.get("xmpp.router.interceptor.failures").tag("module", "slow").tag("reason", "timeout")
                .counter().count()).isEqualTo(1.0);
        pending.get(0).complete(in.withStanza(in.element().withChild(XmlElement.of("late", "urn:test"))));
        assertThat(tags(out)).doesNotContain("late");
    }

    @Test
    @DisplayName("an interceptor cannot turn a message into another kind of stanza")
    void rewriteMustStayAMessage() {
        assertThatThrownBy(() -> message().withStanza(XmlElement.of("iq", "jabber:client")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("no interceptors: the chain is empty and the message is handed back as is")
    void emptyChain() throws Exception {
        MessageInterceptors chain = new MessageInterceptors(List.of(), new SimpleMeterRegistry());
        InterceptedMessage in = message();
        assertThat(chain.isEmpty()).isTrue();
        assertThat(run(chain, in)).isSameAs(in);
    }
}
