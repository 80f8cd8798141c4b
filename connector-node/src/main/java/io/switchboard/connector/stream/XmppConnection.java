package io.switchboard.connector.stream;

import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.connector.ConnectionHandle;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.ConnectorSettings;
import io.switchboard.connector.bind.ResourceBinder;
import io.switchboard.connector.limits.RateLimiter;
import io.switchboard.connector.sasl.SaslNegotiator;
import io.switchboard.connector.sm.SessionHandover;
import io.switchboard.connector.sm.SmElements;
import io.switchboard.connector.sm.StreamManagement;
import io.switchboard.connector.stanza.StanzaForwarder;
import io.switchboard.protocol.error.StanzaError;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.ParserLimits;
import io.switchboard.protocol.xml.StreamHeader;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.protocol.xml.XmppStreamParser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;

/**
 * One client stream (RFC 6120): feeds bytes to the parser and hands each event to the handler
 * for the current phase — STARTTLS, SASL, resource binding, then stanza forwarding. Everything
 * here runs on the connection's event loop; {@link ConnectionHandle} methods hop onto it.
 */
public final class XmppConnection implements XmppStreamParser.Listener, ConnectionHandle {
    private static final Logger LOG = LoggerFactory.getLogger(XmppConnection.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_HELD_WHILE_BINDING = 64;

    /** Where the stream negotiation stands. */
    public enum Phase { AWAIT_HEADER, NEGOTIATING, AUTHENTICATED, BOUND, CLOSED }

    private final ConnectorServices services;
    private final StreamTransport transport;
    private final Context context;
    private final String connectionId;
    private final StreamDecoder decoder;
    private final RateLimiter rateLimiter;
    private final SaslNegotiator sasl;
    private final StanzaForwarder forwarder;
    private final long openedAtNanos = System.nanoTime();

    private Phase phase = Phase.AWAIT_HEADER;
    private boolean headerSent;
    private boolean tlsInProgress;
    private boolean inFeed;
    private boolean restartPending;
    private boolean discardUntilRestart;
    private boolean rateLimited;
    private String lang = "en";
    private Jid user;
    private Jid boundJid;
    private long lastReadNanos = openedAtNanos;
    private long lastKeepAliveNanos = openedAtNanos;
    private int pendingPreAuthRequests;
    private List<XmlElement> heldWhileBinding;
    /** XEP-0198: set once {@code <enable/>} succeeded or {@code <resume/>} attached this stream to a session. */
    private StreamManagement sm;
    /** The id the directory and routers know the session by: this connection's, or a resumed session's. */
    private String sessionId;
    /** The session moved to a newer stream (XEP-0198 resumption): closing this one must not end it. */
    private boolean sessionHandedOver;
    /** A clean close or a stream error ends a XEP-0198 session; only a lost connection keeps it resumable. */
    private boolean terminateOnClose;
    private List<XmlElement> heldWhileResuming;

    public XmppConnection(ConnectorServices services, StreamTransport transport, Context context) {
        this.services = services;
        this.transport = transport;
        this.context = context;
        this.connectionId = services.nextConnectionId();
        this.sessionId = connectionId;
        ConnectorSettings s = services.settings();
        this.decoder = transport.decoder(new ParserLimits(s.maxStanzaBytes(), s.maxXmlDepth()), this);
        this.rateLimiter = new RateLimiter(s.rateBytesPerSecond(), s.rateBurstBytes());
        this.sasl = new SaslNegotiator(this, services);
        this.forwarder = new StanzaForwarder(this, services);
        services.register(connectionId, this);
        services.metrics().connectionOpened(transport.transportName());
    }

    // ---- transport events -------------------------------------------------------------------

    /** Bytes from the transport: a chunk of a TCP stream or one WebSocket message. */
    public void onData(Buffer data) {
        byte[] bytes = data.getBytes();
        onInput(bytes.length, () -> decoder.feed(bytes, 0, bytes.length));
    }

    /**
     * Input a transport parsed itself (a BOSH request's children, XEP-0206): {@code events} hands
     * them to this connection's listener methods. The same accounting as {@link #onData}: idle
     * time, the byte rate limit, and the stream restart that SASL success asks for.
     */
    public void onInput(int byteCount, Runnable events) {
        if (phase == Phase.CLOSED) {
            return;
        }
        long now = System.nanoTime();
        lastReadNanos = now;
        inFeed = true;
        try {
            events.run();
        } catch (RuntimeException e) {
            LOG.warn("[{}] unexpected failure while processing input", connectionId, e);
            streamError(StreamErrorCondition.INTERNAL_SERVER_ERROR, null);
        } finally {
            inFeed = false;
        }
        if (restartPending) {
            restartPending = false;
            restartStream();
        }
        long pauseMillis = rateLimiter.consume(byteCount, now);
        if (pauseMillis > 0 && phase != Phase.CLOSED && !rateLimited) {
            rateLimited = true;
            transport.pauseReading();
            services.vertx().setTimer(pauseMillis, id -> {
                rateLimited = false;
                if (phase != Phase.CLOSED && !tlsInProgress) {
                    transport.resumeReading();
                }
            });
        }
    }

    /**
     * The transport saw the client alive without stream data (a WebSocket pong, RFC 6455 §5.5.3):
     * like a read, it keeps the connection from the idle timeout.
     */
    public void onTransportActivity() {
        lastReadNanos = System.nanoTime();
    }

    /** The socket closed, for whatever reason. */
    public void onTransportClosed() {
        if (phase == Phase.CLOSED) {
            return;
        }
        Phase last = phase;
        phase = Phase.CLOSED;
        services.unregister(connectionId, this);
        services.limiter().release();
        services.metrics().connectionClosed(transport.transportName());
        if (last == Phase.BOUND && !sessionHandedOver) {
            if (sm != null) {
                sm.connectionLost(this, !terminateOnClose);
            } else {
                forwarder.sessionEnded(boundJid);
            }
        }
        LOG.debug("[{}] closed ({})", connectionId, boundJid != null ? boundJid : "not bound");
    }

    // ---- parser events ----------------------------------------------------------------------

    @Override
    public void onStreamOpen(StreamHeader header) {
        if (!"stream".equals(header.name()) || !Namespaces.STREAM.equals(header.namespace())) {
            streamError(StreamErrorCondition.INVALID_NAMESPACE, "the stream element must be "
                    + "{http://etherx.jabber.org/streams}stream");
            return;
        }
        if (!Namespaces.CLIENT.equals(header.defaultNamespace())) {
            streamError(StreamErrorCondition.INVALID_NAMESPACE, "this port serves jabber:client streams");
            return;
        }
        String domain = services.settings().domain();
        if (header.to() != null) {
            Jid to = Jid.tryParse(header.to()).orElse(null);
            if (to == null || !to.isDomainJid() || !to.domain().equals(domain)) {
                streamError(StreamErrorCondition.HOST_UNKNOWN, "this server does not serve " + header.to());
                return;
            }
        }
        if (header.version() == null || !versionAtLeastOne(header.version())) {
            streamError(StreamErrorCondition.UNSUPPORTED_VERSION, "XMPP 1.0 streams only");
            return;
        }
        if (header.lang() != null && !header.lang().isBlank()) {
            lang = header.lang();
        }
        sendHeader();
        if (phase == Phase.AWAIT_HEADER) {
            phase = user == null ? Phase.NEGOTIATING : Phase.AUTHENTICATED;
        }
        transport.sendElement(StreamFeatures.advertise(this, services.settings()));
    }

    @Override
    public void onElement(XmlElement element) {
        if (phase == Phase.CLOSED || discardUntilRestart) {
            return;
        }
        if (heldWhileResuming != null) {
            // Pipelined behind <resume/>: processed once the session is attached (or the resume failed).
            if (heldWhileResuming.size() >= MAX_HELD_WHILE_BINDING) {
                streamError(StreamErrorCondition.POLICY_VIOLATION, "too many elements before resumption completed");
            } else {
                heldWhileResuming.add(element);
            }
            return;
        }
        boolean smElement = SmElements.NS.equals(element.namespace());
        if (phase == Phase.BOUND) {
            if (smElement) {
                handleStreamManagement(element);
                return;
            }
            if (sm != null) {
                sm.inboundHandled();
            }
            forwarder.handle(element);
            return;
        }
        if (phase == Phase.AUTHENTICATED) {
            if (heldWhileBinding != null) {
                // A pipelining client sent stanzas right behind its bind request: hold them until
                // the bind completes, then process them in order.
                if (heldWhileBinding.size() >= MAX_HELD_WHILE_BINDING) {
                    streamError(StreamErrorCondition.POLICY_VIOLATION, "too many stanzas before bind completed");
                } else {
                    heldWhileBinding.add(element);
                }
            } else if (ResourceBinder.isBindRequest(element)) {
                heldWhileBinding = new ArrayList<>(4);
                ResourceBinder.bind(this, services, element);
            } else if (smElement) {
                handleStreamManagement(element);
            } else {
                streamError(StreamErrorCondition.NOT_AUTHORIZED, "bind a resource before sending stanzas");
            }
            return;
        }
        // Pre-authentication: STARTTLS, SASL and in-band registration only (RFC 6120 §5, §6; XEP-0077).
        String ns = element.namespace();
        if (Namespaces.TLS.equals(ns) && "starttls".equals(element.name())) {
            startTls();
        } else if (mustNegotiateTlsFirst()) {
            streamError(StreamErrorCondition.POLICY_VIOLATION, "STARTTLS is required before anything else");
        } else if (Namespaces.SASL.equals(ns)) {
            sasl.handle(element);
        } else if (smElement) {
            smFailed(element.name(), StanzaErrorCondition.UNEXPECTED_REQUEST, null); // XEP-0198 §3, §5
        } else if (isPreAuthRegistration(element) && !transport.isSecure()) {
            // XEP-0077 §8: the password would cross the wire in the clear, like SASL PLAIN.
            send(StanzaError.errorReply(element, StanzaErrorCondition.POLICY_VIOLATION,
                    "in-band registration requires TLS: negotiate STARTTLS first")
                    .withoutAttribute("from").withoutAttribute("to"));
        } else if (isPreAuthRegistration(element)) {
            pendingPreAuthRequests++;
            forwarder.forwardPreAuth(element);
        } else {
            streamError(StreamErrorCondition.NOT_AUTHORIZED, "authenticate first");
        }
    }

    @Override
    public void onStreamClose() {
        // Clean shutdown (RFC 6120 §4.4): answer with our own closing tag, then close. It also ends a
        // XEP-0198 session for good (XEP-0198 §7).
        terminateOnClose = true;
        transport.sendStreamCloseAndClose();
        onTransportClosed();
    }

    @Override
    public void onError(StreamErrorCondition condition, String text) {
        streamError(condition, text);
    }

    // ---- negotiation steps ------------------------------------------------------------------

    private void startTls() {
        if (!transport.supportsStartTls() || services.settings().startTls() == ConnectorSettings.StartTlsPolicy.DISABLED) {
            streamError(StreamErrorCondition.POLICY_VIOLATION, "STARTTLS is not available on this stream");
            return;
        }
        // Anything the client pipelined after <starttls/> is plaintext and must not be processed.
        discardUntilRestart = true;
        tlsInProgress = true;
        transport.startTls(XmlElement.of("proceed", Namespaces.TLS)).onComplete(result -> {
            tlsInProgress = false;
            if (result.failed()) {
                LOG.debug("[{}] TLS handshake failed: {}", connectionId, result.cause().toString());
                transport.close();
                onTransportClosed();
                return;
            }
            restartStream();
            if (!rateLimited) {
                transport.resumeReading();
            }
        });
    }

    /** SASL succeeded: the client restarts the stream (RFC 6120 §6.4.6). */
    public void authenticated(Jid bareJid) {
        this.user = bareJid;
        this.discardUntilRestart = true;
        if (inFeed) {
            restartPending = true;
        } else {
            restartStream();
        }
    }

    private void restartStream() {
        decoder.restart();
        discardUntilRestart = false;
        phase = Phase.AWAIT_HEADER;
    }

    /** Resource binding succeeded (RFC 6120 §7). */
    public void bound(Jid fullJid) {
        this.boundJid = fullJid;
        this.phase = Phase.BOUND;
        LOG.debug("[{}] bound {}", connectionId, fullJid);
        replayHeld();
    }

    /** Resource binding failed and was answered with an IQ error; the client may try again. */
    public void bindFailed() {
        replayHeld();
    }

    private void replayHeld() {
        List<XmlElement> held = heldWhileBinding;
        heldWhileBinding = null;
        if (held != null) {
            for (XmlElement element : held) {
                onElement(element);
            }
        }
    }

    // ---- XEP-0198 stream management ------------------------------------------------------------

    private void handleStreamManagement(XmlElement element) {
        switch (element.name()) {
            case "enable" -> {
                if (phase != Phase.BOUND || sm != null) {
                    // XEP-0198 §3: not before resource binding, and at most once per stream.
                    smFailed("enable", StanzaErrorCondition.UNEXPECTED_REQUEST, null);
                } else {
                    sm = StreamManagement.enable(this, services, element);
                }
            }
            case "resume" -> {
                if (phase != Phase.AUTHENTICATED || sm != null) {
                    // XEP-0198 §5: after authentication, instead of binding a resource.
                    smFailed("resume", StanzaErrorCondition.UNEXPECTED_REQUEST, null);
                } else {
                    resume(element);
                }
            }
            case "r" -> {
                if (sm == null) {
                    smFailed("r", StanzaErrorCondition.UNEXPECTED_REQUEST, null);
                } else {
                    sm.ackRequested();
                }
            }
            case "a" -> {
                if (sm == null) {
                    smFailed("a", StanzaErrorCondition.UNEXPECTED_REQUEST, null);
                } else {
                    sm.acknowledged(this, SmElements.parseH(element.attribute("h")));
                }
            }
            default -> streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE,
                    "unsupported element <" + element.name() + "/> in " + SmElements.NS);
        }
    }

    private void resume(XmlElement element) {
        String previd = element.attribute("previd");
        Long h = SmElements.parseH(element.attribute("h"));
        if (previd == null || h == null) {
            smFailed("resume", StanzaErrorCondition.BAD_REQUEST, null);
            return;
        }
        StreamManagement session = services.resumable(previd);
        Future<Void> resumed;
        if (session != null) {
            // The id is bound to the account: another user learns nothing, not even that it exists.
            if (!session.fullJid().bare().equals(user)) {
                smFailed("resume", StanzaErrorCondition.ITEM_NOT_FOUND, null);
                return;
            }
            resumed = session.resume(this, h);
        } else {
            // Not held here: perhaps by another connector node (the client reconnected elsewhere).
            resumed = SessionHandover.takeOver(services, this, previd, h);
        }
        heldWhileResuming = new ArrayList<>(4);
        resumed.onComplete(result -> {
            List<XmlElement> held = heldWhileResuming;
            heldWhileResuming = null;
            if (phase == Phase.CLOSED) {
                return;
            }
            if (result.failed()) {
                if (result.cause() instanceof StreamManagement.ResumeFailure f) {
                    smFailed("resume", f.condition(), f.h());
                } else {
                    LOG.warn("[{}] resumption failed", connectionId, result.cause());
                    smFailed("resume", StanzaErrorCondition.INTERNAL_SERVER_ERROR, null);
                }
            }
            for (XmlElement e : held) {
                onElement(e);
            }
        });
    }

    private void smFailed(String request, StanzaErrorCondition condition, Long h) {
        services.metrics().smFailed(request, condition.elementName());
        transport.sendElement(SmElements.failed(condition, h));
    }

    /** XEP-0198 §5: this stream now carries a resumed session (called by the session, on this loop). */
    public void adoptResumedSession(StreamManagement session, boolean available) {
        this.sm = session;
        this.sessionId = session.sessionId();
        this.boundJid = session.fullJid();
        this.phase = Phase.BOUND;
        forwarder.restoreAvailable(available);
        LOG.debug("[{}] resumed {} (session {})", connectionId, boundJid, sessionId);
    }

    /** The session was resumed on another stream: this one closes without ending it. */
    public void handOverSession() {
        this.sessionHandedOver = true;
        this.sm = null;
    }

    private static boolean isStanza(XmlElement element) {
        return Namespaces.CLIENT.equals(element.namespace()) && StanzaKind.ofElement(element.name()) != null;
    }

    private boolean mustNegotiateTlsFirst() {
        return !transport.isSecure() && transport.supportsStartTls()
                && services.settings().startTls() == ConnectorSettings.StartTlsPolicy.REQUIRED;
    }

    private boolean isPreAuthRegistration(XmlElement element) {
        return services.settings().inBandRegistration() && "iq".equals(element.name())
                && Namespaces.CLIENT.equals(element.namespace())
                && element.child("query", Namespaces.REGISTER) != null;
    }

    // ---- output -----------------------------------------------------------------------------

    private void sendHeader() {
        headerSent = true;
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        transport.sendStreamHeader(services.settings().domain(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(id), lang);
    }

    /** Ends the stream with an error (RFC 6120 §4.9); the connection alone pays for it. */
    public void streamError(StreamErrorCondition condition, String text) {
        streamError(condition, text, null);
    }

    /** As {@link #streamError(StreamErrorCondition, String)}, with an application-specific condition. */
    public void streamError(StreamErrorCondition condition, String text, XmlElement applicationSpecific) {
        if (phase == Phase.CLOSED) {
            return;
        }
        // A XEP-0198 session survives only a silent link (idle timeout): other errors end it.
        if (condition != StreamErrorCondition.CONNECTION_TIMEOUT) {
            terminateOnClose = true;
        }
        if (!headerSent) {
            sendHeader(); // RFC 6120 §4.9.1.2: open our stream before reporting an error
        }
        services.metrics().streamError(transport.transportName(), condition.elementName());
        LOG.debug("[{}] stream error {}: {}", connectionId, condition.elementName(), text);
        transport.sendStreamErrorAndClose(condition, text, applicationSpecific);
        onTransportClosed();
    }

    public void send(XmlElement element) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (sm != null && isStanza(element)) {
            sm.sendLocal(StanzaKind.ofElement(element.name()), element.toBytes(Namespaces.CLIENT)); // counted, queued
        } else {
            transport.sendElement(element);
        }
    }

    // ---- ConnectionHandle: called from any thread ----------------------------------------------

    @Override
    public void deliver(Delivery delivery) {
        context.runOnContext(v -> deliverOnLoop(delivery));
    }

    @Override
    public Future<Void> deliverConfirmed(Delivery delivery) {
        Promise<Void> written = Promise.promise();
        context.runOnContext(v -> {
            if (deliverOnLoop(delivery)) {
                written.complete();
            } else {
                written.fail("connection " + connectionId + " is gone");
            }
        });
        return written.future();
    }

    private boolean deliverOnLoop(Delivery delivery) {
        if (sm != null && phase == Phase.BOUND) {
            return sm.deliverOnOwner(delivery); // queued before XEP-0198 was enabled: count it now
        }
        boolean preAuthReply = delivery.kind() == StanzaKind.IQ && pendingPreAuthRequests > 0;
        if (phase == Phase.CLOSED || (phase != Phase.BOUND && !preAuthReply)) {
            services.metrics().deliveryDropped("connection-gone");
            return false;
        }
        if (phase != Phase.BOUND) {
            pendingPreAuthRequests--;
        }
        transport.sendStanza(delivery.xml());
        services.metrics().stanzaOut(transport.transportName(), delivery.kind());
        services.metrics().delivered(delivery.ingressMicros());
        return true;
    }

    @Override
    public void closeWithError(StreamErrorCondition condition, String text) {
        context.runOnContext(v -> streamError(condition, text));
    }

    // ---- periodic checks (called on the connection's loop by the sweeper) ----------------------

    /** Enforces the handshake and idle timeouts and sends whitespace keepalives on quiet links. */
    public void checkTimeouts(long nowNanos) {
        if (phase == Phase.CLOSED) {
            return;
        }
        ConnectorSettings s = services.settings();
        if (phase != Phase.BOUND && nowNanos - openedAtNanos > s.handshakeTimeout().toNanos()) {
            streamError(StreamErrorCondition.CONNECTION_TIMEOUT, "stream negotiation took too long");
        } else if (nowNanos - lastReadNanos > s.idleTimeout().toNanos()) {
            streamError(StreamErrorCondition.CONNECTION_TIMEOUT, "idle for too long");
        } else if (phase == Phase.BOUND && nowNanos - lastReadNanos > s.keepAliveInterval().toNanos()
                && nowNanos - lastKeepAliveNanos > s.keepAliveInterval().toNanos()) {
            lastKeepAliveNanos = nowNanos;
            transport.sendKeepAlive();
        }
        if (phase == Phase.BOUND && sm != null) {
            sm.periodic(nowNanos);
        }
    }

    // ---- accessors for the phase handlers ------------------------------------------------------

    public String connectionId() {
        return connectionId;
    }

    /** The session's id in the directory: this connection's own, or that of the session it resumed. */
    public String sessionId() {
        return sessionId;
    }

    public StanzaForwarder forwarder() {
        return forwarder;
    }

    public Context context() {
        return context;
    }

    public StreamTransport transport() {
        return transport;
    }

    public Phase phase() {
        return phase;
    }

    public boolean isSecure() {
        return transport.isSecure();
    }

    public Jid user() {
        return user;
    }

    public Jid boundJid() {
        return boundJid;
    }

    public String lang() {
        return lang;
    }

    private static boolean versionAtLeastOne(String version) {
        int dot = version.indexOf('.');
        try {
            int major = Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
            return major >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
