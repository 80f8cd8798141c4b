package io.switchboard.router.module;

import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.jid.Jid;

/** Told when a resource becomes available with a non-negative priority (e.g. to flush offline messages). */
@FunctionalInterface
public interface AvailabilityListener {
    void becameAvailable(Jid fullJid, SessionEntry session);
}
