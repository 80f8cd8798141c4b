package io.switchboard.storage;

import java.util.List;

/**
 * One page of an archive query.
 *
 * @param messages the page in ascending id order (oldest first) whichever end it was taken from
 * @param complete whether no further message matches beyond this page in the paging direction:
 *                 after its newest message when paging forward, before its oldest when paging
 *                 backward (XEP-0313 §4.3 {@code <fin complete='true'/>}). A full page is complete
 *                 when nothing matches beyond it, so backends must look one message further than
 *                 {@code limit}; an empty page is always complete (nothing matches at all)
 */
public record ArchivePage(List<ArchivedMessage> messages, boolean complete) {

    public ArchivePage {
        messages = List.copyOf(messages);
    }
}
