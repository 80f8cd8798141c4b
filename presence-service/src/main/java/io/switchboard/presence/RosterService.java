package io.switchboard.presence;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.presence.subscription.Outcome;
import io.switchboard.presence.subscription.SubscriptionRules;
import io.switchboard.presence.subscription.SubscriptionState;
import io.switchboard.presence.subscription.SubscriptionType;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.storage.AccountStore;
import io.switchboard.storage.PendingSubscription;
import io.switchboard.storage.Roster;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rosters (RFC 6121 §2, XEP-0237 versioning) and presence subscriptions (RFC 6121 §3): the
 * state machine of {@link SubscriptionRules} applied to both users' stored rosters, roster pushes
 * to interested resources, delivery or storage of requests, and the presence consequences of a
 * subscription starting or ending (§3.1.5, §3.2.2, §3.3.3).
 */
final class RosterService {
    static final String ROSTER = "jabber:iq:roster";

    private final PresenceSettings settings;
    private final RosterStore rosters;
    private final AccountStore accounts;
    private final SessionDirectory directory;
    private final Broadcaster broadcaster;
    private final FanOut fanOut;
    private final PresenceMetrics metrics;
    private final EventBus eventBus;
    private final InstanceRegistry presenceInstances;
    private final AtomicLong pushIds = new AtomicLong();

    /** A roster-IQ outcome: the result payload, or a stanza error. */
    record IqAnswer(XmlElement payload, StanzaErrorCondition error, String text) {
        static IqAnswer result(XmlElement payload) {
            return new IqAnswer(payload, null, null);
        }

        static IqAnswer error(StanzaErrorCondition condition, String text) {
            return new IqAnswer(null, condition, text);
        }
    }

    RosterService(PresenceSettings settings, RosterStore rosters, AccountStore accounts, SessionDirectory directory,
                  Broadcaster broadcaster, FanOut fanOut, PresenceMetrics metrics, EventBus eventBus,
                  InstanceRegistry presenceInstances) {
        this.settings = settings;
        this.rosters = rosters;
        this.accounts = accounts;
        this.directory = directory;
        this.broadcaster = broadcaster;
        this.fanOut = fanOut;
        this.metrics = metrics;
        this.eventBus = eventBus;
        this.presenceInstances = presenceInstances;
    }

    // ---- roster IQs (RFC 6121 §2) ------------------------------------------------------------------

    Future<IqAnswer> rosterIq(RoutedStanza request, XmlElement iq, Context context) {
        Jid user = Jid.of(request.from());
        String owner = user.bare().toString();
        XmlElement query = iq.child("query", ROSTER);
        if ("get".equals(iq.attribute("type"))) {
            Future<Boolean> interested = Future.fromCompletionStage(
                    directory.markRosterRequested(owner, user.resource(), request.originConnection()), context);
            Future<Roster> roster = interested.compose(v -> Future.fromCompletionStage(rosters.roster(owner), context));
            return roster.compose(r -> versionString(owner, r.version(), context)).map(current -> {
                String ver = query.attribute("ver");
                if (current.equals(ver)) {
                    return IqAnswer.result(null); // XEP-0237 §2.3: unchanged, nothing to send
                }
                XmlElement.Builder result = XmlElement.builder("query", ROSTER).attribute("ver", current);
                for (RosterItem item : roster.result().items()) {
                    result.child(itemElement(item));
                }
                return IqAnswer.result(result.build());
            });
        }
        List<XmlElement> items = query.children("item", ROSTER);
        if (items.size() != 1) {
            return Future.succeededFuture(IqAnswer.error(StanzaErrorCondition.BAD_REQUEST,
                    "a roster set carries exactly one item")); // RFC 6121 §2.3.3
        }
        XmlElement item = items.get(0);
        Jid contact = Jid.tryParse(item.attribute("jid") == null ? "" : item.attribute("jid")).orElse(null);
        if (contact == null) {
            return Future.succeededFuture(IqAnswer.error(StanzaErrorCondition.BAD_REQUEST, "invalid or missing jid"));
        }
        String contactBare = contact.bare().toString();
        if ("remove".equals(item.attribute("subscription"))) {
            return remove(owner, contactBare, context);
        }
        Set<String> groups = new LinkedHashSet<>();
        for (XmlElement group : item.children("group", ROSTER)) {
            String name = group.text();
            if (name.isEmpty()) {
                return Future.succeededFuture(IqAnswer.error(StanzaErrorCondition.NOT_ACCEPTABLE,
                        "empty group name")); // RFC 6121 §2.3.3
            }
            if (!groups.add(name)) {
                return Future.succeededFuture(IqAnswer.error(StanzaErrorCondition.BAD_REQUEST,
                        "duplicate group " + name));
            }
        }
        String name = item.attribute("name");
        return Future.fromCompletionStage(rosters.item(owner, contactBare), context).compose(existing -> {
            RosterItem base = existing.orElse(RosterItem.of(contactBare));
            RosterItem updated;
            try {
                updated = base.withName(name).withGroups(groups); // subscription state is the server's
            } catch (IllegalArgumentException e) {
                return Future.succeededFuture(IqAnswer.error(StanzaErrorCondition.NOT_ACCEPTABLE, e.getMessage()));
            }
            return Future.fromCompletionStage(rosters.put(owner, updated), context)
                    .compose(version -> push(owner, updated, version, context))
                    .map(v -> IqAnswer.result(null));
        });
    }

    /** RFC 6121 §2.5.2: removing an item also cancels both directions of the subscription. */
    private Future<IqAnswer> remove(String owner, String contact, Context context) {
        return Future.fromCompletionStage(rosters.item(owner, contact), context).compose(existing -> {
            if (existing.isEmpty()) {
                return Future.succeededFuture(IqAnswer.error(StanzaErrorCondition.ITEM_NOT_FOUND, null)); // §2.5.3
            }
            RosterItem item = existing.get();
            Future<Void> cancel = Future.succeededFuture();
            if (item.subscription().hasTo() || item.askSubscribe()) {
                cancel = cancel.compose(v -> outbound(owner, contact, SubscriptionType.UNSUBSCRIBE,
                        minimalStanza(owner, SubscriptionType.UNSUBSCRIBE), 0, context));
            }
            if (item.subscription().hasFrom()) {
                cancel = cancel.compose(v -> outbound(owner, contact, SubscriptionType.UNSUBSCRIBED,
                        minimalStanza(owner, SubscriptionType.UNSUBSCRIBED), 0, context));
            }
            return cancel.compose(v -> Future.fromCompletionStage(rosters.remove(owner, contact), context))
                    .compose(version -> push(owner, new RosterItem(contact, null, Set.of(), Subscription.NONE,
                            false, false), version, context, true))
                    .map(v -> IqAnswer.result(null));
        });
    }

    /**
     * The XEP-0237 version string: the store's counter plus the account's creation time, because
     * the counter starts again when an account is deleted and re-created, and a client caching the
     * old account's roster must not be told it is current.
     */
    private Future<String> versionString(String owner, long version, Context context) {
        return Future.fromCompletionStage(accounts.find(owner), context).map(account -> version + "-"
                + account.map(a -> Long.toString(a.createdAt().toEpochMilli(), 36)).orElse("0"));
    }

    // ---- subscriptions (RFC 6121 §3) -----------------------------------------------------------------
    //
    // A subscription stanza changes two rosters. Each roster is only ever changed in its owner's
    // ordered queue: the sender's side (outbound) runs in the sender's queue, then the contact's
    // side (inbound) is handed to the contact's queue on the instance that owns the contact. Two
    // users approving each other at the same moment therefore cannot overwrite each other.

    /** How the sender's outbound step changed whether the contact sees the sender's presence. */
    enum Effect { NONE, STARTED, ENDED }

    static final String PHASE_HEADER = "sb-phase";
    static final String INBOUND = "inbound";
    static final String EFFECT_HEADER = "sb-effect";

    /** A subscription stanza the user sent: its outbound step, then the contact's inbound step. */
    Future<Void> subscriptionStanza(RoutedStanza presence, Context context) {
        Optional<SubscriptionType> type = SubscriptionType.fromPresenceType(presence.type());
        if (type.isEmpty()) {
            return Future.succeededFuture();
        }
        metrics.subscriptions.increment();
        String user = Jid.of(presence.from()).bare().toString();
        String contact = Jid.of(presence.to()).bare().toString();
        if (user.equals(contact)) {
            return Future.succeededFuture(); // subscribing to oneself is implicit (RFC 6121 §4.2.2)
        }
        // RFC 6121 §3.1.2: stamped with the user's bare JID; id, status, nick etc. travel unchanged.
        byte[] stanza = StanzaParsing.parse(presence.xml()).withAttribute("from", user).withoutAttribute("to")
                .toBytes();
        return outbound(user, contact, type.get(), stanza, presence.ingressMicros(), context);
    }

    private Future<Void> outbound(String user, String contact, SubscriptionType type, byte[] stanza,
                                  long ingressMicros, Context context) {
        return state(user, contact, context).compose(before -> {
            Outcome out = SubscriptionRules.outbound(before.state, type);
            Effect effect = effect(before.state, out.newState());
            return apply(user, contact, before, out, context).compose(v -> {
                if (!out.forward() || !Jid.of(contact).domain().equals(settings.domain())) {
                    return runEffect(effect, user, contact, context); // no federation yet
                }
                return Future.fromCompletionStage(accounts.exists(contact), context).compose(exists -> {
                    if (exists) {
                        sendInbound(contact, user, type, stanza, effect, ingressMicros);
                        return Future.succeededFuture();
                    }
                    if (type == SubscriptionType.SUBSCRIBE) {
                        // RFC 6121 §3.1.3: no such contact, the request is refused on its behalf.
                        sendInbound(user, contact, SubscriptionType.UNSUBSCRIBED,
                                minimalStanza(contact, SubscriptionType.UNSUBSCRIBED), Effect.NONE, ingressMicros);
                    }
                    return runEffect(effect, user, contact, context);
                });
            });
        });
    }

    /** Queues {@code type} from {@code from} for {@code owner} in the owner's ordered queue. */
    private void sendInbound(String owner, String from, SubscriptionType type, byte[] stanza, Effect senderEffect,
                             long ingressMicros) {
        RoutedStanza inbound = new RoutedStanza(StanzaKind.PRESENCE, type.presenceType(), null, from, owner, "", "",
                ingressMicros, stanza);
        eventBus.send(presenceInstances.instanceFor(owner), inbound, new DeliveryOptions()
                .addHeader(PHASE_HEADER, INBOUND).addHeader(EFFECT_HEADER, senderEffect.name()));
    }

    /**
     * The contact's side, in the contact's ('owner') queue. The sender's effect runs after the
     * stanza is delivered, so the owner sees push, subscription stanza, then presence (§3.1.5).
     */
    Future<Void> inboundStep(RoutedStanza inbound, Effect senderEffect, Context context) {
        Optional<SubscriptionType> type = SubscriptionType.fromPresenceType(inbound.type());
        if (type.isEmpty()) {
            return Future.succeededFuture();
        }
        String owner = inbound.to();
        String from = inbound.from();
        return state(owner, from, context).compose(before -> {
            Outcome in = SubscriptionRules.inbound(before.state, type.get());
            Effect ownerEffect = effect(before.state, in.newState());
            Future<Void> stored = apply(owner, from, before, in, context);
            if (in.newState().pendingIn() && !before.state.pendingIn()) {
                stored = stored.compose(v -> Future.fromCompletionStage(rosters.addPending(owner,
                        new PendingSubscription(from, Instant.now(), inbound.xml())), context));
            }
            return stored.compose(v -> in.forward()
                            ? deliverToAvailable(owner, inbound.xml(), inbound.ingressMicros(), context)
                            : Future.succeededFuture())
                    .compose(v -> runEffect(senderEffect, from, owner, context))
                    .compose(v -> {
                        if (in.autoReply() != null) {
                            // Approved on the owner's behalf (pre-approval, or already From): the
                            // requester gets 'subscribed', then the owner's presence.
                            sendInbound(from, owner, in.autoReply(), minimalStanza(owner, in.autoReply()), ownerEffect,
                                    inbound.ingressMicros());
                            return Future.succeededFuture();
                        }
                        return runEffect(ownerEffect, owner, from, context);
                    });
        });
    }

    /** Stores the new state and pushes it when the item changed. */
    private Future<Void> apply(String owner, String contact, Current before, Outcome outcome, Context context) {
        SubscriptionState after = outcome.newState();
        Future<Void> done = Future.succeededFuture();
        if (outcome.stateChanged()) {
            if (before.state.pendingIn() && !after.pendingIn()) {
                done = done.compose(v -> Future.fromCompletionStage(rosters.removePending(owner, contact), context)
                        .mapEmpty());
            }
            if (after.isRosterVisible() || before.item.isPresent()) {
                RosterItem item = before.item.orElse(RosterItem.of(contact))
                        .withSubscription(Subscription.fromValue(after.subscriptionAttribute()))
                        .withAskSubscribe(after.ask()).withApproved(after.approved());
                done = done.compose(v -> Future.fromCompletionStage(rosters.put(owner, item), context))
                        .compose(version -> outcome.rosterPush() ? push(owner, item, version, context)
                                : Future.succeededFuture());
            }
        }
        return done;
    }

    private static Effect effect(SubscriptionState before, SubscriptionState after) {
        if (!before.from() && after.from()) {
            return Effect.STARTED;
        }
        return before.from() && !after.from() ? Effect.ENDED : Effect.NONE;
    }

    /** The contact starts or stops seeing the owner's presence (RFC 6121 §3.1.5, §3.2.2, §3.3.3). */
    private Future<Void> runEffect(Effect effect, String owner, String contact, Context context) {
        return switch (effect) {
            case STARTED -> sendCurrentPresence(owner, contact, context);
            case ENDED -> sendUnavailable(owner, contact, context);
            default -> Future.succeededFuture();
        };
    }

    private record Current(SubscriptionState state, Optional<RosterItem> item) {
    }

    private Future<Current> state(String owner, String contact, Context context) {
        Future<Optional<RosterItem>> item = Future.fromCompletionStage(rosters.item(owner, contact), context);
        Future<List<PendingSubscription>> pending = Future.fromCompletionStage(rosters.pending(owner), context);
        return Future.all(item, pending).map(v -> {
            boolean pendingIn = pending.result().stream().anyMatch(p -> p.from().equals(contact));
            Optional<RosterItem> stored = item.result();
            String subscription = stored.map(i -> i.subscription().value()).orElse("none");
            boolean from = "from".equals(subscription) || "both".equals(subscription);
            boolean to = "to".equals(subscription) || "both".equals(subscription);
            return new Current(SubscriptionState.of(subscription,
                    stored.map(RosterItem::askSubscribe).orElse(false) && !to,
                    pendingIn && !from, stored.map(RosterItem::approved).orElse(false) && !from && !pendingIn),
                    stored);
        });
    }

    // ---- deliveries ---------------------------------------------------------------------------------

    /** RFC 6121 §2.1.6: a roster push to every interested resource of the owner. */
    private Future<Void> push(String owner, RosterItem item, long version, Context context) {
        return push(owner, item, version, context, false);
    }

    private Future<Void> push(String owner, RosterItem item, long version, Context context, boolean removed) {
        Future<String> ver = versionString(owner, version, context);
        return ver.compose(v -> Future.fromCompletionStage(directory.sessions(owner), context)).map(sessions -> {
            XmlElement itemXml = removed ? XmlElement.builder("item", ROSTER).attribute("jid", item.contact())
                    .attribute("subscription", "remove").build() : itemElement(item);
            for (SessionEntry s : sessions) {
                if (!s.rosterRequested()) {
                    continue;
                }
                XmlElement pushIq = XmlElement.builder("iq", Namespaces.CLIENT).attribute("type", "set")
                        .attribute("id", "push" + pushIds.incrementAndGet()).attribute("to", owner + "/" + s.resource())
                        .child(XmlElement.builder("query", ROSTER).attribute("ver", ver.result())
                                .child(itemXml))
                        .build();
                eventBus.send(Addresses.connector(s.nodeId()),
                        Delivery.to(s.connectionId(), StanzaKind.IQ, pushIq.toBytes(), 0));
            }
            return null;
        });
    }

    private Future<Void> deliverToAvailable(String owner, byte[] stanzaWithoutTo, long ingressMicros,
                                            Context context) {
        return Future.fromCompletionStage(directory.sessions(owner), context).map(sessions -> {
            List<FanOut.Recipient> recipients = new ArrayList<>();
            for (SessionEntry s : sessions) {
                if (s.available()) {
                    recipients.add(new FanOut.Recipient(s, owner));
                }
            }
            fanOut.send(stanzaWithoutTo, recipients, ingressMicros);
            return null;
        });
    }

    /** §3.1.5: the contact now sees the owner's presence: send the current one of each resource. */
    private Future<Void> sendCurrentPresence(String owner, String contact, Context context) {
        return Future.fromCompletionStage(directory.sessions(owner), context).compose(sessions -> {
            Set<String> keys = new LinkedHashSet<>();
            for (SessionEntry s : sessions) {
                if (s.available()) {
                    keys.add(owner + "/" + s.resource());
                }
            }
            return broadcaster.lastPresences(keys).compose(states -> {
                Future<Void> all = Future.succeededFuture();
                for (Map.Entry<String, byte[]> state : states.entrySet()) {
                    all = all.compose(v -> deliverToAvailable(contact, state.getValue(), 0, context));
                }
                return all;
            });
        });
    }

    /** §3.2.2 / §3.3.3: the contact no longer sees the owner: unavailable from each of its resources. */
    private Future<Void> sendUnavailable(String owner, String contact, Context context) {
        return Future.fromCompletionStage(directory.sessions(owner), context).compose(sessions -> {
            Future<Void> all = Future.succeededFuture();
            for (SessionEntry s : sessions) {
                if (s.available()) {
                    byte[] unavailable = XmlElement.builder("presence", Namespaces.CLIENT)
                            .attribute("from", owner + "/" + s.resource()).attribute("type", "unavailable").build()
                            .toBytes();
                    all = all.compose(v -> deliverToAvailable(contact, unavailable, 0, context));
                }
            }
            return all;
        });
    }

    /** A subscription stanza the server sends on a user's behalf (no 'to' yet: delivery adds it). */
    private static byte[] minimalStanza(String from, SubscriptionType type) {
        return XmlElement.builder("presence", Namespaces.CLIENT).attribute("from", from)
                .attribute("type", type.presenceType()).build().toBytes();
    }

    static XmlElement itemElement(RosterItem item) {
        XmlElement.Builder b = XmlElement.builder("item", ROSTER).attribute("jid", item.contact())
                .attribute("name", item.name()).attribute("subscription", item.subscription().value());
        if (item.askSubscribe()) {
            b.attribute("ask", "subscribe");
        }
        if (item.approved()) {
            b.attribute("approved", "true");
        }
        for (String group : item.groups()) {
            b.child(XmlElement.builder("group", ROSTER).text(group));
        }
        return b.build();
    }
}
