package io.switchboard.loadtest.gatling;

import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.structure.ScenarioContext;
import io.switchboard.loadtest.run.RunSettings;

import java.util.concurrent.CompletableFuture;

/** A protocol step timed as one Gatling request: the work is a function of the virtual user. */
final class TimedStep extends XmppActionBase {

    @FunctionalInterface
    interface Work {
        CompletableFuture<?> start(XmppActionBase self, VirtualClient vu, Session session);
    }

    private final Work work;

    TimedStep(String request, ScenarioContext ctx, Action next, RunSettings settings, Work work) {
        super(request, ctx, next, settings);
        this.work = work;
    }

    @Override
    protected void run(Session session) {
        if (session.isFailed()) {
            proceed(session); // an earlier step of this login failed and was counted: skip the rest
            return;
        }
        VirtualClient vu = client(session);
        long start = clock.nowMillis();
        CompletableFuture<?> f;
        try {
            f = work.start(this, vu, session);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        timed(session, name, start, f);
    }
}
