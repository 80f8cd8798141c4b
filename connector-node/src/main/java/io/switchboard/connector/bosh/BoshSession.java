package io.switchboard.connector.bosh;

import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.ConnectorSettings;
import io.switchboard.connector.stream.StandaloneXml;
import io.switchboard.connector.stream.StreamDecoder;
import io.switchboard.connector.stream.StreamTransport;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StreamError;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.StreamHeader;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One BOSH session (XEP-0124) carrying one XMPP stream (XEP-0206). To the stream logic it is a
 * {@link StreamTransport} like a TCP socket or a WebSocket: the same {@link XmppConnection} does
 * SASL, binding and stream management over it. What is particular to BOSH lives here:
 * <ul>
 *   <li><b>Request ids</b> (§14): requests are processed strictly in {@code rid} order; one that
 *       arrives ahead of a missing one waits for it; a repeated {@code rid} gets its response
 *       again (§14.3, a broken connection); one outside the window ends the session with
 *       {@code item-not-found}.</li>
 *   <li><b>Holding</b> (§11): up to {@code hold} requests stay open until there is something to
 *       send or {@code wait} seconds pass; a further request releases the oldest one.</li>
 *   <li><b>Acknowledgements</b> (§9): a response to an earlier request names the latest request
 *       received ({@code ack}); the client's {@code ack} tells which responses it has seen, and
 *       only those not yet seen are kept for re-sending.</li>
 *   <li><b>Overactivity</b> (§12): empty requests closer together than {@code polling} seconds
 *       while the hold is full end the session with {@code policy-violation}.</li>
 *   <li><b>Pause</b> (§10) and <b>inactivity</b>: with no request held for {@code inactivity}
 *       seconds (or the pause asked for) the session ends as a lost TCP connection would, so a
 *       XEP-0198 session stays resumable.</li>
 * </ul>
 * Everything runs on the event loop of the listener that created the session; requests arriving
 * elsewhere (another loop, or another connector node) hop onto it.
 */
final class BoshSession implements StreamTransport {
    private static final Logger LOG = LoggerFactory.getLogger(BoshSession.class);
    /** The shortest interval between empty requests when the hold is full (XEP-0124 §12). */
    static final int POLLING_SECONDS = 2;
    /** XEP-0124 §7.1 recommends clients ask for 1; more buys nothing over HTTP/1.1 keep-alive. */
    static final int MAX_HOLD = 1;
    static final String VERSION = "1.11";

    /** Where a response goes: the HTTP request itself, or the node that passed it on. */
    interface Reply {
        void send(int status, String body);
    }

    private record Held(long rid, Reply reply, long timer) {
    }

    private record Waiting(BoshRequest request, Reply reply) {
    }

    private final BoshSessions sessions;
    private final ConnectorServices services;
    private final ConnectorSettings.Bosh settings;
    private final Context context;
    private final String sid;
    private final boolean secure;
    private final String remoteAddress;
    private final Consumer<XmppConnection> opened;
    private final Consumer<XmppConnection> closed;
    private final int waitSeconds;
    private final int hold;
    private final boolean acks;
    private final ArrayDeque<Held> held = new ArrayDeque<>(2);
    private final TreeMap<Long, Waiting> waiting = new TreeMap<>();
    /** Responses not yet acknowledged by the client, kept to be sent again (§9, §14.3), by rid. */
    private final TreeMap<Long, String> sent = new TreeMap<>();
    private final List<String> output = new ArrayList<>();

    private XmppConnection connection;
    private XmppStreamParser.Listener stream;
    private StreamHeader openHeader;
    private String streamId;
    private boolean awaitingRestart;
    private long lastRid;
    private long lastRequestNanos;
    private boolean lastResponseEmpty;
    private boolean readingPaused;
    private boolean processing;
    private boolean flushScheduled;
    private boolean answerAllHeld;
    private long inactivityTimer = -1;
    private Long pauseSeconds;
    private boolean ended;
    private boolean finished;
    private String endCondition;
    /** The terminal response when no request was there to take it: the next request gets it. */
    private String finalBody;

    BoshSession(BoshSessions sessions, ConnectorServices services, Context context, String sid, boolean secure,
                String remoteAddress, BoshRequest creation, Consumer<XmppConnection> opened,
                Consumer<XmppConnection> closed) {
        this.sessions = sessions;
        this.services = services;
        this.settings = services.settings().web().bosh();
        this.context = context;
        this.sid = sid;
        this.secure = secure;
        this.remoteAddress = remoteAddress;
        this.opened = opened;
        this.closed = closed;
        this.waitSeconds = (int) Math.max(1, Math.min(creation.number("wait"), settings.maxWait().toSeconds()));
        this.hold = (int) Math.min(creation.number("hold"), MAX_HOLD);
        // §9.1: a client that will acknowledge responses says so with ack='1' in its first request.
        this.acks = creation.attributes().containsKey("ack");
        this.lastRid = creation.rid();
    }

    String sid() {
        return sid;
    }

    Context context() {
        return context;
    }

    /**
     * XEP-0124 §7.1 and XEP-0206 §3: opens the stream and answers the session creation request at
     * once, with the session's parameters and the stream features.
     */
    XmppConnection open(BoshRequest creation, Reply reply) {
        connection = new XmppConnection(services, this, context);
        opened.accept(connection); // from now on the listener's sweep enforces the stream's timeouts
        Map<String, String> header = new LinkedHashMap<>();
        putIfPresent(header, "to", creation.attributes().get("to"));
        putIfPresent(header, "version", creation.attributes().get(BoshRequest.XBOSH_VERSION));
        putIfPresent(header, "xml:lang", creation.attributes().get("xml:lang"));
        openHeader = new StreamHeader("stream", Namespaces.STREAM, Namespaces.CLIENT, header);
        lastRequestNanos = System.nanoTime();
        processing = true;
        try {
            connection.onInput(creation.bytes(), () -> {
                stream.onStreamOpen(openHeader);
                creation.children().forEach(stream::onElement);
            });
        } finally {
            processing = false;
        }
        if (ended) {
            held.addLast(new Held(creation.rid(), reply, -1));
            flush();
            return connection;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("xmlns:xmpp", Namespaces.XBOSH);
        attributes.put("xmlns:stream", Namespaces.STREAM);
        attributes.put("sid", sid);
        attributes.put("wait", Integer.toString(waitSeconds));
        attributes.put("hold", Integer.toString(hold));
        attributes.put("requests", Integer.toString(hold + 1));
        attributes.put("polling", Integer.toString(POLLING_SECONDS));
        attributes.put("inactivity", Long.toString(settings.inactivity().toSeconds()));
        attributes.put("maxpause", Long.toString(settings.maxPause().toSeconds()));
        attributes.put("ver", VERSION);
        attributes.put("from", services.settings().domain());
        if (streamId != null) {
            attributes.put("authid", streamId);
        }
        if (acks) {
            attributes.put("ack", Long.toString(creation.rid()));
        }
        attributes.put("xmpp:version", "1.0");
        attributes.put("xmpp:restartlogic", "true");
        String body = BoshBodies.body(attributes, takeOutput());
        remember(creation.rid(), body);
        reply.send(200, body);
        startInactivityTimer();
        return connection;
    }

    /** A request for this session, in whatever order it arrived (on this session's loop). */
    void handle(BoshRequest request, boolean secureRequest, Reply reply) {
        if (ended) {
            if (!finished) {
                held.addLast(new Held(lastRid, reply, -1)); // the terminal response is on its way: this one takes it
                flush();
                return;
            }
            reply.send(200, finalBody != null ? finalBody : BoshBodies.terminate("item-not-found"));
            finalBody = null;
            sessions.remove(this);
            return;
        }
        if (secure && !secureRequest) {
            // The session's traffic (SASL included) went over TLS: a plain request would leak its sid and
            // stanzas, so it is refused without ending the session the genuine client is using.
            reply.send(403, BoshBodies.terminate("policy-violation"));
            return;
        }
        connection.onTransportActivity();
        Long rid = request.rid();
        if (rid == null) {
            endWith(reply, "bad-request", StreamErrorCondition.BAD_FORMAT, "XEP-0124 §7: a request needs a valid rid");
        } else if (rid <= lastRid) {
            repeated(rid, reply);
        } else if (rid > lastRid + hold + 1) {
            // §14.2: beyond the window of 'requests' the client may have open.
            endWith(reply, "item-not-found", StreamErrorCondition.UNDEFINED_CONDITION,
                    "XEP-0124 §14.2: rid " + rid + " is outside the window (expected " + (lastRid + 1) + " to "
                            + (lastRid + hold + 1) + ")");
        } else {
            Waiting previous = waiting.put(rid, new Waiting(request, reply));
            if (previous != null) {
                previous.reply().send(200, BoshBodies.empty()); // the copy whose connection the client gave up on
            }
            drain();
        }
    }

    /** §14.3: a request sent again because its response did not arrive (or is still held). */
    private void repeated(long rid, Reply reply) {
        String response = sent.get(rid);
        if (response != null) {
            services.metrics().httpRequest("bosh-resent", 200);
            reply.send(200, response);
            return;
        }
        List<Held> open = new ArrayList<>(held);
        for (int i = 0; i < open.size(); i++) {
            Held h = open.get(i);
            if (h.rid() == rid) {
                // Still held: the new copy takes its place; the old one, whose client gave up on it, is let go.
                open.set(i, new Held(rid, reply, h.timer()));
                held.clear();
                held.addAll(open);
                h.reply().send(200, BoshBodies.empty());
                return;
            }
        }
        endWith(reply, "item-not-found", StreamErrorCondition.UNDEFINED_CONDITION,
                "XEP-0124 §14.3: the response to rid " + rid + " was acknowledged or is no longer kept");
    }

    /** Processes the requests that are next in rid order. */
    private void drain() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            cancelInactivityTimer();
            while (!ended && !readingPaused) {
                Map.Entry<Long, Waiting> next = waiting.firstEntry();
                if (next == null || next.getKey() != lastRid + 1) {
                    break;
                }
                waiting.pollFirstEntry();
                lastRid = next.getKey();
                process(lastRid, next.getValue().request(), next.getValue().reply());
            }
        } finally {
            processing = false;
        }
        flush();
    }

    private void process(long rid, BoshRequest request, Reply reply) {
        Long ack = request.number("ack");
        if (ack != null) {
            sent.headMap(ack, true).clear(); // §9.2: the client has these responses
        }
        long now = System.nanoTime();
        boolean tooSoon = now - lastRequestNanos < POLLING_SECONDS * 1_000_000_000L;
        // §12: with hold=0 an empty request right after an empty response is polling too fast; otherwise it
        // is one more empty request than 'requests' allows, all unanswered.
        boolean holdFull = hold == 0 ? lastResponseEmpty : held.size() >= hold;
        lastRequestNanos = now;
        hold(rid, reply);
        if (request.error() != null) {
            // A child broke a stream rule: the stream ends with that error, as on TCP.
            connection.onInput(request.bytes(), () -> {
                request.children().forEach(stream::onElement);
                stream.onError(request.error(), request.errorText());
            });
        } else if (request.attributes().containsKey("pause")) {
            Long pause = request.number("pause");
            if (pause == null || pause > settings.maxPause().toSeconds()) {
                endWith(null, "policy-violation", StreamErrorCondition.POLICY_VIOLATION,
                        "XEP-0124 §10: pause must be at most " + settings.maxPause().toSeconds() + " seconds");
            } else {
                // §10: every held request is answered now; the session then survives that long without one.
                pauseSeconds = pause;
                answerAllHeld = true;
            }
        } else if (request.isTerminate()) {
            connection.onInput(request.bytes(), () -> {
                request.children().forEach(stream::onElement);
                stream.onStreamClose();
            });
        } else if (request.isRestart()) {
            if (!awaitingRestart) {
                endWith(null, "bad-request", StreamErrorCondition.BAD_FORMAT,
                        "XEP-0206 §5: a stream restart is expected only after SASL success");
                return;
            }
            awaitingRestart = false;
            connection.onInput(request.bytes(), () -> {
                stream.onStreamOpen(openHeader);
                request.children().forEach(stream::onElement);
            });
        } else if (!request.children().isEmpty()) {
            if (awaitingRestart) {
                endWith(null, "bad-request", StreamErrorCondition.BAD_FORMAT,
                        "XEP-0206 §5: after SASL success the next request restarts the stream (xmpp:restart='true')");
                return;
            }
            connection.onInput(request.bytes(), () -> request.children().forEach(stream::onElement));
        } else if (holdFull && tooSoon) {
            endWith(null, "policy-violation", StreamErrorCondition.POLICY_VIOLATION, "XEP-0124 §12: empty requests"
                    + " while " + hold + " held must be at least " + POLLING_SECONDS + " seconds apart");
        }
    }

    private void hold(long rid, Reply reply) {
        long timer = services.vertx().setTimer(waitSeconds * 1000L, id -> expire(rid));
        held.addLast(new Held(rid, reply, timer));
    }

    /** §11: nothing to send within {@code wait} seconds: the request is answered empty. */
    private void expire(long rid) {
        for (Held h : held) {
            if (h.rid() == rid) {
                held.remove(h);
                respond(h, takeOutput());
                if (held.isEmpty()) {
                    startInactivityTimer();
                }
                return;
            }
        }
    }

    /** Answers held requests with what there is to send, or for the hold limit. */
    private void flush() {
        flushScheduled = false;
        if (processing) {
            return;
        }
        if (ended) {
            finish();
            return;
        }
        if (answerAllHeld) {
            answerAllHeld = false;
            while (!held.isEmpty()) {
                respond(held.pollFirst(), takeOutput());
            }
        } else {
            if (!output.isEmpty() && !held.isEmpty()) {
                respond(held.pollFirst(), takeOutput()); // the oldest: the newest stays open for what comes next
            }
            while (held.size() > hold) {
                respond(held.pollFirst(), List.of());
            }
        }
        if (held.isEmpty()) {
            startInactivityTimer();
        }
    }

    private void respond(Held h, List<String> payload) {
        services.vertx().cancelTimer(h.timer());
        Map<String, String> attributes = new LinkedHashMap<>();
        if (acks && h.rid() < lastRid) {
            // §9.2: answering an earlier request, the response says which is the latest received.
            attributes.put("ack", Long.toString(lastRid));
        }
        if (payload.stream().anyMatch(p -> p.startsWith("<stream:"))) {
            attributes.put("xmlns:stream", Namespaces.STREAM);
        }
        String body = BoshBodies.body(attributes, payload);
        lastResponseEmpty = payload.isEmpty();
        remember(h.rid(), body);
        h.reply().send(200, body);
    }

    private void remember(long rid, String body) {
        sent.put(rid, body);
        while (sent.size() > hold + 1) {
            sent.pollFirstEntry(); // the client cannot be missing it: it has sent 'requests' newer ones since
        }
    }

    /** The session is over: every open request hears it, the first one with what was still to send. */
    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        String terminal = BoshBodies.terminate(endCondition, takeOutput());
        List<Reply> replies = new ArrayList<>();
        held.forEach(h -> {
            services.vertx().cancelTimer(h.timer());
            replies.add(h.reply());
        });
        held.clear();
        waiting.values().forEach(w -> replies.add(w.reply()));
        waiting.clear();
        cancelInactivityTimer();
        if (replies.isEmpty()) {
            finalBody = terminal; // for the next request; forgotten after one wait period
            services.vertx().setTimer(waitSeconds * 1000L, id -> sessions.remove(this));
        } else {
            replies.get(0).send(200, terminal);
            String bare = BoshBodies.terminate(endCondition);
            replies.subList(1, replies.size()).forEach(r -> r.send(200, bare));
            sessions.remove(this);
        }
        closed.accept(connection);
    }

    /**
     * Ends the session for a BOSH-level reason ({@code condition}, XEP-0124 §17.2), the XMPP
     * stream with {@code streamCondition}: the session is not resumable afterwards.
     */
    private void endWith(Reply reply, String condition, StreamErrorCondition streamCondition, String text) {
        LOG.debug("[{}] BOSH session {} ends: {}", connection.connectionId(), sid, text);
        if (reply != null) {
            held.addLast(new Held(lastRid, reply, -1));
        }
        end(condition);
        connection.streamError(streamCondition, text); // its error goes nowhere: the session already ended
        if (!processing) {
            flush();
        }
    }

    private void end(String condition) {
        if (ended) {
            return;
        }
        ended = true;
        endCondition = condition;
        services.metrics().boshSessionEnded(condition == null ? "terminate" : condition);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled && !processing) {
            flushScheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    private List<String> takeOutput() {
        if (output.isEmpty()) {
            return List.of();
        }
        List<String> taken = List.copyOf(output);
        output.clear();
        return taken;
    }

    private void startInactivityTimer() {
        cancelInactivityTimer();
        long seconds = pauseSeconds != null ? Math.max(1, pauseSeconds) : settings.inactivity().toSeconds();
        pauseSeconds = null;
        inactivityTimer = services.vertx().setTimer(seconds * 1000L, id -> {
            inactivityTimer = -1;
            if (!ended && held.isEmpty()) {
                // Like a TCP connection that dropped: the stream is gone, a XEP-0198 session stays resumable.
                ended = true;
                finished = true;
                endCondition = "remote-connection-failed";
                services.metrics().boshSessionEnded("inactivity");
                waiting.values().forEach(w -> w.reply().send(200, BoshBodies.terminate(endCondition)));
                waiting.clear();
                sessions.remove(this);
                closed.accept(connection);
                connection.onTransportClosed();
            }
        });
    }

    private void cancelInactivityTimer() {
        if (inactivityTimer >= 0) {
            services.vertx().cancelTimer(inactivityTimer);
            inactivityTimer = -1;
        }
    }

    // ---- StreamTransport --------------------------------------------------------------------

    @Override
    public StreamDecoder decoder(ParserLimits limits, XmppStreamParser.Listener listener) {
        this.stream = listener;
        return new StreamDecoder() {
            @Override
            public void feed(byte[] data, int offset, int length) {
                throw new UnsupportedOperationException("BOSH requests are parsed as whole bodies");
            }

            @Override
            public void restart() {
                awaitingRestart = true; // XEP-0206 §5: the client's next request carries xmpp:restart='true'
            }
        };
    }

    @Override
    public void sendStreamHeader(String from, String streamId, String lang) {
        if (this.streamId == null) {
            this.streamId = streamId; // XEP-0206 §3: the creation response's authid
        }
    }

    @Override
    public void sendElement(XmlElement element) {
        queue(StandaloneXml.element(element));
    }

    @Override
    public void sendStanza(byte[] xml) {
        queue(StandaloneXml.stanza(xml));
    }

    private void queue(String xml) {
        if (!ended) {
            output.add(xml);
            scheduleFlush();
        }
    }

    @Override
    public void sendStreamErrorAndClose(StreamErrorCondition condition, String text) {
        sendStreamErrorAndClose(condition, text, null);
    }

    /** XEP-0206 §7: a stream error ends the session with condition 'remote-stream-error' and the error inside. */
    @Override
    public void sendStreamErrorAndClose(StreamErrorCondition condition, String text, XmlElement applicationSpecific) {
        if (!ended) {
            output.add(StandaloneXml.element(StreamError.element(condition, text, applicationSpecific)));
            end("remote-stream-error");
        }
    }

    /** The stream closed normally (the client's terminate request, or the server's shutdown). */
    @Override
    public void sendStreamCloseAndClose() {
        end(null);
    }

    @Override
    public void sendKeepAlive() {
        // An empty response after 'wait' seconds is BOSH's keepalive.
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public boolean supportsStartTls() {
        return false;
    }

    @Override
    public Future<Void> startTls(XmlElement proceed) {
        return Future.failedFuture(new IllegalStateException("BOSH is secured by HTTPS, not STARTTLS"));
    }

    @Override
    public void close() {
        end("undefined-condition");
    }

    @Override
    public void pauseReading() {
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        if (readingPaused) {
            readingPaused = false;
            drain();
        }
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String transportName() {
        return "bosh";
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
