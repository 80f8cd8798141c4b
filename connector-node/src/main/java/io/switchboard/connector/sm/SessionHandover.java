package io.switchboard.connector.sm;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * XEP-0198 resumption on a different connector node than the one holding the session (§5 says
 * nothing about where; behind a load balancer a reconnecting client lands anywhere).
 *
 * <p>The resuming node finds the holder through the session directory — the resumption id names the
 * session, the directory says which node has it — and asks that node for the session:
 * <ol>
 *   <li><b>take</b>: the holder closes any stream still attached with {@code <conflict/>}, stops the
 *       resumption timer and replies with the session as a value ({@link SmState}); it keeps
 *       queueing deliveries.</li>
 *   <li>The new node re-creates the session (holding new deliveries), applies the client's 'h' and
 *       moves the directory entry to itself, so routers send there from now on.</li>
 *   <li><b>commit</b>: the holder replies with what it queued since the take and becomes a
 *       forwarder for stragglers. The new node queues those, then the held deliveries, and attaches
 *       the stream: {@code <resumed/>} followed by every unacknowledged stanza in order.</li>
 * </ol>
 * A failure before the directory moved sends <b>abort</b> (the holder keeps the session and its
 * resumption timer restarts) and answers the client with {@code <failed/>}; the client then binds
 * a new session as usual. Nothing is lost or sent twice: each stanza is in exactly one queue at a
 * time, and acknowledged ones are dropped before the hand-over completes.
 */
public final class SessionHandover {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandover.class);
    private static final long REQUEST_TIMEOUT_MS = 10_000;

    private SessionHandover() {
    }

    /** The address a connector node takes hand-over requests on. */
    static String address(String nodeId) {
        return Addresses.connector(nodeId) + ".sm";
    }

    /** Serves this node's side: hands out sessions it holds. */
    public static MessageConsumer<JsonObject> listen(ConnectorServices services) {
        return services.eventBus().consumer(address(services.nodeId()), message -> serve(services, message));
    }

    private static void serve(ConnectorServices services, Message<JsonObject> message) {
        JsonObject body = message.body();
        String previd = body.getString("previd");
        StreamManagement session = services.resumable(previd);
        // The id is bound to the account: a request naming another user learns nothing.
        if (session == null || !session.fullJid().bare().toString().equals(body.getString("bare"))) {
            message.fail(404, "no such resumable session");
            return;
        }
        switch (body.getString("op", "")) {
            case "take" -> session.handOut(body.getString("node")).onComplete(r -> {
                if (r.succeeded()) {
                    message.reply(r.result().toJson());
                } else {
                    message.fail(404, r.cause().getMessage());
                }
            });
            case "commit" -> session.commitHandOut().onComplete(r -> {
                if (r.succeeded()) {
                    message.reply(new JsonObject().put("late", SmState.unackedToJson(r.result())));
                } else {
                    message.fail(409, r.cause().getMessage());
                }
            });
            case "abort" -> {
                session.abortHandOut();
                message.reply(new JsonObject());
            }
            default -> message.fail(400, "unknown operation");
        }
    }

    /**
     * Takes the session named by {@code previd} over from the node that holds it and attaches
     * {@code connection}; runs and completes on the connection's context, failed with a
     * {@link StreamManagement.ResumeFailure} when the session cannot be had.
     */
    public static Future<Void> takeOver(ConnectorServices services, XmppConnection connection, String previd, long h) {
        String sessionId = StreamManagement.sessionOf(previd);
        String bare = connection.user().toString();
        if (sessionId == null) {
            return notFound("not a resumption id of this service");
        }
        return Future.fromCompletionStage(services.directory().sessions(bare), connection.context())
                .recover(e -> notFound("directory unavailable: " + e))
                .compose(sessions -> {
                    SessionEntry holder = sessions.stream().filter(e -> e.connectionId().equals(sessionId))
                            .findFirst().orElse(null);
                    if (holder == null || holder.nodeId().equals(services.nodeId())) {
                        return notFound("the session is gone");
                    }
                    return takeFrom(services, connection, holder, previd, bare, h);
                });
    }

    private static Future<Void> takeFrom(ConnectorServices services, XmppConnection connection, SessionEntry holder,
                                         String previd, String bare, long h) {
        String from = holder.nodeId();
        JsonObject take = new JsonObject().put("op", "take").put("previd", previd).put("bare", bare)
                .put("node", services.nodeId());
        return request(services, from, take)
                .recover(e -> notFound("node " + from + " did not hand the session out: " + describe(e)))
                .compose(reply -> {
                    SmState state = SmState.fromJson(reply.body());
                    StreamManagement session;
                    try {
                        session = StreamManagement.adopt(services, state, connection, h);
                    } catch (StreamManagement.ResumeFailure f) {
                        abort(services, from, previd, bare);
                        return Future.failedFuture(f);
                    }
                    String resource = holder.resource();
                    return Future.fromCompletionStage(
                                    services.directory().move(bare, resource, state.sessionId(), services.nodeId()),
                                    connection.context())
                            .transform(moved -> {
                                if (moved.failed() || moved.result() == null) {
                                    session.forget();
                                    abort(services, from, previd, bare);
                                    return notFound("the session was replaced while moving");
                                }
                                return commit(services, from, previd, bare)
                                        .compose(late -> session.caughtUp(late, connection));
                            });
                });
    }

    /** The holder's late stanzas; none if it cannot answer (then they died with it). */
    private static Future<List<SmState.Unacked>> commit(ConnectorServices services, String from, String previd,
                                                        String bare) {
        JsonObject commit = new JsonObject().put("op", "commit").put("previd", previd).put("bare", bare);
        return request(services, from, commit)
                .map(reply -> SmState.unackedFromJson(reply.body().getJsonArray("late")))
                .recover(e -> {
                    LOG.warn("Session {} of {} moved here, but node {} did not commit: {}; stanzas it queued after"
                            + " handing the session out are lost", StreamManagement.sessionOf(previd), bare, from,
                            describe(e));
                    return Future.succeededFuture(List.of());
                });
    }

    private static void abort(ConnectorServices services, String from, String previd, String bare) {
        services.eventBus().send(address(from), new JsonObject().put("op", "abort").put("previd", previd)
                .put("bare", bare));
    }

    private static Future<Message<JsonObject>> request(ConnectorServices services, String node, JsonObject body) {
        return services.eventBus().request(address(node), body, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS));
    }

    private static <T> Future<T> notFound(String why) {
        return Future.failedFuture(new StreamManagement.ResumeFailure(StanzaErrorCondition.ITEM_NOT_FOUND, null, why));
    }

    private static String describe(Throwable e) {
        return e instanceof ReplyException r ? r.failureType() + " " + r.getMessage() : e.toString();
    }
}
