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

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends one-to-one chat messages (RFC 6121 §5) to the user's partner at {@code xmpp.rate} per second
 * for {@code xmpp.duration} seconds, on a timer of the user's own event loop (a fixed rate that
 * catches up if the loop was late, so the offered load does not sag when the generator is busy),
 * then the end marker with the count. Each body carries the send time; the receiver measures the
 * delivery latency. Sending is not a request in the report; deliveries are ("chat: delivery").
 */
final class ChatSendAction extends XmppActionBase {

    ChatSendAction(ScenarioContext ctx, Action next, RunSettings settings) {
        super("chat: send", ctx, next, settings);
    }

    @Override
    protected void run(Session session) {
        VirtualClient vu = client(session);
        int partner = settings.partner(vu.index);
        XmppTcpClient c = vu.connection;
        if (partner < 0 || c == null || !c.isConnected()) {
            proceed(session);
            return;
        }
        String to = settings.bareJid(partner);
        long periodMicros = Math.max(1, (long) (1_000_000 / settings.ratePerUser()));
        long endMicros = EpochClock.micros() + settings.durationSeconds() * 1_000_000L;
        long initialDelay = ThreadLocalRandom.current().nextLong(periodMicros); // spread users over the period
        long[] sent = {0};
        ScheduledFuture<?>[] timer = new ScheduledFuture<?>[1];
        boolean[] done = {false};
        Runnable tick = () -> {
            if (done[0]) {
                return;
            }
            long now = EpochClock.micros();
            if (now >= endMicros || !c.isConnected()) {
                done[0] = true;
                timer[0].cancel(false);
                if (c.isConnected()) {
                    c.write(Stanzas.chat(to, c.newId(), DeliveryTracker.endBody(settings.runId(), vu.index, sent[0])));
                }
                proceed(session);
                return;
            }
            c.write(Stanzas.chat(to, c.newId(), DeliveryTracker.body(settings.runId(), vu.index, sent[0], now)));
            sent[0]++;
            RunStats.count("chat.sent");
        };
        timer[0] = c.loop().scheduleAtFixedRate(tick, initialDelay, periodMicros, TimeUnit.MICROSECONDS);
    }
}
