package io.switchboard.loadtest.xmpp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.switchboard.loadtest.xml.StreamSplitter;
import io.switchboard.loadtest.xml.XmlElement;
import io.switchboard.loadtest.xml.XmlParser;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One simulated XMPP client over TCP (RFC 6120): a Netty channel on the event loop it is given,
 * the stream negotiation (STARTTLS, SASL, resource binding) as asynchronous steps, and the routing
 * of everything the server sends. Nothing blocks: each step returns a future that completes on the
 * event loop, which in a Gatling run is the virtual user's own, so an action can hand the session on
 * from the callback.
 *
 * <p>All methods must be called on the event loop (use {@link #onLoop} from elsewhere). Every step
 * fails after the configured timeout with an {@link XmppException}.
 */
public final class XmppTcpClient {
    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final EventLoop loop;
    private final ChannelFactory<? extends Channel> channelFactory;
    private final String domain;
    private final long timeoutMillis;
    private final StreamSplitter splitter = new StreamSplitter(new StreamEvents());
    private final Map<String, CompletableFuture<XmlElement>> iqs = new HashMap<>(4);
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private XmppListener listener = XmppListener.NONE;
    private Channel channel;
    private XmlElement features;
    private CompletableFuture<XmlElement> negotiation;
    private CompletableFuture<XmlElement> ownPresence;
    private String boundJid;
    private String lostReason;
    private boolean closing;
    private long lastReadMicros;
    private int nextId;
    private ScheduledFuture<?> keepalive;

    public XmppTcpClient(EventLoop loop, ChannelFactory<? extends Channel> channelFactory, String domain,
                         long timeoutMillis) {
        this.loop = loop;
        this.channelFactory = channelFactory;
        this.domain = domain;
        this.timeoutMillis = timeoutMillis;
    }

    public EventLoop loop() {
        return loop;
    }

    public String domain() {
        return domain;
    }

    public void listener(XmppListener listener) {
        this.listener = listener == null ? XmppListener.NONE : listener;
    }

    /** The full JID the server bound, after {@link #bind}. */
    public String jid() {
        return boundJid;
    }

    public XmlElement features() {
        return features;
    }

    /** Open and usable: not closing, and not failed (a stream error ends it even before the socket closes). */
    public boolean isConnected() {
        return channel != null && channel.isActive() && !closing && lostReason == null;
    }

    /** Completes when the connection is gone, whoever closed it. */
    public CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** Runs {@code step} on this client's event loop and completes the returned future there. */
    public <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> step) {
        if (loop.inEventLoop()) {
            return step.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> step.get().whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(v);
            }
        }));
        return result;
    }

    // ---- steps ----------------------------------------------------------------------------------

    /** TCP connect, stream header out, stream features in (RFC 6120 §4.2, §4.3). */
    public CompletableFuture<XmlElement> connect(InetSocketAddress remote, InetSocketAddress local) {
        CompletableFuture<XmlElement> result = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(loop).channelFactory(channelFactory)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new Inbound());
        if (local != null) {
            // Several connections per local address and port range: let a port in TIME_WAIT be taken again.
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture cf = local == null ? b.connect(remote) : b.connect(remote, local);
        channel = cf.channel();
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new XmppException("connect failed: " + XmppException.describe(f.cause())));
                return;
            }
            restartStream().whenComplete((features, e) -> complete(result, features, e));
        });
        return result;
    }

    /** RFC 6120 §5.4: STARTTLS, the TLS handshake, and the restarted stream's features. */
    public CompletableFuture<XmlElement> startTls() {
        if (features == null || features.child("starttls", Stanzas.NS_TLS) == null) {
            return failed("server offers no STARTTLS");
        }
        write(Stanzas.STARTTLS);
        return nextNegotiationElement("starttls").thenCompose(reply -> {
            if (!reply.localName().equals("proceed")) {
                return failed("STARTTLS refused: " + reply.localName());
            }
            splitter.reset();
            InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
            SslHandler tls = ClientTls.context().newHandler(channel.alloc(), domain, remote.getPort());
            channel.pipeline().addFirst("tls", tls);
            CompletableFuture<XmlElement> done = new CompletableFuture<>();
            tls.handshakeFuture().addListener(h -> {
                if (!h.isSuccess()) {
                    done.completeExceptionally(new XmppException("TLS handshake failed: "
                            + XmppException.describe(h.cause())));
                    return;
                }
                restartStream().whenComplete((f, e) -> complete(done, f, e));
            });
            return done;
        });
    }

    /**
     * SASL (RFC 6120 §6) with the first of {@code preference} that the server offers: SCRAM-SHA-256,
     * SCRAM-SHA-1 or PLAIN; then the stream restart. Returns the mechanism used.
     */
    public CompletableFuture<String> authenticate(String user, String password, List<String> preference) {
        XmlElement mechanisms = features == null ? null : features.child("mechanisms", Stanzas.NS_SASL);
        if (mechanisms == null) {
            return failed("server offers no SASL");
        }
        List<String> offered = new ArrayList<>();
        for (XmlElement m : mechanisms.childrenNamed("mechanism")) {
            offered.add(m.text().trim());
        }
        String chosen = preference.stream().filter(offered::contains).findFirst().orElse(null);
        if (chosen == null) {
            return failed("no common SASL mechanism (offered " + offered + ")");
        }
        CompletableFuture<Void> exchange;
        if (chosen.equals("PLAIN")) {
            write(Stanzas.auth("PLAIN", Stanzas.plainMessage(user, password)));
            exchange = nextNegotiationElement("sasl").thenCompose(this::expectSuccess).thenAccept(data -> {
            });
        } else {
            Scram scram = new Scram(Scram.Algorithm.forMechanism(chosen), user, password);
            write(Stanzas.auth(chosen, scram.clientFirst()));
            exchange = nextNegotiationElement("sasl").thenCompose(challenge -> {
                if (!challenge.localName().equals("challenge")) {
                    return failed(saslFailure(challenge));
                }
                write(Stanzas.saslResponse(scram.clientFinal(Stanzas.unbase64(challenge.text()))));
                return nextNegotiationElement("sasl");
            }).thenCompose(reply -> {
                if (reply.localName().equals("challenge")) {
                    // RFC 6120 §6.4.6 allows the server-final-message in a challenge, answered empty.
                    if (!scram.verifyServerFinal(Stanzas.unbase64(reply.text()))) {
                        return failed("server signature mismatch");
                    }
                    write("<response xmlns='" + Stanzas.NS_SASL + "'/>");
                    return nextNegotiationElement("sasl").thenCompose(this::expectSuccess).thenApply(x -> (Void) null);
                }
                return expectSuccess(reply).thenCompose(data -> data.isEmpty() || scram.verifyServerFinal(data)
                        ? CompletableFuture.<Void>completedFuture(null) : failed("server signature mismatch"));
            });
        }
        return exchange.thenCompose(v -> {
            splitter.reset();
            return restartStream();
        }).thenApply(f -> chosen);
    }

    private CompletableFuture<String> expectSuccess(XmlElement reply) {
        if (!reply.localName().equals("success")) {
            return failed(saslFailure(reply));
        }
        return CompletableFuture.completedFuture(Stanzas.unbase64(reply.text()));
    }

    private static String saslFailure(XmlElement reply) {
        if (reply.localName().equals("failure") && !reply.children().isEmpty()) {
            return "SASL failure: " + reply.children().get(0).localName();
        }
        return "SASL: unexpected " + reply.localName();
    }

    /** RFC 6120 §7: binds {@code resource}; also establishes a session where the server still asks for it. */
    public CompletableFuture<String> bind(String resource) {
        if (features == null || features.child("bind", Stanzas.NS_BIND) == null) {
            return failed("server offers no resource binding");
        }
        boolean sessionRequired = features.child("session", Stanzas.NS_SESSION) != null
                && features.child("session", Stanzas.NS_SESSION).child("optional") == null;
        return iq(id -> Stanzas.bind(id, resource)).thenCompose(result -> {
            XmlElement jid = result.find("jid");
            if (jid == null) {
                return failed("bind result without a JID");
            }
            boundJid = jid.text().trim();
            if (!sessionRequired) {
                return CompletableFuture.completedFuture(boundJid);
            }
            return iq(Stanzas::session).thenApply(r -> boundJid);
        });
    }

    /**
     * RFC 6121 §4.2: sends initial presence (or any broadcast presence) and completes when the server
     * reflects it back to this resource, which §4.2.2 requires.
     */
    public CompletableFuture<XmlElement> presenceAndEcho(String presence) {
        if (lostReason != null) {
            return failed(lostReason);
        }
        if (ownPresence != null) {
            return failed("a presence echo is already awaited");
        }
        CompletableFuture<XmlElement> echo = timed(new CompletableFuture<>(), "presence echo");
        ownPresence = echo;
        echo.whenComplete((p, e) -> ownPresence = null);
        write(presence);
        return echo;
    }

    /** Sends an iq built around a fresh id and completes with the result (or fails on an error reply). */
    public CompletableFuture<XmlElement> iq(java.util.function.Function<String, String> stanzaForId) {
        if (lostReason != null) {
            return failed(lostReason);
        }
        String id = "c" + (++nextId);
        CompletableFuture<XmlElement> reply = timed(new CompletableFuture<>(), "iq reply");
        iqs.put(id, reply);
        reply.whenComplete((r, e) -> iqs.remove(id));
        write(stanzaForId.apply(id));
        return reply;
    }

    /** A fresh stanza id for stanzas that expect no reply. */
    public String newId() {
        return "c" + (++nextId);
    }

    /** Writes one stanza (or any XML text) and flushes it. */
    public void write(String xml) {
        if (channel == null || !channel.isActive()) {
            return;
        }
        channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), xml), channel.voidPromise());
    }

    /** Whether the socket can take more data without queueing (back-pressure for fast senders). */
    public boolean isWritable() {
        return channel != null && channel.isWritable();
    }

    /** RFC 6120 §4.6.1: a single space every {@code seconds}, so idle sessions are not timed out. */
    public void startKeepalive(long seconds) {
        if (seconds <= 0 || keepalive != null) {
            return;
        }
        keepalive = loop.scheduleAtFixedRate(() -> {
            if (isConnected()) {
                write(" ");
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    /** RFC 6120 §4.4: closes the stream, waits for the server's closing tag, then the TCP connection. */
    public CompletableFuture<Void> close() {
        if (channel == null || !channel.isActive()) {
            closed.complete(null);
            return closed;
        }
        if (!closing) {
            closing = true;
            stopKeepalive();
            write(Stanzas.STREAM_CLOSE);
            loop.schedule(() -> {
                if (channel.isActive()) {
                    channel.close();
                }
            }, CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
        return closed;
    }

    /** Drops the connection with a TCP reset and no stream close, as a crashed client or node would. */
    public void abort() {
        closing = true;
        stopKeepalive();
        if (channel != null && channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0); // RST: no TIME_WAIT left on our port
            channel.close();
        }
    }

    private void stopKeepalive() {
        if (keepalive != null) {
            keepalive.cancel(false);
            keepalive = null;
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private CompletableFuture<XmlElement> restartStream() {
        features = null;
        write(Stanzas.streamHeader(domain));
        return nextNegotiationElement("stream features").thenCompose(f -> {
            if (!f.localName().equals("features")) {
                return failed("expected stream features, got " + f.localName());
            }
            features = f;
            return CompletableFuture.completedFuture(f);
        });
    }

    /** The next first-level element that is not a stanza: features, proceed, challenge, success, ... */
    private CompletableFuture<XmlElement> nextNegotiationElement(String what) {
        if (lostReason != null) {
            return failed(lostReason);
        }
        CompletableFuture<XmlElement> next = timed(new CompletableFuture<>(), what);
        negotiation = next;
        return next;
    }

    /** Fails {@code f} (on this client's loop) if it has not completed within the step timeout. */
    public <T> CompletableFuture<T> deadline(CompletableFuture<T> f, String what) {
        return timed(f, what);
    }

    private <T> CompletableFuture<T> timed(CompletableFuture<T> f, String what) {
        ScheduledFuture<?> timer = loop.schedule(() -> {
            f.completeExceptionally(new XmppException("timeout waiting for " + what));
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        f.whenComplete((v, e) -> timer.cancel(false));
        return f;
    }

    private static <T> void complete(CompletableFuture<T> target, T value, Throwable error) {
        if (error != null) {
            target.completeExceptionally(error);
        } else {
            target.complete(value);
        }
    }

    private static <T> CompletableFuture<T> failed(String message) {
        return CompletableFuture.failedFuture(new XmppException(message));
    }

    private void onElement(String xml) {
        XmlElement e;
        try {
            e = XmlParser.parse(xml);
        } catch (RuntimeException ex) {
            lost("unparsable XML from the server");
            channel.close();
            return;
        }
        switch (e.localName()) {
            case "message" -> listener.onMessage(e, lastReadMicros);
            case "presence" -> onPresence(e);
            case "iq" -> onIq(e);
            case "error" -> {
                XmlElement condition = e.children().isEmpty() ? null : e.children().get(0);
                lost("stream error: " + (condition == null ? "?" : condition.localName()));
                channel.close();
            }
            default -> {
                CompletableFuture<XmlElement> n = negotiation;
                if (n != null) {
                    negotiation = null;
                    n.complete(e);
                }
                // anything else (e.g. XEP-0198 requests we never enabled) is ignored
            }
        }
    }

    private void onPresence(XmlElement p) {
        CompletableFuture<XmlElement> echo = ownPresence;
        if (echo != null && boundJid != null && boundJid.equals(p.attribute("from"))) {
            echo.complete(p);
        }
        listener.onPresence(p, lastReadMicros);
    }

    private void onIq(XmlElement iq) {
        String type = iq.attribute("type");
        String id = iq.attribute("id");
        if ("result".equals(type) || "error".equals(type)) {
            CompletableFuture<XmlElement> waiting = id == null ? null : iqs.remove(id);
            if (waiting != null) {
                if ("error".equals(type)) {
                    XmlElement error = iq.child("error");
                    String condition = error == null || error.children().isEmpty() ? "?"
                            : error.children().get(0).localName();
                    waiting.completeExceptionally(new XmppException("iq error: " + condition));
                } else {
                    waiting.complete(iq);
                }
            }
            return;
        }
        XmlElement query = iq.children().isEmpty() ? null : iq.children().get(0);
        String from = iq.attribute("from");
        if ("set".equals(type) && query != null && Stanzas.NS_ROSTER.equals(query.namespace())) {
            write(Stanzas.iqResult(id, from)); // RFC 6121 §2.1.6: acknowledge every push
            for (XmlElement item : query.childrenNamed("item")) {
                listener.onRosterPush(item);
            }
        } else if ("get".equals(type) && query != null && query.localName().equals("ping")) {
            write(Stanzas.iqResult(id, from)); // XEP-0199 §4.1: a server-to-client ping
        } else {
            write(Stanzas.iqServiceUnavailable(id, from));
        }
    }

    /** Records why the connection ends and fails whatever waits on it. */
    private void lost(String reason) {
        if (lostReason == null) {
            lostReason = reason;
        }
        XmppException failure = new XmppException(lostReason);
        CompletableFuture<XmlElement> n = negotiation;
        negotiation = null;
        if (n != null) {
            n.completeExceptionally(failure);
        }
        if (ownPresence != null) {
            ownPresence.completeExceptionally(failure);
        }
        for (CompletableFuture<XmlElement> f : List.copyOf(iqs.values())) {
            f.completeExceptionally(failure);
        }
        iqs.clear();
    }

    private void onInactive() {
        stopKeepalive();
        boolean expected = closing;
        lost(expected ? "connection closed" : "connection lost");
        if (!expected) {
            listener.onConnectionLost(lostReason);
        }
        closed.complete(null);
    }

    private final class StreamEvents implements StreamSplitter.Listener {
        @Override
        public void streamOpened(XmlElement header) {
            // Nothing to keep from a header (its id matters only for dialback or resumption). A server
            // that gives up on us just as we restart the stream sends its error where a header would be.
            if (header.localName().equals("error")) {
                lost("stream error");
                channel.close();
            }
        }

        @Override
        public void element(String xml) {
            onElement(xml);
        }

        @Override
        public void streamClosed() {
            if (!closing) {
                lost("server closed the stream");
            }
            channel.close();
        }
    }

    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                lastReadMicros = EpochClock.micros();
                int n = buf.readableBytes();
                byte[] target = splitter.writableBuffer(n);
                buf.readBytes(target, splitter.writeIndex(), n);
                splitter.written(n);
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lost(closing ? "connection closed" : "I/O error: " + XmppException.describe(cause));
            ctx.close();
        }
    }
}
