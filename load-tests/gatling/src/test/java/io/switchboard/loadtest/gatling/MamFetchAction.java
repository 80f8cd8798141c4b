package io.switchboard.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.structure.ScenarioContext;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;
import io.switchboard.loadtest.xml.XmlElement;
import io.switchboard.loadtest.xmpp.Stanzas;
import io.switchboard.loadtest.xmpp.XmppException;
import io.switchboard.loadtest.xmpp.XmppTcpClient;

/**
 * History at login (XEP-0313 with XEP-0059 paging): pages of {@code xmpp.mamPageSize} newest first,
 * each timed as "mam: page" from the query to the iq result that follows its last message (§4.3),
 * until the archive says complete or {@code xmpp.mamMaxPages} pages are in. Then "mam: history":
 * OK when at least the provisioned history came back (each user of a pair sent the other
 * {@code xmpp.history} messages, so an archive holds twice that), KO "history incomplete" otherwise.
 */
final class MamFetchAction extends XmppActionBase {

    MamFetchAction(ScenarioContext ctx, Action next, RunSettings settings) {
        super("mam: fetch", ctx, next, settings);
    }

    @Override
    protected void run(Session session) {
        VirtualClient vu = client(session);
        XmppTcpClient c = vu.connection;
        if (c == null || !c.isConnected()) {
            proceed(session);
            return;
        }
        page(session, vu, c, null, 0, 0, clock.nowMillis());
    }

    private void page(Session session, VirtualClient vu, XmppTcpClient c, String before, int pages, long fetched,
                      long historyStart) {
        String queryId = "q" + c.newId();
        vu.mamQueryId = queryId;
        vu.mamResults = 0;
        long start = clock.nowMillis();
        c.iq(id -> Stanzas.mamQuery(id, queryId, null, settings.mamPageSize(), before)).whenComplete((iq, error) -> {
            long end = clock.nowMillis();
            if (error != null) {
                stats.ko(session.scenario(), "mam: page", start, end, XmppException.describe(error));
                done(session, fetched, historyStart);
                return;
            }
            int count = vu.mamResults;
            stats.ok(session.scenario(), "mam: page", start, end);
            RunStats.count("mam.pages");
            RunStats.add("mam.messages", count);
            RunStats.histogram("mam.page").record((end - start) * 1000);
            XmlElement fin = iq.child("fin");
            boolean complete = fin != null && "true".equals(fin.attribute("complete"));
            XmlElement set = fin == null ? null : fin.child("set");
            String first = set == null ? null : set.childText("first");
            int pagesNow = pages + 1;
            if (complete || count == 0 || first == null || pagesNow >= settings.mamMaxPages()) {
                done(session, fetched + count, historyStart);
            } else {
                page(session, vu, c, first, pagesNow, fetched + count, historyStart);
            }
        });
    }

    private void done(Session session, long fetched, long historyStart) {
        long expected = Math.min(2L * settings.history(), (long) settings.mamMaxPages() * settings.mamPageSize());
        long end = clock.nowMillis();
        if (fetched < expected) {
            RunStats.add("mam.missing", expected - fetched);
            stats.ko(session.scenario(), "mam: history", historyStart, end, "history incomplete");
        } else {
            stats.ok(session.scenario(), "mam: history", historyStart, end);
        }
        proceed(session);
    }
}
