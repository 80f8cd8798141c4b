package io.switchboard.cluster.bus;

/**
 * An instruction to the connector holding a session: close it with a stream error. Used when a
 * new login replaces a session with the same full JID (RFC 6120 §7.7.2.2, conflict) and when an
 * account is deleted.
 *
 * @param connectionId    the connection to close
 * @param streamCondition the RFC 6120 §4.9.3 condition element name, e.g. "conflict"
 * @param text            human-readable text for the stream error, or null
 */
public record SessionCommand(String connectionId, String streamCondition, String text) {
}
