package io.switchboard.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.structure.ScenarioContext;
import io.switchboard.loadtest.run.DeliveryTracker;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiver's verdict on its partner's messages, logged as request "chat: all delivered": OK
 * when the end marker is in and every announced message arrived exactly once; KO ("messages lost",
 * "duplicate messages", "end marker missing") otherwise, after waiting up to {@code xmpp.drain}
 * seconds for stragglers. The simulation asserts that this request never fails.
 */
final class AwaitDeliveriesAction extends XmppActionBase {
    static final String REQUEST = "chat: all delivered";

    AwaitDeliveriesAction(ScenarioContext ctx, Action next, RunSettings settings) {
        super(REQUEST, ctx, next, settings);
    }

    @Override
    protected void run(Session session) {
        VirtualClient vu = client(session);
        int partner = settings.partner(vu.index);
        if (partner < 0) {
            proceed(session);
            return;
        }
        long start = clock.nowMillis();
        boolean[] finished = {false};
        ScheduledFuture<?>[] timeout = new ScheduledFuture<?>[1];
        Runnable finish = () -> {
            if (finished[0]) {
                return;
            }
            finished[0] = true;
            vu.onChange(null);
            if (timeout[0] != null) {
                timeout[0].cancel(false);
            }
            report(stats, session.scenario(), vu.deliveries, partner, start, clock.nowMillis());
            proceed(session);
        };
        vu.onChange(() -> {
            if (vu.deliveries.complete(partner)) {
                finish.run();
            }
        });
        if (vu.deliveries.complete(partner)) {
            finish.run();
            return;
        }
        timeout[0] = session.eventLoop().schedule(finish, settings.drainSeconds(), TimeUnit.SECONDS);
    }

    /** Logs the verdict on one partner's messages (shared with the WebSocket simulation). */
    static void report(GatlingStats stats, String scenario, DeliveryTracker d, int partner, long start, long end) {
        String failure = null;
        if (!d.ended(partner)) {
            RunStats.count("chat.endMissing");
            failure = "end marker missing";
        } else if (d.missing(partner) > 0) {
            RunStats.add("chat.lost", d.missing(partner));
            failure = "messages lost";
        } else if (d.duplicates(partner) > 0) {
            failure = "duplicate messages";
        }
        if (failure == null) {
            stats.ok(scenario, REQUEST, start, end);
        } else {
            stats.ko(scenario, REQUEST, start, end, failure);
        }
    }
}
