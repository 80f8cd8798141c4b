package io.switchboard.router.mod.mam;

import io.micrometer.core.instrument.Counter;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.InterceptedMessage;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.RosterStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The message interceptor that writes user archives (XEP-0313 §6.1.1): each local party of a
 * message gets a copy in its archive, the sender's as outgoing ({@code with} = the 'to'), the
 * recipient's as incoming ({@code with} = the sender's full JID), each as its owner's
 * preferences say. The recipient's copy is archived BEFORE the message goes on, so a MAM query
 * right after delivery finds it, and the delivered message carries the archive id as a XEP-0359
 * stanza-id. If archiving fails, the message is delivered all the same, without stanza-id.
 */
final class MessageArchiver {
    private static final Logger LOG = LoggerFactory.getLogger(MessageArchiver.class);
    /** One generator per process keeps ids strictly increasing across every archive written here. */
    private static final ArchiveId IDS = ArchiveId.generator();
    /**
     * How long a message waits for its archive copy before it goes on without one (shorter than
     * the router's limit for an interceptor, so a slow store shows up as an archive failure).
     */
    static final Duration ARCHIVE_TIME_LIMIT = Duration.ofSeconds(3);

    private final String domain;
    private final ArchiveStore archive;
    private final RosterStore rosters;
    private final Vertx vertx;
    private final Counter failures;
    private final Counter archived;
    private final Duration timeLimit;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    MessageArchiver(String domain, ArchiveStore archive, RosterStore rosters, Vertx vertx, Counter failures,
                    Counter archived) {
        this(domain, archive, rosters, vertx, failures, archived, ARCHIVE_TIME_LIMIT);
    }

    MessageArchiver(String domain, ArchiveStore archive, RosterStore rosters, Vertx vertx, Counter failures,
                    Counter archived, Duration timeLimit) {
        this.timeLimit = timeLimit;
        this.domain = domain;
        this.archive = archive;
        this.rosters = rosters;
        this.vertx = vertx;
        this.failures = failures;
        this.archived = archived;
    }

    Future<InterceptedMessage> intercept(InterceptedMessage m) {
        if (!ArchivingRules.archivableType(m.type())) {
            return Future.succeededFuture(withoutSpoofedStanzaIds(m));
        }
        XmlElement message = m.element();
        if (!ArchivingRules.archivable(m.type(), message)) {
            return Future.succeededFuture(withoutSpoofedStanzaIds(m));
        }
        Context context = vertx.getOrCreateContext();
        Jid recipient = m.recipient();
        Jid sender = m.from().bare();
        // Incoming, for the recipient: 'with' is the sender as the message names it (full JID).
        Future<Long> incoming = archiveFor(recipient, m.from(), m, message, context);
        // Outgoing, for a local sender: 'with' is the 'to'. A message to oneself is archived once.
        boolean localSender = m.from().local() != null && domain.equals(m.from().domain());
        Future<Long> outgoing = localSender && !sender.equals(recipient)
                ? archiveFor(sender, m.to(), m, message, context) : Future.succeededFuture(null);
        return Future.join(incoming, outgoing).transform(done -> {
            Long id = incoming.result(); // archiveFor never fails: null = not archived
            XmlElement delivered = id == null ? StanzaIds.withoutStanzaIdsBy(message, recipient)
                    : StanzaIds.stamped(message, recipient, ArchiveId.format(id));
            return Future.succeededFuture(delivered == message ? m : m.withStanza(delivered));
        });
    }

    /** Non-archived messages still lose any stanza-id claiming to be by the recipient (XEP-0359 §5). */
    private static InterceptedMessage withoutSpoofedStanzaIds(InterceptedMessage m) {
        if (!StanzaIds.mayContain(m.stanza().xml())) {
            return m;
        }
        XmlElement message = m.element();
        XmlElement cleaned = StanzaIds.withoutStanzaIdsBy(message, m.recipient());
        return cleaned == message ? m : m.withStanza(cleaned);
    }

    /**
     * Archives the message for {@code owner} if their preferences allow it.
     *
     * @param target the other party, as the preferences are matched against (XEP-0441)
     * @return the archive id, or null when not archived (preferences, or a failure already
     *         counted and logged); never fails
     */
    private Future<Long> archiveFor(Jid owner, Jid target, InterceptedMessage m, XmlElement message,
                                    Context context) {
        String ownerJid = owner.toString();
        Future<Long> archiving = stage(() -> archive.prefs(ownerJid), context)
                .compose(prefs -> allowed(ownerJid, prefs, target, context))
                .compose(allowed -> {
                    if (!allowed) {
                        return Future.succeededFuture((Long) null);
                    }
                    long id = IDS.next();
                    ArchivedMessage copy = new ArchivedMessage(ownerJid, id, target.toString(),
                            archivedCopy(message, owner, m).toBytes());
                    return stage(() -> archive.append(copy), context).map(v -> {
                        archived.increment();
                        return id;
                    });
                });
        return TimeLimits.within(archiving, timeLimit, context, "archive storage")
                .recover(failure -> {
                    if (unwrap(failure) instanceof NoSuchAccountException) {
                        return Future.succeededFuture(null); // the account went away meanwhile
                    }
                    failures.increment();
                    failureLog.warn("Could not archive a message for {}; delivering it without stanza-id: {}",
                            ownerJid, unwrap(failure).toString());
                    return Future.succeededFuture(null);
                });
    }

    private Future<Boolean> allowed(String owner, ArchivePrefs prefs, Jid target, Context context) {
        return switch (ArchivingRules.verdict(prefs, target)) {
            case ARCHIVE -> Future.succeededFuture(true);
            case SKIP -> Future.succeededFuture(false);
            // XEP-0441: default='roster' compares the target's bare JID with the owner's roster.
            case IF_IN_ROSTER -> stage(() -> rosters.item(owner, target.bare().toString()), context)
                    .map(item -> item.isPresent());
        };
    }

    /**
     * What goes into the archive: the message as sent, with full addresses (an archive entry
     * must keep 'to' and 'from', XEP-0313 §3) and without stanza-ids claiming to be the owner's.
     */
    private static XmlElement archivedCopy(XmlElement message, Jid owner, InterceptedMessage m) {
        XmlElement copy = StanzaIds.withoutStanzaIdsBy(message, owner).withAttribute("from", m.from().toString());
        return copy.attribute("to") == null ? copy.withAttribute("to", m.to().toString()) : copy;
    }

    /** Storage calls may also throw synchronously (argument errors): both become a failed future. */
    private static <T> Future<T> stage(Supplier<CompletionStage<T>> call, Context context) {
        try {
            return Future.fromCompletionStage(call.get(), context);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
