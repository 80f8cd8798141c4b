package io.switchboard.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.structure.ScenarioContext;
import io.switchboard.loadtest.run.DeliveryTracker;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;
import io.switchboard.loadtest.xmpp.EpochClock;
import io.switchboard.loadtest.xmpp.Stanzas;
import io.switchboard.loadtest.xmpp.XmppTcpClient;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Presence storm: {@code xmpp.changes} broadcasts (RFC 6121 §4.4) {@code xmpp.changeGap} ms apart,
 * alternating away/available, each with a status text carrying the send time so every contact can
 * time the delivery ("presence: delivery"). Servers may coalesce rapid changes, so deliveries are
 * counted and timed, not required one by one.
 */
final class StatusChangesAction extends XmppActionBase {

    StatusChangesAction(ScenarioContext ctx, Action next, RunSettings settings) {
        super("presence: changes", ctx, next, settings);
    }

    @Override
    protected void run(Session session) {
        VirtualClient vu = client(session);
        XmppTcpClient c = vu.connection;
        if (c == null || !c.isConnected() || settings.changes() <= 0) {
            proceed(session);
            return;
        }
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, settings.changeGapMillis()));
        step(session, vu, c, 0, jitter);
    }

    private void step(Session session, VirtualClient vu, XmppTcpClient c, int n, long delayMillis) {
        c.loop().schedule(() -> {
            if (n >= settings.changes() || !c.isConnected()) {
                proceed(session);
                return;
            }
            String status = DeliveryTracker.body(settings.runId(), vu.index, n, EpochClock.micros());
            c.write(Stanzas.presence(n % 2 == 0 ? "away" : null, status));
            RunStats.count("presence.sent");
            step(session, vu, c, n + 1, settings.changeGapMillis());
        }, delayMillis, TimeUnit.MILLISECONDS);
    }
}
