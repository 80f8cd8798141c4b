package io.switchboard.connector.sm;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.SessionCommand;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.connector.ConnectionHandle;
import io.switchboard.connector.ConnectorMetrics;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stanza.StanzaForwarder;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StanzaError;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One XEP-0198 session: the stanza counters, the queue of stanzas the client has not acknowledged,
 * and — when the client asked for resumption — a life of its own when the connection drops.
 *
 * <p>Once stream management is enabled this object, not the {@link XmppConnection}, is what the
 * node registers under the session's connection id: every delivery goes through {@link #deliver}
 * and is counted and queued whether or not a connection is attached. When the TCP connection is
 * lost without {@code </stream:stream>} the session stays bound in the directory and deliveries
 * keep queueing until {@code <resume/>} attaches a new connection (XEP-0198 §5) or the resumption
 * time runs out; then it ends like a normal disconnect (unavailable presence, unbind) and its
 * unacknowledged messages are routed again to the user's bare JID — to another resource or to
 * offline storage — IQ requests are answered with an error and the rest is dropped (XEP-0198 §4,
 * "alternative action regarding any unhandled stanzas").
 *
 * <p>A client may resume on another connector node (behind a load balancer it rarely lands on the
 * same one): {@link SessionHandover} then moves the session there. This side hands the state out
 * ({@link #handOut}), keeps queueing what arrives meanwhile, and on commit ({@link #commitHandOut})
 * gives up those late stanzas and from then on forwards whatever still reaches it to the new node.
 *
 * <p>Threading: the state is owned by one event-loop context at a time (the attached connection's;
 * it moves with a resumption). Handle methods hop onto it; a task that arrives at a context the
 * session has left is passed on to the new one, after the attach (see {@link #resume}).
 */
public final class StreamManagement implements ConnectionHandle {
    private static final Logger LOG = LoggerFactory.getLogger(StreamManagement.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The server asks for an ack after this many unacknowledged stanzas ... */
    static final int REQUEST_EVERY = 5;
    /** ... or when stanzas stayed unacknowledged this long. */
    static final long REQUEST_INTERVAL_NANOS = 5_000_000_000L;

    private final ConnectorServices services;
    private final String resumptionId;
    private final Jid fullJid;
    private final String sessionId;
    private final long resumptionSeconds;
    private final int maxUnacked;

    private volatile Context context;
    private XmppConnection attached;
    private long inbound;
    private long outboundAcked;
    private final ArrayDeque<SmState.Unacked> unacked = new ArrayDeque<>();
    private boolean available;
    private boolean ended;
    private boolean detached;
    private String endReason = "closed";
    private long timerId = -1;
    /** Handing out to another node: its id, until committed or aborted. */
    private String movingTo;
    private int handedOutSize;
    private long abortTimerId = -1;
    /** Handed over to another node: what still arrives here is forwarded there. */
    private String movedTo;
    /** Adopted from another node and waiting for its late stanzas: deliveries are held until then. */
    private List<Delivery> heldUntilCaughtUp;
    private int sinceRequest;
    private long lastRequestNanos = System.nanoTime();

    private StreamManagement(ConnectorServices services, SmState state, Context context) {
        this.services = services;
        this.resumptionId = state.resumptionId();
        this.fullJid = Jid.of(state.fullJid());
        this.sessionId = state.sessionId();
        this.resumptionSeconds = state.resumptionSeconds();
        this.maxUnacked = services.settings().smMaxUnacked();
        this.context = context;
        this.inbound = state.inboundHandled();
        this.outboundAcked = state.outboundAcked();
        this.unacked.addAll(state.unacked());
        this.available = state.available();
    }

    /**
     * XEP-0198 §3: the bound connection sent {@code <enable/>}; answers {@code <enabled/>} and takes
     * over the session's deliveries. A client 'max' lower than the configured timeout wins.
     */
    public static StreamManagement enable(XmppConnection connection, ConnectorServices services, XmlElement enable) {
        boolean wantsResume = "true".equals(enable.attribute("resume")) || "1".equals(enable.attribute("resume"));
        long max = services.settings().smResumptionTimeout().toSeconds();
        Long requested = SmElements.parseH(enable.attribute("max"));
        if (requested != null && requested > 0) {
            max = Math.min(max, requested);
        }
        String id = wantsResume && max > 0 ? newResumptionId(connection.sessionId()) : null;
        SmState initial = new SmState(id, connection.boundJid().bare().toString(), connection.boundJid().toString(),
                connection.sessionId(), 0, 0, List.of(), false, max);
        StreamManagement sm = new StreamManagement(services, initial, connection.context());
        sm.attached = connection;
        // From now on deliveries for the session are counted and queued here.
        services.register(sm.sessionId, sm);
        if (id != null) {
            services.registerResumable(id, sm);
        }
        connection.transport().sendElement(SmElements.enabled(id, max));
        services.metrics().smEnabled(id != null);
        return sm;
    }

    /** Re-creates a detached session from its value (the hand-over between nodes will use this). */
    public static StreamManagement restore(ConnectorServices services, SmState state, Context context) {
        StreamManagement sm = new StreamManagement(services, state, context);
        services.metrics().smUnacked(state.unacked().size());
        services.register(sm.sessionId, sm);
        if (sm.resumptionId != null) {
            services.registerResumable(sm.resumptionId, sm);
        }
        context.runOnContext(v -> sm.startResumptionTimer());
        return sm;
    }

    /** The session as a value; call on the owning context. */
    public SmState snapshot() {
        boolean availableNow = attached != null ? attached.forwarder().available() : available;
        return new SmState(resumptionId, fullJid.bare().toString(), fullJid.toString(), sessionId, inbound,
                outboundAcked, new ArrayList<>(unacked), availableNow, resumptionSeconds);
    }

    public String resumptionId() {
        return resumptionId;
    }

    public Jid fullJid() {
        return fullJid;
    }

    public String sessionId() {
        return sessionId;
    }

    // ---- called by the attached connection, on the owning context --------------------------------

    /** A stanza from the client was handled (XEP-0198 §4: 'h' counts every stanza, whatever became of it). */
    public void inboundHandled() {
        inbound = (inbound + 1) & SmElements.MASK;
    }

    /** {@code <r/>} from the client: answer at once (XEP-0198 §4). */
    public void ackRequested() {
        if (attached != null) {
            attached.transport().sendElement(SmElements.ack(inbound));
        }
    }

    /** {@code <a h/>} from the client (XEP-0198 §4; an 'h' above what was sent is a stream error, §6). */
    public void acknowledged(XmppConnection from, Long h) {
        if (h == null) {
            from.streamError(StreamErrorCondition.INVALID_XML, "<a/> needs an unsigned 32-bit 'h'");
            return;
        }
        long count = SmElements.delta(h, outboundAcked);
        if (count > unacked.size()) {
            from.streamError(StreamErrorCondition.UNDEFINED_CONDITION,
                    "you acknowledged " + h + " stanzas; the server sent " + ((outboundAcked + unacked.size()) & SmElements.MASK),
                    SmElements.handledCountTooHigh(h, (outboundAcked + unacked.size()) & SmElements.MASK));
            return;
        }
        services.metrics().smQueueAtAck(unacked.size());
        drop(count);
        outboundAcked = h;
    }

    /** A stanza the server itself writes on this stream (e.g. an IQ error): counted like deliveries. */
    public void sendLocal(StanzaKind kind, byte[] xml) {
        enqueue(kind, xml, 0);
    }

    /** Periodic check from the connection sweep: ask for an ack when stanzas wait too long. */
    public void periodic(long nowNanos) {
        if (attached != null && !unacked.isEmpty() && nowNanos - lastRequestNanos > REQUEST_INTERVAL_NANOS) {
            requestAck();
        }
    }

    /**
     * The attached connection is gone. {@code resumable}: lost without a clean close, so the session
     * waits for {@code <resume/>} (XEP-0198 §5); otherwise it ends now (§7).
     */
    public void connectionLost(XmppConnection connection, boolean resumable) {
        if (attached != connection || ended) {
            return;
        }
        available = connection.forwarder().available();
        attached = null;
        if (!resumable || resumptionId == null) {
            end(endReason);
            return;
        }
        LOG.debug("[{}] {} detached; resumable for {} s with {} unacknowledged", sessionId, fullJid,
                resumptionSeconds, unacked.size());
        startResumptionTimer();
    }

    /** No longer waiting for a resumption: the timer stops and the session no longer counts as detached. */
    private void stopWaiting() {
        if (timerId >= 0) {
            services.vertx().cancelTimer(timerId);
            timerId = -1;
        }
        if (detached) {
            detached = false;
            services.metrics().smDetached(-1);
        }
    }

    private void startResumptionTimer() {
        if (!detached) {
            detached = true;
            services.metrics().smDetached(1);
        }
        timerId = services.vertx().setTimer(Math.max(1, resumptionSeconds * 1000), id -> {
            timerId = -1;
            if (!ended && attached == null) {
                end("timed-out");
            }
        });
    }

    // ---- resumption (XEP-0198 §5) ---------------------------------------------------------------

    /** Why a {@code <resume/>} failed: the {@code <failed/>} condition and 'h' to report. */
    public static final class ResumeFailure extends RuntimeException {
        private final StanzaErrorCondition condition;
        private final Long h;

        ResumeFailure(StanzaErrorCondition condition, Long h, String message) {
            super(message, null, false, false);
            this.condition = condition;
            this.h = h;
        }

        public StanzaErrorCondition condition() {
            return condition;
        }

        public Long h() {
            return h;
        }
    }

    /**
     * Moves the session to {@code newConnection} (which must run this on its own context): the
     * client's 'h' acknowledges what it got, an old connection still open is closed with
     * {@code <conflict/>}, then on the new connection {@code <resumed/>} is written followed by every
     * unacknowledged stanza in order; deliveries that arrive meanwhile queue behind them. Completes on
     * the new connection's context, failed with a {@link ResumeFailure} if the session cannot be taken.
     */
    public Future<Void> resume(XmppConnection newConnection, long h) {
        Promise<Void> done = Promise.promise();
        Context target = newConnection.context();
        onOwner(() -> {
            if (ended || movingTo != null || movedTo != null) {
                target.runOnContext(v -> done.fail(new ResumeFailure(StanzaErrorCondition.ITEM_NOT_FOUND, null,
                        "session ended or moved")));
                return;
            }
            long count = SmElements.delta(h, outboundAcked);
            if (count > unacked.size()) {
                long handled = inbound;
                target.runOnContext(v -> done.fail(new ResumeFailure(StanzaErrorCondition.UNDEFINED_CONDITION, handled,
                        "h acknowledges more stanzas than were sent")));
                return;
            }
            drop(count);
            outboundAcked = h;
            stopWaiting();
            XmppConnection old = attached;
            attached = null;
            if (old != null) {
                // XEP-0198 §5: the old stream of a resumed session is closed with a conflict.
                available = old.forwarder().available();
                old.handOverSession();
                old.streamError(StreamErrorCondition.CONFLICT, "the session was resumed on another stream");
            }
            // Queue the attach on the new loop first, then move ownership: a task that still reaches
            // this context afterwards is passed on and runs after the attach.
            target.runOnContext(v -> attach(newConnection, done, "same-node"));
            context = target;
        });
        return done.future();
    }

    private void attach(XmppConnection connection, Promise<Void> done, String where) {
        if (connection.phase() == XmppConnection.Phase.CLOSED) {
            done.fail(new ResumeFailure(StanzaErrorCondition.ITEM_NOT_FOUND, null, "new connection closed"));
            startResumptionTimer();
            return;
        }
        attached = connection;
        services.metrics().smResumed(where);
        connection.adoptResumedSession(this, available);
        connection.transport().sendElement(SmElements.resumed(resumptionId, inbound));
        for (SmState.Unacked u : unacked) {
            connection.transport().sendStanza(u.xml());
            services.metrics().stanzaOut(connection.transport().transportName(), u.kind());
        }
        sinceRequest = 0;
        if (!unacked.isEmpty()) {
            requestAck();
        }
        LOG.debug("[{}] {} resumed on {}, {} stanzas re-sent", sessionId, fullJid, connection.connectionId(),
                unacked.size());
        done.complete();
    }

    // ---- resumption on another node: the side that held the session ----------------------------

    /** How long a hand-out waits for the new node to commit before the session stays here after all. */
    static final long HAND_OUT_TIMEOUT_MS = 30_000;
    /** How long stanzas that still reach this node for a moved session are forwarded. */
    static final long FORWARD_AFTER_MOVE_MS = 120_000;

    /**
     * Another node is taking the session over: an old connection still attached is closed with
     * {@code <conflict/>} (XEP-0198 §5), the resumption timer stops and the state is handed out.
     * Deliveries keep queueing here until {@link #commitHandOut()} or {@link #abortHandOut()}.
     */
    Future<SmState> handOut(String toNode) {
        Promise<SmState> out = Promise.promise();
        onOwner(() -> {
            if (ended || movingTo != null || movedTo != null || heldUntilCaughtUp != null) {
                out.fail(new ResumeFailure(StanzaErrorCondition.ITEM_NOT_FOUND, null, "session ended or moving"));
                return;
            }
            if (timerId >= 0) {
                services.vertx().cancelTimer(timerId);
                timerId = -1;
            }
            XmppConnection old = attached;
            attached = null;
            if (old != null) {
                available = old.forwarder().available();
                old.handOverSession();
                old.streamError(StreamErrorCondition.CONFLICT, "the session was resumed on another stream");
            }
            movingTo = toNode;
            handedOutSize = unacked.size();
            abortTimerId = services.vertx().setTimer(HAND_OUT_TIMEOUT_MS, id -> {
                abortTimerId = -1;
                if (movingTo != null) {
                    LOG.warn("[{}] {}: node {} took the session but never committed; it stays here", sessionId,
                            fullJid, movingTo);
                    abortHandOut();
                }
            });
            out.complete(snapshot());
        });
        return out.future();
    }

    /**
     * The new node owns the session now: completes with the stanzas that arrived since the hand-out
     * (the new node sends them after the handed-out ones), and this session turns into a forwarder.
     */
    Future<List<SmState.Unacked>> commitHandOut() {
        Promise<List<SmState.Unacked>> late = Promise.promise();
        onOwner(() -> {
            if (movingTo == null) {
                late.fail(new ResumeFailure(StanzaErrorCondition.ITEM_NOT_FOUND, null, "no hand-out to commit"));
                return;
            }
            movedTo = movingTo;
            movingTo = null;
            if (abortTimerId >= 0) {
                services.vertx().cancelTimer(abortTimerId);
                abortTimerId = -1;
            }
            List<SmState.Unacked> arrived = new ArrayList<>(unacked).subList(handedOutSize, unacked.size());
            services.metrics().smUnacked(-unacked.size());
            unacked.clear();
            stopWaiting();
            services.unregisterResumable(resumptionId, this);
            services.metrics().smEnded("moved");
            LOG.debug("[{}] {} moved to node {} ({} late stanzas follow)", sessionId, fullJid, movedTo,
                    arrived.size());
            services.vertx().setTimer(FORWARD_AFTER_MOVE_MS, id -> services.unregister(sessionId, this));
            late.complete(List.copyOf(arrived));
        });
        return late.future();
    }

    /** The new node gave up (or never committed): the session waits here for a resumption again. */
    void abortHandOut() {
        onOwner(() -> {
            if (movingTo == null) {
                return;
            }
            movingTo = null;
            if (abortTimerId >= 0) {
                services.vertx().cancelTimer(abortTimerId);
                abortTimerId = -1;
            }
            startResumptionTimer();
        });
    }

    // ---- resumption on another node: the side that takes the session -------------------------

    /**
     * Re-creates a session handed out by another node, owned by {@code connection}'s context (call it
     * there) and registered under its session id; deliveries are held until {@link #caughtUp}.
     * The client's 'h' acknowledges handed-out stanzas; one acknowledging more fails the resumption
     * (XEP-0198 §5 with the §6 'h' check).
     */
    static StreamManagement adopt(ConnectorServices services, SmState state, XmppConnection connection, long h) {
        long count = SmElements.delta(h, state.outboundAcked());
        if (count > state.unacked().size()) {
            throw new ResumeFailure(StanzaErrorCondition.UNDEFINED_CONDITION, state.inboundHandled(),
                    "h acknowledges more stanzas than were sent");
        }
        StreamManagement sm = new StreamManagement(services, state, connection.context());
        sm.heldUntilCaughtUp = new ArrayList<>();
        services.metrics().smUnacked(state.unacked().size());
        sm.drop(count);
        sm.outboundAcked = h;
        services.register(sm.sessionId, sm);
        services.registerResumable(sm.resumptionId, sm);
        return sm;
    }

    /**
     * The old node's late stanzas are in: queue them behind the handed-out ones, then what arrived
     * here meanwhile, and attach the resuming connection ({@code <resumed/>} and the replay).
     */
    Future<Void> caughtUp(List<SmState.Unacked> late, XmppConnection connection) {
        for (SmState.Unacked u : late) {
            unacked.addLast(u);
        }
        services.metrics().smUnacked(late.size());
        List<Delivery> held = heldUntilCaughtUp;
        heldUntilCaughtUp = null;
        for (Delivery d : held) {
            deliverOnOwner(d);
        }
        Promise<Void> attachedNow = Promise.promise();
        attach(connection, attachedNow, "other-node");
        return attachedNow.future();
    }

    /** A take-over that failed before the directory moved: vanish without ending the session. */
    void forget() {
        services.unregister(sessionId, this);
        services.unregisterResumable(resumptionId, this);
        services.metrics().smUnacked(-unacked.size());
        unacked.clear();
        ended = true;
    }

    // ---- ConnectionHandle: any thread --------------------------------------------------------------

    @Override
    public void deliver(Delivery delivery) {
        onOwner(() -> deliverOnOwner(delivery));
    }

    @Override
    public Future<Void> deliverConfirmed(Delivery delivery) {
        // Confirmed once queued: should the session end unacknowledged, the stanza is routed again.
        Promise<Void> queued = Promise.promise();
        onOwner(() -> {
            if (movedTo != null) {
                services.eventBus().request(Addresses.connector(movedTo), delivery)
                        .onComplete(r -> queued.handle(r.mapEmpty()));
            } else if (deliverOnOwner(delivery)) {
                queued.complete();
            } else {
                queued.fail("session " + sessionId + " is gone");
            }
        });
        return queued.future();
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
        onOwner(() -> {
            if (movedTo != null) {
                services.eventBus().send(Addresses.connector(movedTo),
                        new SessionCommand(sessionId, condition.elementName(), text));
                return;
            }
            if (attached != null) {
                attached.streamError(condition, text);
            }
            end("closed");
        });
    }

    /** Writes (when attached) and queues a delivery; called on the owning context. */
    public boolean deliverOnOwner(Delivery delivery) {
        if (movedTo != null) {
            // Routed here before the directory said where the session went: pass it on.
            services.eventBus().send(Addresses.connector(movedTo), delivery);
            return true;
        }
        if (heldUntilCaughtUp != null) {
            heldUntilCaughtUp.add(delivery);
            return true;
        }
        if (ended) {
            services.metrics().deliveryDropped("connection-gone");
            return false;
        }
        List<byte[]> stanzas = StanzaBoundaries.split(delivery.xml());
        for (byte[] stanza : stanzas) {
            if (ended) { // the queue overflowed half-way through a joined delivery
                services.metrics().deliveryDropped("connection-gone");
                break;
            }
            enqueue(delivery.kind(), stanza, delivery.ingressMicros());
        }
        return true;
    }

    // ---- internals ----------------------------------------------------------------------------------

    private void enqueue(StanzaKind kind, byte[] xml, long ingressMicros) {
        unacked.addLast(new SmState.Unacked(kind, xml, ingressMicros));
        services.metrics().smUnacked(1);
        if (attached != null) {
            attached.transport().sendStanza(xml);
            services.metrics().stanzaOut(attached.transport().transportName(), kind);
            services.metrics().delivered(ingressMicros);
            if (++sinceRequest >= REQUEST_EVERY) {
                requestAck();
            }
        }
        if (unacked.size() > maxUnacked) {
            endReason = "overflow";
            if (attached != null) {
                attached.streamError(StreamErrorCondition.RESOURCE_CONSTRAINT,
                        "too many unacknowledged stanzas (XEP-0198)");
            }
            end("overflow");
        }
    }

    private void requestAck() {
        sinceRequest = 0;
        lastRequestNanos = System.nanoTime();
        attached.transport().sendElement(SmElements.request());
    }

    private void drop(long count) {
        for (long i = 0; i < count; i++) {
            unacked.pollFirst();
        }
        services.metrics().smUnacked(-count);
    }

    private void onOwner(Runnable task) {
        Context c = context;
        c.runOnContext(v -> {
            if (context == c) {
                task.run();
            } else {
                onOwner(task);
            }
        });
    }

    /**
     * The session is over: unavailable presence on its behalf and unbind, as for any disconnect;
     * only once the directory entry is gone are the unacknowledged stanzas handled, so that nothing
     * routed again can come back to this session.
     */
    private void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        stopWaiting();
        if (resumptionId != null) {
            services.unregisterResumable(resumptionId, this);
        }
        services.unregister(sessionId, this);
        services.metrics().smEnded(reason);
        services.metrics().smUnacked(-unacked.size());
        List<SmState.Unacked> left = new ArrayList<>(unacked);
        unacked.clear();
        if (attached != null) {
            available = attached.forwarder().available();
            attached = null;
        }
        LOG.debug("[{}] {} ended ({}), {} unacknowledged", sessionId, fullJid, reason, left.size());
        Context here = context;
        Future.fromCompletionStage(StanzaForwarder.endSession(services, sessionId, fullJid, available), here)
                .onComplete(r -> handleUnacked(left));
    }

    /** XEP-0198 §4: messages to the bare JID again (other resources or offline storage), IQ requests bounced. */
    private void handleUnacked(List<SmState.Unacked> left) {
        int rerouted = 0;
        int bounced = 0;
        int dropped = 0;
        String bare = fullJid.bare().toString();
        for (SmState.Unacked u : left) {
            try {
                XmlElement stanza = StanzaParsing.parse(u.xml());
                String type = stanza.attribute("type");
                String from = stanza.attribute("from");
                if (u.kind() == StanzaKind.MESSAGE && !"error".equals(type) && from != null) {
                    XmlElement again = stanza.withAttribute("to", bare);
                    services.routerLink().forward(new RoutedStanza(StanzaKind.MESSAGE, type,
                            stanza.attribute("id"), from, bare, services.nodeId(), sessionId, u.ingressMicros(),
                            again.toBytes()), lost -> services.metrics().smUnackedHandled("lost", 1));
                    rerouted++;
                } else if (u.kind() == StanzaKind.IQ && ("get".equals(type) || "set".equals(type)) && from != null) {
                    XmlElement error = StanzaError.errorReply(stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE,
                            "the recipient's session ended before it handled the request")
                            .withAttribute("from", fullJid.toString());
                    services.routerLink().forward(new RoutedStanza(StanzaKind.IQ, "error", stanza.attribute("id"),
                            fullJid.toString(), from, services.nodeId(), sessionId,
                            ConnectorMetrics.currentMicros(), error.toBytes()), lost -> { /* the requester is told by its own timeout */ });
                    bounced++;
                } else {
                    dropped++;
                }
            } catch (RuntimeException e) {
                LOG.warn("[{}] could not handle an unacknowledged stanza: {}", sessionId, e.toString());
                dropped++;
            }
        }
        services.metrics().smUnackedHandled("rerouted", rerouted);
        services.metrics().smUnackedHandled("bounced", bounced);
        services.metrics().smUnackedHandled("dropped", dropped);
    }

    /**
     * The session id, a dot and 144 random bits: the session id lets any connector find the node
     * holding the session through the directory (after authentication, under the user's own JID);
     * the random part makes the id unguessable.
     */
    private static String newResumptionId(String sessionId) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return sessionId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The session id a resumption id names, or null when it is not one of ours. */
    public static String sessionOf(String resumptionId) {
        int dot = resumptionId == null ? -1 : resumptionId.lastIndexOf('.');
        return dot <= 0 ? null : resumptionId.substring(0, dot);
    }
}
