package io.switchboard.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.ArchivedMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ArchiveStore} on tables {@code archive} (partition per owner and time bucket, clustered by
 * id), {@code archive_by_with} (per owner, bare contact and bucket: {@code with} queries),
 * {@code archive_buckets} (per owner: which buckets hold data, for the whole archive under
 * {@code with_bare = ''} and per contact) and {@code archive_prefs}.
 *
 * <p><b>Queries</b> turn the time and id filters into one id range, and the range into the buckets
 * it can touch; the bucket index (one small partition) lists only those that have data, in the
 * paging direction, so a query reads just the partitions it needs, newest first for
 * {@code last} pages. It stops as soon as it has one message more than the page (that one only
 * decides {@code complete}). A full-JID {@code with} reads the bare contact's partitions and
 * filters rows by resource in code.
 *
 * <p><b>Appends</b> are plain upserts of the main row, the per-contact copy and the two index
 * rows, issued together: no lightweight transaction and no read-before-write on the busiest
 * table. That is safe because ids are unique by construction ({@link ArchiveId}), so the only
 * repeated id is a retry of the same message, which rewrites identical rows; a retry after a
 * half-done append completes it. With a retention configured, every row carries it as TTL; index
 * rows are rewritten with each append, so they outlive the data they point to by at most one
 * bucket.
 */
final class CassandraArchiveStore implements ArchiveStore {

    private static final Logger LOG = LoggerFactory.getLogger(CassandraArchiveStore.class);

    /** Bucket index rows per page while walking. */
    private static final int BUCKET_PAGE = 64;
    /** Upper bound on rows per page while reading a bucket (the page size otherwise follows the need). */
    private static final int MAX_ROW_PAGE = 500;
    /** Partitions deleted at once when an account goes. */
    private static final int PURGE_PARALLELISM = 16;
    private static final String ALL = "";

    private final CqlExecutor ops;
    private final CassandraAccountStore accounts;
    private final long bucketWidthMillis;
    private final int ttlSeconds;

    private final Cql.Ref insertBucket;
    private final Cql.Ref insertByWith;
    private final Cql.Ref insertMain;
    private final Cql.Ref bucketsAsc;
    private final Cql.Ref bucketsDesc;
    private final Cql.Ref mainAsc;
    private final Cql.Ref mainDesc;
    private final Cql.Ref withAsc;
    private final Cql.Ref withDesc;
    private final Cql.Ref allBuckets;
    private final Cql.Ref deleteMain;
    private final Cql.Ref deleteWith;
    private final Cql.Ref deleteBuckets;
    private final Cql.Ref selectPrefs;
    private final Cql.Ref insertPrefs;
    private final Cql.Ref deletePrefs;

    CassandraArchiveStore(CqlExecutor ops, Cql cql, CassandraAccountStore accounts, long bucketWidthMillis,
                          int ttlSeconds) {
        this.ops = ops;
        this.accounts = accounts;
        this.bucketWidthMillis = bucketWidthMillis;
        this.ttlSeconds = ttlSeconds;
        insertBucket = cql.idempotent("INSERT INTO {ks}.archive_buckets (owner, with_bare, bucket) VALUES (?, ?, ?) USING TTL ?");
        insertByWith = cql.idempotent("INSERT INTO {ks}.archive_by_with (owner, with_bare, bucket, id, with_jid, stanza) "
                + "VALUES (?, ?, ?, ?, ?, ?) USING TTL ?");
        insertMain = cql.idempotent("INSERT INTO {ks}.archive (owner, bucket, id, with_jid, stanza) VALUES (?, ?, ?, ?, ?)"
                + " USING TTL ?");
        String bucketRange = "SELECT bucket FROM {ks}.archive_buckets WHERE owner = ? AND with_bare = ? AND bucket >= ? AND bucket <= ?";
        bucketsAsc = cql.idempotent(bucketRange + " ORDER BY with_bare ASC, bucket ASC");
        bucketsDesc = cql.idempotent(bucketRange + " ORDER BY with_bare DESC, bucket DESC");
        String main = "SELECT id, with_jid, stanza FROM {ks}.archive WHERE owner = ? AND bucket = ? AND id >= ? AND id <= ?";
        mainAsc = cql.idempotent(main + " ORDER BY id ASC");
        mainDesc = cql.idempotent(main + " ORDER BY id DESC");
        String with = "SELECT id, with_jid, stanza FROM {ks}.archive_by_with WHERE owner = ? AND with_bare = ? AND bucket = ?"
                + " AND id >= ? AND id <= ?";
        withAsc = cql.idempotent(with + " ORDER BY id ASC");
        withDesc = cql.idempotent(with + " ORDER BY id DESC");
        allBuckets = cql.idempotent("SELECT with_bare, bucket FROM {ks}.archive_buckets WHERE owner = ?");
        deleteMain = cql.idempotent("DELETE FROM {ks}.archive WHERE owner = ? AND bucket = ?");
        deleteWith = cql.idempotent("DELETE FROM {ks}.archive_by_with WHERE owner = ? AND with_bare = ? AND bucket = ?");
        deleteBuckets = cql.idempotent("DELETE FROM {ks}.archive_buckets WHERE owner = ?");
        selectPrefs = cql.idempotent("SELECT default_mode, always, never FROM {ks}.archive_prefs WHERE owner = ?");
        insertPrefs = cql.idempotent("INSERT INTO {ks}.archive_prefs (owner, default_mode, always, never) VALUES (?, ?, ?, ?)");
        deletePrefs = cql.idempotent("DELETE FROM {ks}.archive_prefs WHERE owner = ?");
    }

    /** The start of the bucket holding an id (buckets are aligned to the Unix epoch). */
    Instant bucketOf(long id) {
        long millis = ArchiveId.instant(id).toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(millis, bucketWidthMillis) * bucketWidthMillis);
    }

    @Override
    public CompletionStage<Void> append(ArchivedMessage m) {
        Objects.requireNonNull(m, "message");
        byte[] stanza = m.stanza(); // one copy, on the caller's thread
        String owner = m.owner();
        Instant bucket = bucketOf(m.id());
        return ops.run("archive message for " + owner, () -> accounts.requireAccount(owner).thenCompose(v ->
                CompletableFuture.allOf(
                        ops.write(insertMain.bind(owner, bucket, m.id(), m.with(), Bytes.wrap(stanza), ttlSeconds)),
                        secondary(owner, bucket, m.id(), m.with(), stanza))));
    }

    /** The per-contact copy and both bucket index rows (idempotent upserts, like the main row). */
    private CompletableFuture<Void> secondary(String owner, Instant bucket, long id, String with, byte[] stanza) {
        String withBare = ArchivedMessage.bareOf(with);
        // Both index rows share the owner's partition: one mutation.
        CompletableFuture<Void> index = ops.write(BatchStatement.newInstance(BatchType.UNLOGGED,
                insertBucket.bind(owner, ALL, bucket, ttlSeconds),
                insertBucket.bind(owner, withBare, bucket, ttlSeconds)).setIdempotent(true));
        CompletableFuture<Void> byWith = ops.write(insertByWith.bind(owner, withBare, bucket, id, with,
                Bytes.wrap(stanza), ttlSeconds));
        return CompletableFuture.allOf(index, byWith);
    }

    @Override
    public CompletionStage<ArchivePage> query(String owner, ArchiveQuery query) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(query, "query");
        long lowest = query.lowestId();
        long highest = query.highestId();
        return ops.run("query archive of " + owner, () -> highest < lowest || highest < 0
                ? CompletableFuture.completedFuture(new ArchivePage(List.of(), true)) // nothing can match
                : new Walk(owner, query, lowest, highest).start());
    }

    /** One query: walks the index's buckets in paging order and reads each until the page is full. */
    private final class Walk {

        private final String owner;
        private final ArchiveQuery query;
        private final long lowest;
        private final long highest;
        private final String withBare;
        private final String withFull;
        private final boolean newest;
        /** One more than the page: the extra message only tells whether the page is complete. */
        private final int wanted;
        private final List<ArchivedMessage> found = new ArrayList<>();

        Walk(String owner, ArchiveQuery query, long lowest, long highest) {
            this.owner = owner;
            this.query = query;
            this.lowest = lowest;
            this.highest = highest;
            this.withBare = query.with() == null ? null : ArchivedMessage.bareOf(query.with());
            this.withFull = query.with() != null && query.with().indexOf('/') >= 0 ? query.with() : null;
            this.newest = query.last();
            this.wanted = query.limit() == Integer.MAX_VALUE ? Integer.MAX_VALUE : query.limit() + 1;
        }

        CompletableFuture<ArchivePage> start() {
            BoundStatement buckets = (newest ? bucketsDesc : bucketsAsc).bind(owner, withBare == null ? ALL : withBare,
                    bucketOf(lowest), bucketOf(highest)).setPageSize(BUCKET_PAGE);
            return ops.execute(buckets).thenCompose(this::walk).thenApply(v -> page());
        }

        private CompletableFuture<Void> walk(AsyncResultSet buckets) {
            return walk(buckets, buckets.currentPage().iterator());
        }

        private CompletableFuture<Void> walk(AsyncResultSet buckets, Iterator<Row> page) {
            if (found.size() >= wanted) {
                return CompletableFuture.completedFuture(null);
            }
            if (page.hasNext()) {
                Instant bucket = page.next().getInstant(0);
                return read(bucket).thenCompose(v -> walk(buckets, page));
            }
            if (buckets.hasMorePages()) {
                return ops.nextPage(buckets).thenCompose(this::walk);
            }
            return CompletableFuture.completedFuture(null);
        }

        private CompletableFuture<Void> read(Instant bucket) {
            BoundStatement rows = withBare == null
                    ? (newest ? mainDesc : mainAsc).bind(owner, bucket, lowest, highest)
                    : (newest ? withDesc : withAsc).bind(owner, withBare, bucket, lowest, highest);
            // Without a resource filter every row counts, so ask for exactly what is missing.
            int need = wanted - found.size();
            int pageSize = withFull == null ? Math.min(need, MAX_ROW_PAGE) : MAX_ROW_PAGE;
            return ops.execute(rows.setPageSize(Math.max(1, pageSize))).thenCompose(this::collect);
        }

        private CompletableFuture<Void> collect(AsyncResultSet rows) {
            for (Row row : rows.currentPage()) {
                String with = row.getString(1);
                if (withFull != null && !withFull.equals(with)) {
                    continue;
                }
                found.add(new ArchivedMessage(owner, row.getLong(0), with, Bytes.of(row.getByteBuffer(2))));
                if (found.size() >= wanted) {
                    return CompletableFuture.completedFuture(null);
                }
            }
            if (!rows.hasMorePages()) {
                return CompletableFuture.completedFuture(null);
            }
            return ops.nextPage(rows).thenCompose(this::collect);
        }

        private ArchivePage page() {
            boolean complete = found.size() <= query.limit();
            List<ArchivedMessage> messages = complete ? found : found.subList(0, query.limit());
            if (newest) {
                messages = new ArrayList<>(messages);
                Collections.reverse(messages); // pages are always oldest first
            }
            return new ArchivePage(messages, complete);
        }
    }

    @Override
    public CompletionStage<ArchivePrefs> prefs(String owner) {
        Objects.requireNonNull(owner, "owner");
        return ops.run("read archiving preferences of " + owner, () -> ops.one(selectPrefs.bind(owner)).thenApply(row -> {
            if (row == null || row.isNull(0)) {
                return ArchivePrefs.DEFAULT;
            }
            ArchivePrefs.Mode mode = ArchivePrefs.Mode.fromXml(row.getString(0));
            if (mode == null) {
                // Written by a newer version: archiving too little is the safer mistake.
                LOG.warn("Unknown archiving default mode '{}' for {}; treating it as 'never'", row.getString(0), owner);
                mode = ArchivePrefs.Mode.NEVER;
            }
            Set<String> always = row.getSet(1, String.class);
            Set<String> never = row.getSet(2, String.class);
            return new ArchivePrefs(mode, always == null ? Set.of() : always, never == null ? Set.of() : never);
        }));
    }

    @Override
    public CompletionStage<Void> setPrefs(String owner, ArchivePrefs prefs) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(prefs, "prefs");
        return ops.run("set archiving preferences of " + owner, () -> accounts.requireAccount(owner).thenCompose(v ->
                ops.write(insertPrefs.bind(owner, prefs.defaultMode().xmlValue(), prefs.always(), prefs.never()))));
    }

    /**
     * Account deletion: every partition the bucket index names (whole archive and per contact),
     * then the index and the preferences.
     */
    CompletableFuture<Void> purge(String owner) {
        CompletableFuture<Void> prefs = ops.write(deletePrefs.bind(owner));
        CompletableFuture<Void> archive = ops.all(allBuckets.bind(owner), Function.identity())
                .thenCompose(rows -> ops.forEach(rows, PURGE_PARALLELISM, row -> {
                    String withBare = row.getString(0);
                    Instant bucket = row.getInstant(1);
                    return ALL.equals(withBare) ? ops.write(deleteMain.bind(owner, bucket))
                            : ops.write(deleteWith.bind(owner, withBare, bucket));
                }))
                .thenCompose(v -> ops.write(deleteBuckets.bind(owner)));
        return CompletableFuture.allOf(prefs, archive);
    }
}
