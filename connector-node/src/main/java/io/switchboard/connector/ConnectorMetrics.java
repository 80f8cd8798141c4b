package io.switchboard.connector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.cluster.bus.StanzaKind;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The connector's meters; hot-path counters are resolved once, not looked up per stanza. */
public final class ConnectorMetrics {
    /** The {@code transport} label values: RFC 6120 with STARTTLS, direct TLS (XEP-0368), RFC 7395. */
    public static final List<String> TRANSPORTS = List.of("tcp", "tls", "websocket", "bosh");

    private final MeterRegistry registry;
    private final Map<String, Map<StanzaKind, Counter>> stanzasIn = new ConcurrentHashMap<>();
    private final Map<String, Map<StanzaKind, Counter>> stanzasOut = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> openByTransport = new ConcurrentHashMap<>();
    private final Timer routingLatency;
    private final AtomicInteger smDetached = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong smUnacked = new java.util.concurrent.atomic.AtomicLong();
    private final io.micrometer.core.instrument.DistributionSummary smQueueAtAck;

    public ConnectorMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Registered up front so every series exists (at zero) before the first client arrives.
        for (String transport : TRANSPORTS) {
            stanzaCounters(stanzasIn, "xmpp.stanzas.in", "Stanzas received from clients", transport);
            stanzaCounters(stanzasOut, "xmpp.stanzas.out", "Stanzas written to clients", transport);
            openGauge(transport);
        }
        routingLatency = Timer.builder("xmpp.routing.latency")
                .description("From a stanza entering the cluster at a connector to its delivery by a connector")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        Gauge.builder("xmpp.sm.sessions.detached", smDetached, AtomicInteger::get)
                .description("XEP-0198 sessions whose connection dropped, waiting to be resumed").register(registry);
        Gauge.builder("xmpp.sm.unacked", smUnacked, java.util.concurrent.atomic.AtomicLong::get)
                .description("Stanzas sent to clients and not yet acknowledged (XEP-0198), all sessions")
                .register(registry);
        smQueueAtAck = io.micrometer.core.instrument.DistributionSummary.builder("xmpp.sm.unacked.queue")
                .description("Unacknowledged queue length of a session when an ack arrives")
                .publishPercentileHistogram().maximumExpectedValue(10_000.0).register(registry);
    }

    private Map<StanzaKind, Counter> stanzaCounters(Map<String, Map<StanzaKind, Counter>> byTransport, String name,
                                                    String description, String transport) {
        return byTransport.computeIfAbsent(transport, t -> {
            Map<StanzaKind, Counter> byKind = new EnumMap<>(StanzaKind.class);
            for (StanzaKind kind : StanzaKind.values()) {
                byKind.put(kind, Counter.builder(name).description(description)
                        .tag("kind", kind.elementName()).tag("transport", t).register(registry));
            }
            return byKind;
        });
    }

    private AtomicInteger openGauge(String transport) {
        return openByTransport.computeIfAbsent(transport, t -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("xmpp.connections.open", value, AtomicInteger::get)
                    .description("Open client connections").tag("transport", t).register(registry);
            return value;
        });
    }

    public void connectionOpened(String transport) {
        openGauge(transport).incrementAndGet();
        registry.counter("xmpp.connections.accepted", "transport", transport).increment();
    }

    public void connectionClosed(String transport) {
        openGauge(transport).decrementAndGet();
    }

    public void connectionRejected(String reason) {
        registry.counter("xmpp.connections.rejected", "reason", reason).increment();
    }

    public void stanzaIn(String transport, StanzaKind kind) {
        stanzaCounters(stanzasIn, "xmpp.stanzas.in", "Stanzas received from clients", transport).get(kind).increment();
    }

    public void stanzaOut(String transport, StanzaKind kind) {
        stanzaCounters(stanzasOut, "xmpp.stanzas.out", "Stanzas written to clients", transport).get(kind).increment();
    }

    public void authentication(String transport, String mechanism, boolean success) {
        registry.counter("xmpp.auth", "mechanism", mechanism, "result", success ? "success" : "failure",
                "transport", transport).increment();
    }

    public void streamError(String transport, String condition) {
        registry.counter("xmpp.stream.errors", "condition", condition, "transport", transport).increment();
    }

    // ---- HTTP listeners: RFC 7395 WebSocket upgrades and XEP-0156 discovery ---------------------------

    /** An HTTP request that was not a WebSocket upgrade, by what it asked for and the status answered. */
    public void httpRequest(String endpoint, int status) {
        registry.counter("xmpp.http.requests", "endpoint", endpoint, "status", Integer.toString(status)).increment();
    }

    /**
     * A WebSocket upgrade request and what became of it: "accepted", "redirected" (see-other-uri),
     * or why it was refused ("bad-subprotocol", "forbidden-origin", "not-found", "server-full").
     */
    public void webSocketHandshake(String outcome) {
        registry.counter("xmpp.websocket.handshakes", "outcome", outcome).increment();
    }

    /**
     * A BOSH session ended (XEP-0124 §17.2): by the client ("terminate"), by an error condition
     * ("remote-stream-error", "item-not-found", "policy-violation", ...) or by inactivity ("inactivity").
     */
    public void boshSessionEnded(String reason) {
        registry.counter("xmpp.bosh.sessions.ended", "reason", reason).increment();
    }

    /**
     * A BOSH request for a session that lives on another connector node: passed to it ("served"),
     * or answered here because that node is gone ("node-gone") or did not answer ("failed").
     */
    public void boshForwarded(String outcome) {
        registry.counter("xmpp.bosh.forwarded.requests", "outcome", outcome).increment();
    }

    /** An HTTP connection closed because it neither upgraded nor finished in time. */
    public void httpConnectionTimedOut() {
        registry.counter("xmpp.http.connections.timed.out").increment();
    }

    /**
     * A stanza a router did not acknowledge: sent again to another router after the first one's
     * node left ({@code resent}), or answered with an error to its sender ({@code failed}).
     */
    public void routerHandoff(String outcome) {
        registry.counter("xmpp.router.handoff", "outcome", outcome).increment();
    }

    /** Stanzas handed to routers and not yet acknowledged. */
    public void routerPending(java.util.function.Supplier<Number> pending) {
        io.micrometer.core.instrument.Gauge.builder("xmpp.router.unacknowledged", pending)
                .description("stanzas handed to routers and not yet acknowledged").register(registry);
    }

    public void deliveryDropped(String reason) {
        registry.counter("xmpp.deliveries.dropped", "reason", reason).increment();
    }

    /** Records the latency of a stanza that entered the cluster at {@code ingressMicros} (wall clock). */
    public void delivered(long ingressMicros) {
        if (ingressMicros > 0) {
            long micros = currentMicros() - ingressMicros;
            routingLatency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
        }
    }

    // ---- XEP-0198 stream management ----------------------------------------------------------------

    public void smEnabled(boolean resumable) {
        registry.counter("xmpp.sm.enabled", "resume", Boolean.toString(resumable)).increment();
    }

    /** A session resumed: "same-node" or "other-node" (handed over from another connector). */
    public void smResumed(String where) {
        registry.counter("xmpp.sm.resumed", "node", where).increment();
    }

    public void smFailed(String request, String condition) {
        registry.counter("xmpp.sm.failed", "request", request, "condition", condition).increment();
    }

    /**
     * A session ended here: "closed" (clean close, error), "timed-out" (not resumed in time),
     * "overflow", or "moved" (resumed on another connector node).
     */
    public void smEnded(String reason) {
        registry.counter("xmpp.sm.sessions.ended", "reason", reason).increment();
        if ("timed-out".equals(reason)) {
            registry.counter("xmpp.sm.timed.out").increment();
        }
    }

    public void smDetached(int delta) {
        smDetached.addAndGet(delta);
    }

    public void smUnacked(long delta) {
        smUnacked.addAndGet(delta);
    }

    public void smQueueAtAck(int size) {
        smQueueAtAck.record(size);
    }

    /** Unacknowledged stanzas of an ended session: "rerouted" (messages), "bounced" (IQ requests), "dropped". */
    public void smUnackedHandled(String outcome, int count) {
        if (count > 0) {
            registry.counter("xmpp.sm.unacked.handled", "outcome", outcome).increment(count);
        }
    }

    public static long currentMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
