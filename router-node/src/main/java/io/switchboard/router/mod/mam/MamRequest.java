package io.switchboard.router.mod.mam;

import io.switchboard.storage.ArchiveQuery;

import java.util.List;

/**
 * A parsed archive query (XEP-0313 §4): what to ask storage for and how to answer.
 *
 * @param queryId  the client's 'queryid', echoed in every result (null when absent)
 * @param query    filter, id bounds, paging direction and the page size to ask storage for
 * @param max      the page size granted (XEP-0059 {@code <max/>}, capped); 0 = the client only
 *                 wants to know whether anything matches, so no result is sent
 * @param cursors  archive ids the client named as positions (RSM {@code <after/>}/{@code <before/>},
 *                 'after-id', 'before-id'): each must exist in the archive (XEP-0313 §4.1.3 and
 *                 §4.3, item-not-found otherwise)
 * @param ids      the 'ids' field (XEP-0313 §4.1.3 single-item retrieval), or null when absent
 * @param flipPage XEP-0313 §4.3.4 {@code <flip-page/>}: send the page newest first
 */
record MamRequest(String queryId, ArchiveQuery query, int max, List<Long> cursors, List<Long> ids, boolean flipPage) {
    MamRequest {
        cursors = List.copyOf(cursors);
        ids = ids == null ? null : List.copyOf(ids);
    }
}
