package io.switchboard.router;

import io.switchboard.cluster.bus.RoutedStanza;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * RFC 6120 §10.1: a server MUST process the stanzas it receives from one entity in order.
 * Routing is asynchronous (directory look-ups, storage), so a later stanza could otherwise
 * overtake an earlier one; here each origin connection's stanzas form a chain and the next one
 * starts only when the previous one has been acted on. Different connections run concurrently.
 *
 * <p>Confined to one event loop (one per router verticle): no locking.
 */
final class InOrderDispatcher {
    private final Function<RoutedStanza, Future<Void>> route;
    private final Map<String, Future<Void>> tails = new HashMap<>();

    InOrderDispatcher(Function<RoutedStanza, Future<Void>> route) {
        this.route = route;
    }

    void dispatch(RoutedStanza stanza) {
        String key = stanza.originNode() + "/" + stanza.originConnection();
        Future<Void> previous = tails.get(key);
        Future<Void> current = previous == null ? safeRoute(stanza)
                : previous.transform(ignored -> safeRoute(stanza));
        tails.put(key, current);
        current.onComplete(done -> tails.remove(key, current)); // keep the map as small as what is in flight
    }

    private Future<Void> safeRoute(RoutedStanza stanza) {
        try {
            return route.apply(stanza).recover(e -> Future.succeededFuture());
        } catch (RuntimeException e) {
            return Future.succeededFuture();
        }
    }

    int inFlight() {
        return tails.size();
    }
}
