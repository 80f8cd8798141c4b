package io.switchboard.presence;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.switchboard.cluster.bus.AddressedCopies;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.storage.PendingSubscription;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Availability broadcasts (RFC 6121 §4): resolves who must hear a resource's presence — the
 * user's own available resources, contacts subscribed to the user (subscription from/both), and
 * entities that received directed presence — and fans it out batched per connector node.
 *
 * <p>The last broadcast presence of every available resource lives in the cluster (IMap
 * {@value #LAST_PRESENCE}): it answers probes in bulk when a contact logs in and makes
 * deduplication work whichever instance handles the user.
 */
final class Broadcaster {
    static final String LAST_PRESENCE = "switchboard.presence.last";
    static final String DIRECTED = "switchboard.presence.directed";
    static final String ERRORS = "switchboard.presence.errors";

    private final PresenceSettings settings;
    private final SessionDirectory directory;
    private final RosterStore rosters;
    private final FanOut fanOut;
    private final PresenceMetrics metrics;
    private final Vertx vertx;
    private final IMap<String, byte[]> lastPresence;
    private final IMap<String, ArrayList<String>> directed;
    private final IMap<String, ArrayList<String>> errors;
    /**
     * Coalescing windows open per session (connection id, not full JID: a new login with the same
     * resource is a new session); confined to the service's event loop.
     */
    private final Map<String, Window> windows = new HashMap<>();
    /** Sessions whose window closed and whose latest update is queued again, not yet handled. */
    private final Set<String> requeued = new HashSet<>();
    /** Of those, the ones a newer update or unavailable overtook: their requeued update is stale. */
    private final Set<String> requeuedSuperseded = new HashSet<>();

    private static final class Window {
        RoutedStanza pending;
        long timerId;
    }

    Broadcaster(PresenceSettings settings, SessionDirectory directory, RosterStore rosters, FanOut fanOut,
                PresenceMetrics metrics, Vertx vertx, HazelcastInstance hazelcast) {
        this.settings = settings;
        this.directory = directory;
        this.rosters = rosters;
        this.fanOut = fanOut;
        this.metrics = metrics;
        this.vertx = vertx;
        this.lastPresence = hazelcast.getMap(LAST_PRESENCE);
        this.directed = hazelcast.getMap(DIRECTED);
        this.errors = hazelcast.getMap(ERRORS);
    }

    /**
     * A presence broadcast (no 'to'): available or unavailable. Within the coalescing window only
     * the first and the latest update of a resource go out.
     *
     * @param redispatch how a coalesced update re-enters the user's ordered queue when its window closes
     */
    Future<Void> broadcast(RoutedStanza presence, Context context, java.util.function.Consumer<RoutedStanza> redispatch,
                           boolean requeuedUpdate) {
        String session = presence.originNode() + "/" + presence.originConnection();
        boolean unavailable = "unavailable".equals(presence.type());
        if (requeuedUpdate) {
            requeued.remove(session);
            if (requeuedSuperseded.remove(session)) {
                // A newer update or the session's unavailable went first: sending this older one
                // now would leave contacts with stale presence, or a ghost of a gone session.
                return Future.succeededFuture();
            }
        } else {
            metrics.updatesIn.increment();
        }
        if (settings.naiveFanOut()) {
            return send(presence, context);
        }
        Window window = windows.get(session);
        if (!requeuedUpdate && requeued.contains(session)) {
            requeuedSuperseded.add(session);
        }
        if (unavailable) {
            if (window != null) {
                vertx.cancelTimer(window.timerId);
                windows.remove(session);
                if (window.pending != null) {
                    metrics.coalesced.increment();
                }
            }
            return send(presence, context);
        }
        if (window != null) {
            if (window.pending != null) {
                metrics.coalesced.increment(); // superseded before it went out
            }
            window.pending = presence;
            return Future.succeededFuture();
        }
        openWindow(session, redispatch);
        return send(presence, context);
    }

    private void openWindow(String session, java.util.function.Consumer<RoutedStanza> redispatch) {
        Window window = new Window();
        windows.put(session, window);
        window.timerId = vertx.setTimer(Math.max(1, settings.coalesceWindow().toMillis()), id -> {
            Window current = windows.remove(session);
            if (current != null && current.pending != null) {
                // The latest update of the burst: it goes through the queue like any other, opening a new window.
                requeued.add(session);
                redispatch.accept(current.pending);
            }
        });
    }

    /** Dedup, state update, recipients, fan-out; at initial presence also the probe answers. */
    private Future<Void> send(RoutedStanza presence, Context context) {
        Jid from = Jid.of(presence.from());
        String bare = from.bare().toString();
        boolean unavailable = "unavailable".equals(presence.type());
        byte[] xml = presence.xml();
        Future<byte[]> previous = Future.fromCompletionStage(lastPresence.getAsync(presence.from()), context);
        String session = presence.originConnection();
        return previous.compose(last -> {
            boolean sameSession = last != null && session.equals(sessionOf(last));
            if (!unavailable && !settings.naiveFanOut() && sameSession && Arrays.equals(xmlOf(last), xml)) {
                metrics.duplicatesDropped.increment(); // identical to what everyone already has
                return Future.succeededFuture();
            }
            Future<?> stored = unavailable
                    ? Future.fromCompletionStage(lastPresence.removeAsync(presence.from()), context)
                    : Future.fromCompletionStage(lastPresence.setAsync(presence.from(), stamp(session, xml)), context);
            Future<List<String>> directedTo = unavailable
                    ? Future.fromCompletionStage(directed.removeAsync(presence.from()), context)
                        .map(l -> l == null ? List.<String>of() : l)
                    : Future.succeededFuture(List.of());
            Future<List<RosterItem>> roster = Future.fromCompletionStage(rosters.roster(bare), context)
                    .map(r -> r.items());
            Future<List<String>> refused = Future.fromCompletionStage(unavailable
                    ? errors.removeAsync(presence.from()) : errors.getAsync(presence.from()), context)
                    .map(l -> l == null ? List.<String>of() : l);
            boolean initial = !unavailable && !sameSession; // a new session of a resource starts afresh
            return Future.all(stored, directedTo, roster, refused).compose(v -> recipients(from, roster.result(),
                    directedTo.result(), refused.result(), unavailable, presence.originConnection(), context)
                    .compose(recipients -> {
                        fanOut.send(xml, recipients, presence.ingressMicros());
                        return initial ? answerProbes(from, presence.originConnection(), roster.result(), context)
                                : Future.succeededFuture();
                    }));
        });
    }

    private Future<List<FanOut.Recipient>> recipients(Jid from, List<RosterItem> roster, List<String> directedTo,
                                                      List<String> refused, boolean unavailable,
                                                      String senderConnection, Context context) {
        Set<String> targets = new LinkedHashSet<>();
        for (RosterItem item : roster) {
            if (item.subscription() == Subscription.FROM || item.subscription() == Subscription.BOTH) {
                targets.add(item.contact());
            }
        }
        targets.addAll(directedTo);
        targets.removeAll(refused); // RFC 6121 §4.4.2 (3), §4.5.2 (3): they returned a presence error
        String bare = from.bare().toString();
        targets.remove(bare);
        List<Future<List<FanOut.Recipient>>> lookups = new ArrayList<>();
        // RFC 6121 §4.2.2 / §4.4.2: the user's own available resources, including the sender;
        // §4.5.2: for unavailable, the others only.
        lookups.add(Future.fromCompletionStage(directory.sessions(bare), context).map(sessions -> {
            List<FanOut.Recipient> own = new ArrayList<>();
            for (SessionEntry s : sessions) {
                if (s.available() || s.connectionId().equals(senderConnection)) {
                    if (!(unavailable && s.connectionId().equals(senderConnection))) {
                        own.add(new FanOut.Recipient(s, bare + "/" + s.resource()));
                    }
                }
            }
            return own;
        }));
        for (String target : targets) {
            Jid targetJid = Jid.tryParse(target).orElse(null);
            if (targetJid == null || !targetJid.domain().equals(settings.domain())) {
                continue; // no federation yet
            }
            lookups.add(Future.fromCompletionStage(directory.sessions(targetJid.bare().toString()), context)
                    .map(sessions -> {
                        List<FanOut.Recipient> list = new ArrayList<>();
                        for (SessionEntry s : sessions) {
                            if (s.available() && (targetJid.resource() == null
                                    || targetJid.resource().equals(s.resource()))) {
                                list.add(new FanOut.Recipient(s, target));
                            }
                        }
                        return list;
                    }));
        }
        return Future.all(lookups).map(all -> {
            List<FanOut.Recipient> recipients = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                recipients.addAll(all.<List<FanOut.Recipient>>resultAt(i));
            }
            return recipients;
        });
    }

    /**
     * RFC 6121 §4.2.3 / §4.3: at initial presence the server probes the contacts the user is
     * subscribed to. They are local, so the answer comes straight from the cluster's presence
     * state in ONE bulk read, and goes to the new resource in ONE event-bus message, together with
     * the presence of the user's other resources and stored subscription requests (§3.1.3).
     */
    private Future<Void> answerProbes(Jid user, String connection, List<RosterItem> roster, Context context) {
        String bare = user.bare().toString();
        Set<String> subscribedTo = new HashSet<>();
        subscribedTo.add(bare);
        for (RosterItem item : roster) {
            if (item.subscription() == Subscription.TO || item.subscription() == Subscription.BOTH) {
                subscribedTo.add(item.contact());
            }
        }
        List<Future<List<SessionEntry>>> sessionLookups = new ArrayList<>();
        List<String> order = new ArrayList<>(subscribedTo);
        for (String contact : order) {
            sessionLookups.add(Future.fromCompletionStage(directory.sessions(contact), context));
        }
        Future<List<PendingSubscription>> pending = Future.fromCompletionStage(rosters.pending(bare), context);
        return Future.all(sessionLookups).compose(all -> {
            Set<String> keys = new LinkedHashSet<>();
            SessionEntry self = null;
            for (int i = 0; i < order.size(); i++) {
                for (SessionEntry s : all.<List<SessionEntry>>resultAt(i)) {
                    String full = order.get(i) + "/" + s.resource();
                    if (s.connectionId().equals(connection)) {
                        self = s;
                    } else if (s.available()) {
                        keys.add(full);
                    }
                }
            }
            if (self == null) {
                return Future.succeededFuture(); // the session ended meanwhile
            }
            SessionEntry target = self;
            Future<Map<String, byte[]>> states = lastPresences(keys);
            return Future.all(states, pending).map(v -> {
                List<byte[]> stanzas = new ArrayList<>();
                for (byte[] state : states.result().values()) {
                    stanzas.add(AddressedCopies.withTo(state, "presence", user.toString()));
                }
                metrics.probesAnswered.increment(stanzas.size());
                for (PendingSubscription request : pending.result()) {
                    stanzas.add(AddressedCopies.withTo(request.stanza(), "presence", bare)); // RFC 6121 §3.1.3
                }
                fanOut.sendAll(target, stanzas);
                return null;
            });
        });
    }

    /**
     * Directed presence (RFC 6121 §4.6) was delivered by a router; remember it so the entity also
     * learns when the resource goes offline (§4.6.3), and forget it after directed unavailable.
     */
    Future<Void> trackDirected(RoutedStanza presence, Context context) {
        String target = presence.to();
        boolean unavailable = "unavailable".equals(presence.type());
        return Future.fromCompletionStage(directed.getAsync(presence.from()), context).compose(current -> {
            ArrayList<String> next = current == null ? new ArrayList<>() : new ArrayList<>(current);
            boolean changed = unavailable ? next.remove(target) : !next.contains(target) && next.add(target);
            if (!changed) {
                return Future.succeededFuture();
            }
            return next.isEmpty() ? Future.fromCompletionStage(directed.removeAsync(presence.from()), context).mapEmpty()
                    : Future.fromCompletionStage(directed.setAsync(presence.from(), next), context).mapEmpty();
        });
    }

    /**
     * A presence error from an entity reached a user: the addressed session (or, for the bare
     * JID, each of the user's sessions) stops broadcasting to that entity for the rest of the
     * session (RFC 6121 §4.4.2, §4.5.2).
     */
    Future<Void> trackError(RoutedStanza error, Context context) {
        Jid to = Jid.of(error.to());
        String entity = Jid.of(error.from()).bare().toString();
        Future<List<String>> sessions = to.resource() != null ? Future.succeededFuture(List.of(to.toString()))
                : Future.fromCompletionStage(directory.sessions(to.bare().toString()), context).map(list -> {
                    List<String> jids = new ArrayList<>();
                    for (SessionEntry s : list) {
                        jids.add(to.bare() + "/" + s.resource());
                    }
                    return jids;
                });
        return sessions.compose(jids -> {
            List<Future<Void>> updates = new ArrayList<>();
            for (String fullJid : jids) {
                updates.add(Future.fromCompletionStage(errors.getAsync(fullJid), context).compose(current -> {
                    if (current != null && current.contains(entity)) {
                        return Future.<Void>succeededFuture();
                    }
                    ArrayList<String> next = current == null ? new ArrayList<>() : new ArrayList<>(current);
                    next.add(entity);
                    return Future.fromCompletionStage(errors.setAsync(fullJid, next), context);
                }));
            }
            return Future.all(updates).mapEmpty();
        });
    }

    /**
     * The last available presence of each given full JID in ONE bulk read (Hazelcast batches it
     * per partition owner). IMap has no asynchronous getAll, so it runs on a worker thread.
     */
    Future<Map<String, byte[]>> lastPresences(Set<String> fullJids) {
        if (fullJids.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return vertx.executeBlocking(() -> {
            Map<String, byte[]> stanzas = new HashMap<>();
            lastPresence.getAll(fullJids).forEach((jid, value) -> stanzas.put(jid, xmlOf(value)));
            return stanzas;
        }, false);
    }

    // The stored value is "<connection id> NUL <presence bytes>": NUL cannot occur in XML, and the
    // connection id tells a new session of the same full JID from the old one.

    private static byte[] stamp(String session, byte[] xml) {
        byte[] id = session.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] value = new byte[id.length + 1 + xml.length];
        System.arraycopy(id, 0, value, 0, id.length);
        System.arraycopy(xml, 0, value, id.length + 1, xml.length);
        return value;
    }

    private static int separator(byte[] value) {
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String sessionOf(byte[] value) {
        int at = separator(value);
        return at < 0 ? "" : new String(value, 0, at, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] xmlOf(byte[] value) {
        int at = separator(value);
        return at < 0 ? value : Arrays.copyOfRange(value, at + 1, value.length);
    }
}
