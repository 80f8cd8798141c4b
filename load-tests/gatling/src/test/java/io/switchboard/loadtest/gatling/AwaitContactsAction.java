package io.switchboard.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.structure.ScenarioContext;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Presence storm: waits until this user has seen available presence from every provisioned contact
 * (RFC 6121 §4.2.3 probes answer for those already online, §4.2.2 broadcasts for those coming
 * later), logged as "presence: contacts online"; KO "contacts missing" after the step timeout.
 */
final class AwaitContactsAction extends XmppActionBase {
    static final String REQUEST = "presence: contacts online";

    AwaitContactsAction(ScenarioContext ctx, Action next, RunSettings settings) {
        super(REQUEST, ctx, next, settings);
    }

    @Override
    protected void run(Session session) {
        VirtualClient vu = client(session);
        int expected = vu.expectedContacts();
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
            long end = clock.nowMillis();
            if (vu.contactsOnline() >= expected) {
                stats.ok(session.scenario(), REQUEST, start, end);
            } else {
                RunStats.add("presence.contactsMissing", expected - vu.contactsOnline());
                stats.ko(session.scenario(), REQUEST, start, end, "contacts missing");
            }
            proceed(session);
        };
        vu.onChange(() -> {
            if (vu.contactsOnline() >= expected) {
                finish.run();
            }
        });
        if (vu.contactsOnline() >= expected) {
            finish.run();
            return;
        }
        timeout[0] = session.eventLoop().schedule(finish, settings.timeoutSeconds(), TimeUnit.SECONDS);
    }
}
