package io.switchboard.router;

import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.error.StanzaErrorCondition;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6121 §8.5: what to do with a stanza addressed to a user of this server, given that user's
 * sessions. A pure function of its inputs so the RFC's tables can be tested row by row.
 */
public final class RoutingRules {
    private RoutingRules() {
    }

    /** The outcome of the rules. */
    public sealed interface Decision permits Deliver, StoreOffline, Error, Ignore, HandleOnBehalf, PresenceService {
    }

    /** Deliver to exactly these sessions. */
    public record Deliver(List<SessionEntry> sessions) implements Decision {
    }

    /** Keep the message for the user's next available session (XEP-0160). */
    public record StoreOffline() implements Decision {
    }

    /** Answer the sender with this stanza error. */
    public record Error(StanzaErrorCondition condition) implements Decision {
    }

    /** Drop without answering (the RFC's "silently ignore"). */
    public record Ignore() implements Decision {
    }

    /** The server answers an IQ on the user's behalf (RFC 6121 §8.5.2.1.3). */
    public record HandleOnBehalf() implements Decision {
    }

    /** Subscription management and probes belong to the presence service (RFC 6121 §3, §4.3). */
    public record PresenceService() implements Decision {
    }

    private static final Decision IGNORE = new Ignore();
    private static final Decision SERVICE_UNAVAILABLE = new Error(StanzaErrorCondition.SERVICE_UNAVAILABLE);

    /**
     * @param kind       the stanza kind
     * @param type       its type attribute (null = the kind's default)
     * @param resource   the addressed resource, or null for the bare JID
     * @param userExists whether the account exists
     * @param sessions   the account's bound resources
     */
    public static Decision decide(StanzaKind kind, String type, String resource, boolean userExists,
                                  List<SessionEntry> sessions) {
        if (!userExists) {
            return noSuchUser(kind, type);
        }
        if (resource == null) {
            return toBareJid(kind, type, sessions);
        }
        SessionEntry match = null;
        for (SessionEntry s : sessions) {
            if (s.resource().equals(resource)) {
                match = s;
                break;
            }
        }
        return match != null ? toMatchingResource(kind, type, match) : toMissingResource(kind, type, sessions);
    }

    /** §8.5.1: the account does not exist. */
    private static Decision noSuchUser(StanzaKind kind, String type) {
        switch (kind) {
            case IQ:
                return isRequest(type) ? SERVICE_UNAVAILABLE : IGNORE;
            case MESSAGE:
                // "either silently ignore or return service-unavailable": an error tells the sender.
                return "error".equals(type) ? IGNORE : SERVICE_UNAVAILABLE;
            default:
                return IGNORE;
        }
    }

    /** §8.5.2: addressed to the bare JID. */
    private static Decision toBareJid(StanzaKind kind, String type, List<SessionEntry> sessions) {
        switch (kind) {
            case MESSAGE: {
                String t = messageType(type);
                List<SessionEntry> nonNegative = availableWithNonNegativePriority(sessions);
                switch (t) {
                    case "error":
                        return IGNORE; // §8.5.2.1.1 / §8.5.2.2.1
                    case "groupchat":
                        return SERVICE_UNAVAILABLE;
                    case "headline":
                        return nonNegative.isEmpty() ? IGNORE : new Deliver(nonNegative);
                    default: // normal and chat: the "most available" resources, i.e. highest priority
                        return nonNegative.isEmpty() ? new StoreOffline() : new Deliver(highestPriority(nonNegative));
                }
            }
            case PRESENCE: {
                if (isSubscriptionOrProbe(type)) {
                    return new PresenceService();
                }
                List<SessionEntry> available = available(sessions);
                return available.isEmpty() ? IGNORE : new Deliver(available); // §8.5.2.1.2, §8.5.2.2.2
            }
            default:
                return isRequest(type) ? new HandleOnBehalf() : IGNORE;
        }
    }

    /** §8.5.3.1: a connected resource matches the full JID. */
    private static Decision toMatchingResource(StanzaKind kind, String type, SessionEntry match) {
        if (kind == StanzaKind.PRESENCE && isSubscriptionOrProbe(type)) {
            return new PresenceService();
        }
        return new Deliver(List.of(match));
    }

    /** §8.5.3.2: no resource matches the full JID. */
    private static Decision toMissingResource(StanzaKind kind, String type, List<SessionEntry> sessions) {
        switch (kind) {
            case MESSAGE: {
                String t = messageType(type);
                if ("chat".equals(t)) {
                    return toBareJid(kind, type, sessions); // §8.5.3.2.1: treat as if sent to the bare JID
                }
                return "error".equals(t) ? IGNORE : SERVICE_UNAVAILABLE;
            }
            case PRESENCE:
                return isSubscriptionOrProbe(type) ? new PresenceService() : IGNORE;
            default:
                return isRequest(type) ? SERVICE_UNAVAILABLE : IGNORE; // §8.5.3.2.3
        }
    }

    /** RFC 6121 §5.2.2: a missing or unknown message type means "normal". */
    static String messageType(String type) {
        if (type == null) {
            return "normal";
        }
        switch (type) {
            case "chat": case "error": case "groupchat": case "headline": case "normal":
                return type;
            default:
                return "normal";
        }
    }

    private static boolean isRequest(String type) {
        return "get".equals(type) || "set".equals(type);
    }

    private static boolean isSubscriptionOrProbe(String type) {
        if (type == null) {
            return false;
        }
        switch (type) {
            case "subscribe": case "subscribed": case "unsubscribe": case "unsubscribed": case "probe":
                return true;
            default:
                return false;
        }
    }

    private static List<SessionEntry> available(List<SessionEntry> sessions) {
        List<SessionEntry> result = new ArrayList<>(sessions.size());
        for (SessionEntry s : sessions) {
            if (s.available()) {
                result.add(s);
            }
        }
        return result;
    }

    private static List<SessionEntry> availableWithNonNegativePriority(List<SessionEntry> sessions) {
        List<SessionEntry> result = new ArrayList<>(sessions.size());
        for (SessionEntry s : sessions) {
            if (s.available() && s.priority() >= 0) {
                result.add(s);
            }
        }
        return result;
    }

    private static List<SessionEntry> highestPriority(List<SessionEntry> candidates) {
        int max = Integer.MIN_VALUE;
        for (SessionEntry s : candidates) {
            max = Math.max(max, s.priority());
        }
        List<SessionEntry> result = new ArrayList<>(candidates.size());
        for (SessionEntry s : candidates) {
            if (s.priority() == max) {
                result.add(s);
            }
        }
        return result;
    }
}
