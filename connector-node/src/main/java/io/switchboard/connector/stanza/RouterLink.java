package io.switchboard.connector.stanza;

import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.connector.ConnectorServices;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Hands a client's stanzas to a router and makes sure each is acted on: the router acknowledges a
 * stanza once it has delivered, stored, answered or dropped it, and a stanza that is not
 * acknowledged (its router died, or was unreachable) is sent again, to whichever router the
 * registry names by then. After {@link #MAX_ATTEMPTS} the sender is told (a {@code wait} error),
 * so a stanza is never lost silently (issue: "delivered or its sender gets an error").
 *
 * <p>At-least-once: a router that acted on a stanza but died before its acknowledgement left
 * makes the stanza go through twice, and a re-sent stanza may overtake later ones during the
 * fail-over. Both are rare next to the loss they replace, and clients cope with duplicates (ids).
 */
final class RouterLink {
    private static final Logger LOG = LoggerFactory.getLogger(RouterLink.class);

    /**
     * How long a router may take to act on a stanza before the connector assumes it is gone. Routing
     * normally takes milliseconds; storage calls are bounded by {@code storage.timeout} (3 s), and a
     * connection's stanzas queue behind each other at the router, so this leaves room for a few.
     */
    static final long ACK_TIMEOUT_MILLIS = 10_000;
    static final int MAX_ATTEMPTS = 4;
    private static final long RETRY_DELAY_MILLIS = 250;

    private final ConnectorServices services;

    RouterLink(ConnectorServices services) {
        this.services = services;
    }

    /**
     * @param onFailure called on the connection's context when no router acted on the stanza after
     *                  every attempt
     */
    void forward(RoutedStanza stanza, Consumer<RoutedStanza> onFailure) {
        attempt(stanza, 1, onFailure);
    }

    private void attempt(RoutedStanza stanza, int attempt, Consumer<RoutedStanza> onFailure) {
        String router = services.routerFor(stanza.originConnection());
        services.eventBus().request(router, stanza, new DeliveryOptions().setSendTimeout(ACK_TIMEOUT_MILLIS))
                .onFailure(failure -> {
                    if (attempt >= MAX_ATTEMPTS) {
                        services.metrics().routerHandoff("failed");
                        LOG.warn("No router acted on a {} from {} after {} attempts ({}); the sender is told",
                                stanza.kind().elementName(), stanza.from(), attempt, failure.toString());
                        onFailure.accept(stanza);
                        return;
                    }
                    services.metrics().routerHandoff("retried");
                    LOG.debug("Router {} did not acknowledge a stanza ({}); sending it again", router, failure.toString());
                    services.vertx().setTimer(RETRY_DELAY_MILLIS * attempt,
                            t -> attempt(stanza, attempt + 1, onFailure));
                });
    }
}
