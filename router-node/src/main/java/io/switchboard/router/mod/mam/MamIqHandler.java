package io.switchboard.router.mod.mam;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StanzaErrorType;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.Outbound;
import io.switchboard.router.module.IqRequest;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.ArchivedMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Answers IQs in {@code urn:xmpp:mam:2} for the requester's own archive: queries (XEP-0313 §4),
 * the query form (§4.1.5), archive metadata (§5) and preferences (XEP-0441).
 *
 * <p>Result messages go straight to the requesting connection with {@link Outbound#replyTo},
 * the path the router's IQ answer takes right after this handler's future completes, so the
 * connector writes every result before the {@code <fin/>} (XEP-0313 §4: "MUST send the IQ result
 * after the last query result"): one event-bus address, sent in order from one event loop.
 */
final class MamIqHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MamIqHandler.class);
    /** A query the store has not answered by then gets internal-server-error (wait) instead of hanging. */
    static final Duration STORAGE_TIME_LIMIT = Duration.ofSeconds(10);

    private final ArchiveStore archive;
    private final Outbound outbound;
    private final Vertx vertx;
    private final Duration timeLimit;
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    MamIqHandler(ArchiveStore archive, Outbound outbound, Vertx vertx) {
        this(archive, outbound, vertx, STORAGE_TIME_LIMIT);
    }

    MamIqHandler(ArchiveStore archive, Outbound outbound, Vertx vertx, Duration timeLimit) {
        this.timeLimit = timeLimit;
        this.archive = archive;
        this.outbound = outbound;
        this.vertx = vertx;
    }

    Future<XmlElement> handle(IqRequest request) {
        if (!request.isForSelf()) {
            // XEP-0313 §8.1: a user archive belongs to its user alone.
            return fail(StanzaErrorCondition.FORBIDDEN, "only the archive's owner may use it");
        }
        XmlElement payload = request.payload();
        String owner = request.from().bare().toString();
        try {
            Future<XmlElement> answer = switch (payload.name()) {
                case "query" -> request.isGet() ? Future.succeededFuture(MamReplies.queryForm())
                        : query(request, owner, MamQueryParser.parse(payload));
                case "prefs" -> request.isGet() ? storage(() -> archive.prefs(owner)).map(PrefsCodec::write)
                        : setPrefs(owner, PrefsCodec.parse(payload));
                case "metadata" -> request.isGet() ? metadata(owner)
                        : fail(StanzaErrorCondition.BAD_REQUEST, "metadata is read with a get");
                default -> fail(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, null);
            };
            return answer.recover(this::storageFailure);
        } catch (StanzaErrorException e) {
            return Future.failedFuture(e);
        }
    }

    // ---- queries --------------------------------------------------------------------------------

    private Future<XmlElement> query(IqRequest request, String owner, MamRequest q) {
        // The named positions must exist (checked alongside the query itself, one point look-up each).
        Future<Void> positions = allExist(owner, q.cursors());
        Future<ArchivePage> page = q.ids() != null ? byIds(owner, q) : storage(() -> archive.query(owner, q.query()));
        return Future.all(positions, page).map(v -> {
            List<ArchivedMessage> messages = q.max() == 0 ? List.of() : page.result().messages();
            boolean complete = q.max() == 0 ? page.result().messages().isEmpty() : page.result().complete();
            List<ArchivedMessage> sendOrder = messages;
            if (q.flipPage()) {
                sendOrder = new ArrayList<>(messages);
                Collections.reverse(sendOrder);
            }
            String to = request.from().toString();
            for (ArchivedMessage m : sendOrder) {
                outbound.replyTo(request.header(), MamReplies.result(to, owner, q.queryId(), m));
            }
            return MamReplies.fin(messages, complete);
        });
    }

    /**
     * Whether ids exist in the owner's archive, by one point look-up each: ids are the archive's
     * clustering key, so a query bounded to exactly one id reads at most one row. Checking the
     * text form alone would accept any well-formed id (they are time-ordered numbers, so every
     * one is a position), but XEP-0313 §4.1.3/§4.3 demand item-not-found for ids not in the
     * archive, e.g. another user's ids or one the client made up.
     */
    private Future<Void> allExist(String owner, List<Long> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Future<Optional<ArchivedMessage>>> lookups = new ArrayList<>(ids.size());
        for (long id : ids) {
            lookups.add(lookUp(owner, id));
        }
        return Future.all(lookups).compose(v -> {
            for (Future<Optional<ArchivedMessage>> f : lookups) {
                if (f.result().isEmpty()) {
                    return fail(StanzaErrorCondition.ITEM_NOT_FOUND, "no such message in the archive");
                }
            }
            return Future.succeededFuture();
        });
    }

    private Future<Optional<ArchivedMessage>> lookUp(String owner, long id) {
        ArchiveQuery exactly = new ArchiveQuery(null, null, null, id - 1, id == Long.MAX_VALUE ? null : id + 1, 1, false);
        return storage(() -> archive.query(owner, exactly))
                .map(p -> p.messages().stream().filter(m -> m.id() == id).findFirst());
    }

    /** XEP-0313 §4.1.3 'ids': exactly those messages (each must exist), further narrowed by the rest of the query. */
    private Future<ArchivePage> byIds(String owner, MamRequest q) {
        List<Future<Optional<ArchivedMessage>>> lookups = new ArrayList<>(q.ids().size());
        for (long id : q.ids()) {
            lookups.add(lookUp(owner, id));
        }
        return Future.all(lookups).compose(v -> {
            List<ArchivedMessage> found = new ArrayList<>(lookups.size());
            for (Future<Optional<ArchivedMessage>> f : lookups) {
                if (f.result().isEmpty()) {
                    return fail(StanzaErrorCondition.ITEM_NOT_FOUND, "no such message in the archive");
                }
                if (q.query().matches(f.result().get())) {
                    found.add(f.result().get());
                }
            }
            found.sort(Comparator.comparingLong(ArchivedMessage::id));
            int limit = q.query().limit();
            boolean complete = found.size() <= limit;
            List<ArchivedMessage> page = !complete && q.query().last()
                    ? found.subList(found.size() - limit, found.size()) : found.subList(0, Math.min(limit, found.size()));
            return Future.succeededFuture(new ArchivePage(page, complete));
        });
    }

    /** XEP-0313 §5: the oldest and newest message, or an empty element for an empty archive. */
    private Future<XmlElement> metadata(String owner) {
        Future<ArchivePage> first = storage(() -> archive.query(owner, ArchiveQuery.first(1)));
        Future<ArchivePage> last = storage(() -> archive.query(owner, ArchiveQuery.latest(1)));
        return Future.all(first, last).map(v -> {
            List<ArchivedMessage> oldest = first.result().messages();
            List<ArchivedMessage> newest = last.result().messages();
            return oldest.isEmpty() || newest.isEmpty() ? MamReplies.metadata(null, null)
                    : MamReplies.metadata(oldest.get(0), newest.get(newest.size() - 1));
        });
    }

    // ---- preferences ----------------------------------------------------------------------------

    /** XEP-0441 §2: stores the preferences and answers with them as applied. */
    private Future<XmlElement> setPrefs(String owner, ArchivePrefs prefs) {
        return storage(() -> archive.setPrefs(owner, prefs)).map(v -> PrefsCodec.write(prefs));
    }

    // ---- storage plumbing -----------------------------------------------------------------------

    /**
     * One storage call, on the calling context, bounded by {@link #STORAGE_TIME_LIMIT}: a store
     * that does not answer fails the call (and so the request, with internal-server-error) rather
     * than leave the client waiting. Bounding each call, not the whole request, means nothing is
     * sent after a time-out: result messages go out only once every call has answered.
     */
    private <T> Future<T> storage(Supplier<CompletionStage<T>> call) {
        Context context = vertx.getOrCreateContext();
        Future<T> answer;
        try {
            answer = Future.fromCompletionStage(call.get(), context);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return TimeLimits.within(answer, timeLimit, context, "archive storage");
    }

    /** Any failure that is not a deliberate stanza error is storage trouble: try again later. */
    private Future<XmlElement> storageFailure(Throwable failure) {
        if (failure instanceof StanzaErrorException) {
            return Future.failedFuture(failure);
        }
        failureLog.warn("Archive storage failed to answer a MAM request: {}", failure.toString());
        return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.INTERNAL_SERVER_ERROR,
                StanzaErrorType.WAIT, "the archive is temporarily unavailable"));
    }

    private static <T> Future<T> fail(StanzaErrorCondition condition, String text) {
        return Future.failedFuture(new StanzaErrorException(condition, text));
    }
}
