package io.switchboard.router.module;

import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.protocol.jid.Jid;
import io.vertx.core.Future;

/** Takes a message the routing rules say should be stored for later delivery (XEP-0160). */
@FunctionalInterface
public interface OfflineHandler {
    /** @return true when stored; false when storage is full or off (the sender then gets an error) */
    Future<Boolean> store(Jid user, RoutedStanza message);
}
