package io.switchboard.router;

import io.switchboard.protocol.xml.StanzaParsing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.error.StanzaError;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StanzaErrorType;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.AvailabilityListener;
import io.switchboard.router.module.InterceptedMessage;
import io.switchboard.router.module.IqRequest;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.OfflineHandler;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.AccountStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes one stanza per RFC 6120 §10 and RFC 6121 §8 using only the routing header and the
 * session directory; the XML is parsed only when the server itself must read or answer it.
 */
public final class StanzaRouter {
    private static final Logger LOG = LoggerFactory.getLogger(StanzaRouter.class);

    private final RouterSettings settings;
    private final ModuleRegistry modules;
    private final SessionDirectory directory;
    private final AccountStore accounts;
    private final Outbound outbound;
    private final MeterRegistry meters;
    private final MessageInterceptors interceptors;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    public StanzaRouter(RouterSettings settings, ModuleRegistry modules, SessionDirectory directory,
                        AccountStore accounts, Outbound outbound, MeterRegistry meters) {
        this.settings = settings;
        this.modules = modules;
        this.directory = directory;
        this.accounts = accounts;
        this.outbound = outbound;
        this.meters = meters;
        this.interceptors = new MessageInterceptors(modules.messageInterceptors(), meters);
    }

    /**
     * Routes a stanza on the calling router verticle's context. The future completes once the
     * stanza has been acted on (handed to a connector, stored, answered or dropped), so a caller
     * can start the sender's next stanza only then (RFC 6120 §10.1, in-order processing).
     */
    public Future<Void> route(RoutedStanza s, Context context) {
        try {
            if (s.from() == null) {
                return preAuthIq(s);
            }
            Jid from = Jid.of(s.from());
            Jid to = s.to() == null ? null : Jid.of(s.to());
            if (to == null) {
                return switch (s.kind()) {
                    case PRESENCE -> presenceBroadcast(s, from, context);
                    case IQ -> serverIq(s, from, from.bare(), IqScope.ACCOUNT); // RFC 6120 §10.3.3
                    default -> toLocalUser(s, from.bare(), context);             // RFC 6120 §10.3.1
                };
            }
            if (s.kind() == StanzaKind.PRESENCE && isSubscriptionOrProbe(s.type())) {
                // RFC 6121 §3: the sender's server processes a subscription stanza (the sender's
                // roster) whatever becomes of it at the contact's side: the presence service does both.
                count(s.kind(), "presence-service");
                outbound.toPresenceService(s);
                return Future.succeededFuture();
            }
            if (s.kind() == StanzaKind.PRESENCE && "error".equals(s.type()) && to.local() != null
                    && to.domain().equals(settings.domain())) {
                // RFC 6121 §4.4.2 / §4.5.2: the addressee's session stops broadcasting to the sender.
                outbound.toPresenceService(s);
            }
            if (!to.domain().equals(settings.domain())) {
                return remote(s);
            } else if (to.local() == null) {
                return toServer(s, from, to);
            } else {
                return toLocalUser(s, to, context);
            }
        } catch (RuntimeException e) {
            LOG.warn("Failed to route {}", s, e);
            error(s, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
            return Future.succeededFuture();
        }
    }

    // ---- addressed to a local user ---------------------------------------------------------------

    private Future<Void> toLocalUser(RoutedStanza s, Jid to, Context context) {
        String bare = to.bare().toString();
        return Future.fromCompletionStage(directory.sessions(bare), context).compose(sessions -> {
            if (!sessions.isEmpty()) {
                return Future.succeededFuture(new Target(true, sessions));
            }
            return Future.fromCompletionStage(accounts.exists(bare), context).map(e -> new Target(e, sessions));
        }).transform(result -> {
            if (result.failed()) {
                LOG.warn("Look-up failed for {}: {}", bare, result.cause().toString());
                error(s, StanzaErrorCondition.INTERNAL_SERVER_ERROR, StanzaErrorType.WAIT, "temporarily unavailable");
                return Future.succeededFuture();
            }
            Target target = result.result();
            return apply(s, to, RoutingRules.decide(s.kind(), s.type(), to.resource(), target.exists,
                    target.sessions), context);
        });
    }

    private record Target(boolean exists, List<SessionEntry> sessions) {
    }

    private Future<Void> apply(RoutedStanza s, Jid to, RoutingRules.Decision decision, Context context) {
        if (decision instanceof RoutingRules.Deliver deliver) {
            return intercepted(s, to, false, context).map(m -> {
                count(m.kind(), "delivered");
                outbound.deliver(deliver.sessions(), m.kind(), m.xml(), m.ingressMicros());
                if (m.kind() == StanzaKind.PRESENCE && (m.type() == null || "unavailable".equals(m.type()))) {
                    outbound.toPresenceService(m); // directed presence: tracked for RFC 6121 §4.6.3
                }
                return null;
            });
        } else if (decision instanceof RoutingRules.StoreOffline) {
            return storeOffline(s, to, context);
        } else if (decision instanceof RoutingRules.Error e) {
            error(s, e.condition(), null, null);
        } else if (decision instanceof RoutingRules.HandleOnBehalf) {
            return serverIq(s, Jid.of(s.from()), to.bare(), IqScope.ACCOUNT);
        } else if (decision instanceof RoutingRules.PresenceService) {
            count(s.kind(), "presence-service");
            outbound.toPresenceService(s);
        } else {
            count(s.kind(), "ignored");
        }
        return Future.succeededFuture();
    }

    /**
     * A message accepted for a local account passes the modules' interceptors (e.g. archiving)
     * right before it is delivered or stored; anything else goes on as it is.
     */
    private Future<RoutedStanza> intercepted(RoutedStanza s, Jid to, boolean offline, Context context) {
        if (s.kind() != StanzaKind.MESSAGE || interceptors.isEmpty()) {
            return Future.succeededFuture(s);
        }
        InterceptedMessage message = new InterceptedMessage(s, Jid.of(s.from()), to, to.bare(), offline);
        return interceptors.run(message, context).map(InterceptedMessage::stanza);
    }

    /** Errors answer the sender with the message as it sent it, never with what interceptors added. */
    private Future<Void> storeOffline(RoutedStanza s, Jid to, Context context) {
        OfflineHandler handler = modules.offline();
        if (handler == null) {
            error(s, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null); // RFC 6121 §8.5.2.2.1
            return Future.succeededFuture();
        }
        Jid user = to.bare();
        return intercepted(s, to, true, context).compose(m -> handler.store(user, m)).transform(result -> {
            if (result.succeeded() && result.result()) {
                count(s.kind(), "offline");
            } else if (result.succeeded()) {
                error(s, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, "offline storage is full");
            } else {
                LOG.warn("Offline storage failed for {}: {}", user, result.cause().toString());
                // Never drop silently: the sender learns it should retry later.
                error(s, StanzaErrorCondition.INTERNAL_SERVER_ERROR, StanzaErrorType.WAIT,
                        "message could not be stored, try again later");
            }
            return Future.<Void>succeededFuture();
        });
    }

    // ---- presence without 'to': an availability broadcast ----------------------------------------

    private Future<Void> presenceBroadcast(RoutedStanza s, Jid from, Context context) {
        boolean available = s.type() == null;
        if (!available && !"unavailable".equals(s.type())) {
            count(s.kind(), "ignored"); // e.g. type='error' without 'to': nothing to do
            return Future.succeededFuture();
        }
        int priority = available ? priorityOf(s) : 0;
        return Future.fromCompletionStage(directory.updatePresence(from.bare().toString(), from.resource(),
                s.originConnection(), available, priority), context).transform(result -> {
            if (result.failed()) {
                LOG.warn("Presence update failed for {}: {}", from, result.cause().toString());
            } else if (result.result() == null) {
                return presenceOfAnEndedSession(s, from, available, context);
            } else {
                SessionEntry before = result.result();
                if (available && priority >= 0 && before != null && (!before.available() || before.priority() < 0)) {
                    SessionEntry now = new SessionEntry(before.resource(), before.nodeId(), before.connectionId(),
                            priority, true, before.boundAtMillis());
                    for (AvailabilityListener listener : modules.availabilityListeners()) {
                        listener.becameAvailable(from, now);
                    }
                }
            }
            count(s.kind(), "presence-service");
            outbound.toPresenceService(s);
            return Future.<Void>succeededFuture();
        });
    }

    /**
     * The directory no longer has this connection's session. If the resource was re-bound by a
     * new login, the old session's presence is stale and must not override the new one; if the
     * session simply ended (its connector unbinds right after sending the final unavailable), the
     * unavailable must still reach its contacts (RFC 6121 §4.5.2).
     */
    private Future<Void> presenceOfAnEndedSession(RoutedStanza s, Jid from, boolean available, Context context) {
        if (available) {
            count(s.kind(), "ignored");
            return Future.succeededFuture();
        }
        return Future.fromCompletionStage(directory.sessions(from.bare().toString()), context).map(sessions -> {
            boolean replaced = sessions.stream().anyMatch(e -> e.resource().equals(from.resource()));
            if (replaced) {
                count(s.kind(), "ignored");
            } else {
                count(s.kind(), "presence-service");
                outbound.toPresenceService(s);
            }
            return null;
        });
    }

    /** RFC 6121 §4.7.2.3: an integer in -128..127, 0 when absent. */
    private static int priorityOf(RoutedStanza s) {
        String text = StanzaParsing.parse(s.xml()).childText("priority", Namespaces.CLIENT);
        if (text == null) {
            return 0;
        }
        try {
            return Math.max(-128, Math.min(127, Integer.parseInt(text.trim())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ---- addressed to the server or another domain -----------------------------------------------

    private Future<Void> toServer(RoutedStanza s, Jid from, Jid to) {
        if (s.kind() == StanzaKind.IQ && to.resource() == null) {
            return serverIq(s, from, to, IqScope.SERVER);
        } else if (s.kind() == StanzaKind.IQ && isRequest(s.type())) {
            error(s, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null);
        } else {
            count(s.kind(), "ignored"); // messages and presence to the server itself need no answer
        }
        return Future.succeededFuture();
    }

    /** No federation yet: other domains are unreachable (RFC 6120 §10.4.3). */
    private Future<Void> remote(RoutedStanza s) {
        if (s.kind() == StanzaKind.PRESENCE || (s.kind() == StanzaKind.IQ && !isRequest(s.type()))) {
            count(s.kind(), "ignored");
        } else {
            error(s, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, null, "federation is not enabled");
        }
        return Future.succeededFuture();
    }

    // ---- IQs the server answers -----------------------------------------------------------------

    private Future<Void> preAuthIq(RoutedStanza s) {
        XmlElement iq = StanzaParsing.parse(s.xml());
        XmlElement payload = iq.elements().isEmpty() ? null : iq.elements().get(0);
        ModuleRegistry.Registration registration = payload == null ? null
                : modules.iqHandler(IqScope.SERVER, payload.namespace());
        if (registration == null || !registration.preAuth() || !isRequest(s.type())) {
            reply(s, StanzaError.errorReply(iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null)
                    .withoutAttribute("to").withoutAttribute("from"));
            return Future.succeededFuture();
        }
        return invoke(s, iq, new IqRequest(iq, payload, null, Jid.of(settings.domain()), IqScope.SERVER, s),
                registration);
    }

    private Future<Void> serverIq(RoutedStanza s, Jid from, Jid to, IqScope scope) {
        if (!isRequest(s.type())) {
            count(s.kind(), "ignored"); // RFC 6120 §8.2.3: never answer a result or an error
            return Future.succeededFuture();
        }
        XmlElement iq = StanzaParsing.parse(s.xml());
        XmlElement payload = iq.elements().get(0);
        ModuleRegistry.Registration registration = modules.iqHandler(scope, payload.namespace());
        if (registration == null) {
            error(s, iq, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null); // RFC 6121 §8.5.2.1.3
            return Future.succeededFuture();
        }
        return invoke(s, iq, new IqRequest(iq, payload, from, to, scope, s), registration);
    }

    private Future<Void> invoke(RoutedStanza s, XmlElement iq, IqRequest request,
                                ModuleRegistry.Registration registration) {
        Future<XmlElement> answer;
        try {
            answer = registration.handler().handle(request);
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answer.transform(result -> {
            if (result.succeeded()) {
                count(StanzaKind.IQ, "handled");
                XmlElement.Builder reply = XmlElement.builder("iq", Namespaces.CLIENT)
                        .attribute("type", "result").attribute("id", iq.attribute("id"))
                        .attribute("from", iq.attribute("to")).attribute("to", s.from());
                if (result.result() != null) {
                    reply.child(result.result());
                }
                reply(s, reply.build());
            } else if (result.cause() instanceof StanzaErrorException e) {
                error(s, iq, e.condition(), e.type(), e.text());
            } else {
                LOG.warn("IQ handler for {} failed", request.payload().namespace(), result.cause());
                error(s, iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
            }
            return Future.<Void>succeededFuture();
        });
    }

    // ---- replies ---------------------------------------------------------------------------------

    private void error(RoutedStanza s, StanzaErrorCondition condition, StanzaErrorType type, String text) {
        if ("error".equals(s.type())) {
            count(s.kind(), "ignored"); // RFC 6120 §8.3.1: an error is never answered with an error
            return;
        }
        error(s, StanzaParsing.parse(s.xml()), condition, type, text);
    }

    private void error(RoutedStanza s, XmlElement stanza, StanzaErrorCondition condition, StanzaErrorType type,
                       String text) {
        count(s.kind(), "error");
        XmlElement reply = type == null ? StanzaError.errorReply(stanza, condition, text)
                : StanzaError.errorReply(stanza, condition, type, text);
        if (stanza.attribute("to") == null) {
            reply = reply.withoutAttribute("from");
        }
        reply(s, s.from() == null ? reply.withoutAttribute("to") : reply.withAttribute("to", s.from()));
    }

    /** Replies go straight back to the connection the stanza came from. */
    private void reply(RoutedStanza s, XmlElement reply) {
        outbound.replyTo(s, reply);
    }

    private void count(StanzaKind kind, String outcome) {
        outcomes.computeIfAbsent(kind.ordinal() + outcome, k -> Counter.builder("xmpp.router.stanzas")
                .description("Stanzas routed, by kind and outcome").tag("kind", kind.elementName())
                .tag("outcome", outcome).register(meters)).increment();
    }

    private static boolean isSubscriptionOrProbe(String type) {
        return "subscribe".equals(type) || "subscribed".equals(type) || "unsubscribe".equals(type)
                || "unsubscribed".equals(type) || "probe".equals(type);
    }

    private static boolean isRequest(String type) {
        return "get".equals(type) || "set".equals(type);
    }
}
