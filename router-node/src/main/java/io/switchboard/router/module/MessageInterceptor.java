package io.switchboard.router.module;

import io.vertx.core.Future;

/**
 * Sees, and may rewrite, each message on its way from a sender to an existing local account,
 * right before it is delivered or stored for later delivery (e.g. to archive it and stamp a
 * XEP-0359 stanza-id, in the manner of Prosody's {@code message/bare} and {@code message/full}
 * hooks). It runs only once the routing rules accepted the message, never for one that is
 * answered with an error or dropped, so what an interceptor sees is exactly what the recipient
 * will get.
 *
 * <p>Interceptors run one after another in registration order, each on the previous one's
 * output. An interceptor cannot drop a message or change where it goes: it returns the message
 * (rewritten with {@link InterceptedMessage#withStanza} or unchanged). If it fails, or does not
 * answer within the router's time limit, the failure is logged and counted
 * ({@code xmpp.router.interceptor.failures}) and the message continues as it was before that
 * interceptor.
 *
 * <p>Called on the routing verticle's event loop for every message, so implementations must not
 * block and should return quickly for messages they are not interested in.
 */
@FunctionalInterface
public interface MessageInterceptor {
    Future<InterceptedMessage> intercept(InterceptedMessage message);
}
