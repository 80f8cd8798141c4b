package io.switchboard.connector.bosh;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.StandaloneXml;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StreamError;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.ParserLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This connector node's BOSH sessions, by sid. A session lives on the node that created it (its
 * stream state is there), but behind a load balancer any request may land on any node: the sid
 * names its node, and a request for another node's session is passed to that node over the event
 * bus ({@code connector.<nodeId>.bosh}) and its response passed back. When that node has left the
 * cluster the client hears {@code item-not-found} (XEP-0124 §17.2) and starts a new session.
 */
public final class BoshSessions {
    private static final Logger LOG = LoggerFactory.getLogger(BoshSessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Longer than any request is held, so a forwarded request's answer is never cut short. */
    private static final long FORWARD_MARGIN_MS = 15_000;

    private final ConnectorServices services;
    private final Map<String, BoshSession> sessions = new ConcurrentHashMap<>();
    private final ParserLimits limits;
    private final int maxBodyBytes;

    public BoshSessions(ConnectorServices services) {
        this.services = services;
        this.limits = new ParserLimits(services.settings().maxStanzaBytes(), services.settings().maxXmlDepth());
        // A body may batch several stanzas, each within the stanza limit.
        this.maxBodyBytes = 4 * services.settings().maxStanzaBytes();
    }

    /** The address a node takes requests for its sessions on, from other nodes. */
    static String address(String nodeId) {
        return Addresses.connector(nodeId) + ".bosh";
    }

    /** The node a sid was minted by, or null if it is not one of ours. */
    static String nodeOf(String sid) {
        int dot = sid.lastIndexOf('.');
        return dot > 0 ? sid.substring(0, dot) : null;
    }

    BoshRequest.Reader newReader() {
        return new BoshRequest.Reader(limits, maxBodyBytes);
    }

    int maxBodyBytes() {
        return maxBodyBytes;
    }

    int size() {
        return sessions.size();
    }

    /** Serves other nodes' requests for this node's sessions. */
    public MessageConsumer<JsonObject> listen() {
        return services.eventBus().consumer(address(services.nodeId()), message -> {
            JsonObject in = message.body();
            BoshRequest.Reader reader = newReader();
            reader.feed(Buffer.buffer(in.getBinary("body")));
            BoshRequest request = in.getBoolean("tooLarge", false) ? tooLarge(reader.finish()) : reader.finish();
            dispatchLocal(request, in.getBoolean("secure", false),
                    (status, body) -> message.reply(new JsonObject().put("status", status).put("body", body)));
        });
    }

    /**
     * XEP-0124 §7.1: a request without a sid asks for a new session, served on {@code context}
     * (the listener's event loop); {@code opened}/{@code closed} keep the listener's sweep informed.
     */
    void create(BoshRequest request, boolean secure, String remoteAddress, Context context,
                Consumer<XmppConnection> opened, Consumer<XmppConnection> closed, BoshSession.Reply reply) {
        if (request.rid() == null || request.number("wait") == null || request.number("hold") == null) {
            reply.send(200, BoshBodies.terminate("bad-request"));
            LOG.debug("BOSH session request from {} without valid rid, wait and hold", remoteAddress);
            return;
        }
        if (!services.limiter().tryAcquire()) {
            // The node's connection cap counts BOSH sessions too; the client hears it as a TCP client would.
            services.metrics().connectionRejected("max-connections");
            reply.send(200, BoshBodies.terminate("remote-stream-error", List.of(StandaloneXml.element(
                    StreamError.element(StreamErrorCondition.RESOURCE_CONSTRAINT, "server is full")))));
            return;
        }
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        String sid = services.nodeId() + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        BoshSession session = new BoshSession(this, services, context, sid, secure, remoteAddress, request, opened,
                closed);
        sessions.put(sid, session);
        session.open(request, reply);
    }

    /** A request naming a session: served here, or passed to the node holding it. */
    void dispatch(BoshRequest request, Buffer raw, boolean tooLarge, boolean secure, BoshSession.Reply reply) {
        String node = nodeOf(request.sid());
        if (node == null || node.equals(services.nodeId())) {
            dispatchLocal(request, secure, reply);
            return;
        }
        JsonObject out = new JsonObject().put("body", raw.getBytes()).put("secure", secure).put("tooLarge", tooLarge);
        long timeout = services.settings().web().bosh().maxWait().toMillis() + FORWARD_MARGIN_MS;
        Future<Message<JsonObject>> answer = services.eventBus()
                .request(address(node), out, new DeliveryOptions().setSendTimeout(timeout));
        answer.onComplete(result -> {
            if (result.succeeded()) {
                services.metrics().boshForwarded("served");
                JsonObject in = result.result().body();
                reply.send(in.getInteger("status"), in.getString("body"));
            } else if (result.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
                services.metrics().boshForwarded("node-gone");
                LOG.debug("BOSH session {}: its node {} is not in the cluster", request.sid(), node);
                reply.send(200, BoshBodies.terminate("item-not-found"));
            } else {
                services.metrics().boshForwarded("failed");
                LOG.info("BOSH session {}: node {} did not answer: {}", request.sid(), node, result.cause().toString());
                reply.send(200, BoshBodies.terminate("remote-connection-failed"));
            }
        });
    }

    private void dispatchLocal(BoshRequest request, boolean secure, BoshSession.Reply reply) {
        BoshSession session = request.sid() == null ? null : sessions.get(request.sid());
        if (session == null) {
            // §17.2: an unknown (or ended and forgotten) session.
            reply.send(200, BoshBodies.terminate("item-not-found"));
            return;
        }
        if (Vertx.currentContext() == session.context()) {
            session.handle(request, secure, reply);
        } else {
            session.context().runOnContext(v -> session.handle(request, secure, reply));
        }
    }

    void remove(BoshSession session) {
        sessions.remove(session.sid(), session);
    }

    /** A body cut off at the size limit: the session it names ends with policy-violation, as on TCP. */
    static BoshRequest tooLarge(BoshRequest cut) {
        return new BoshRequest(cut.attributes(), List.of(), StreamErrorCondition.POLICY_VIOLATION,
                "BOSH request body too large", cut.attributes().isEmpty(), cut.bytes());
    }
}
