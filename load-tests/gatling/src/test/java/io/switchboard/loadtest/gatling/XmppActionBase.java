package io.switchboard.loadtest.gatling;

import com.typesafe.scalalogging.Logger;
import com.typesafe.scalalogging.Logger$;
import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.core.config.NettyConfiguration;
import io.gatling.core.session.Session;
import io.gatling.core.structure.ScenarioContext;
import io.gatling.netty.util.Transports;
import io.netty.channel.ChannelFactory;
import io.netty.channel.socket.SocketChannel;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.xmpp.XmppException;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Base of our Gatling actions, written in Java against Gatling's Scala {@link Action} trait (the
 * open-source edition has no public Java API for new protocols). An action runs on the virtual
 * user's event loop, starts asynchronous work, and hands the session to the next action when the
 * work completes — never blocking the loop, which thousands of other users share.
 *
 * <p>{@link #timed} is the common shape of a protocol step: the time from start to completion is
 * logged under the step's request name (and counted in the enclosing group, e.g. "login"); a
 * failure is logged as KO with a short reason, marks the session failed (so {@code exitHereIfFailed}
 * ends the user) and makes the user leave every barrier.
 */
public abstract class XmppActionBase implements Action {
    protected final String name;
    protected final Action next;
    protected final ScenarioContext ctx;
    protected final GatlingStats stats;
    protected final Clock clock;
    protected final RunSettings settings;
    private Logger logger;

    protected XmppActionBase(String name, ScenarioContext ctx, Action next, RunSettings settings) {
        this.name = name;
        this.next = next;
        this.ctx = ctx;
        this.stats = new GatlingStats(ctx.coreComponents().statsEngine());
        this.clock = ctx.coreComponents().clock();
        this.settings = settings;
    }

    @Override
    public String name() {
        return name;
    }

    // Action extends scala-logging's StrictLogging: a Scala trait field, provided by hand from Java.
    @Override
    public Logger logger() {
        if (logger == null) {
            logger = Logger$.MODULE$.apply(LoggerFactory.getLogger(getClass()));
        }
        return logger;
    }

    @Override
    public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger value) {
        this.logger = value;
    }

    @Override
    public final void execute(Session session) {
        try {
            run(session);
        } catch (RuntimeException e) {
            long now = clock.nowMillis();
            stats.ko(session.scenario(), session.groups(), name, now, now, XmppException.describe(e));
            VirtualClient vu = VirtualClient.of(session);
            if (vu != null) {
                vu.depart();
            }
            proceed(session.markAsFailed());
        }
    }

    protected abstract void run(Session session);

    /** Hands the session to the next action, on the user's own event loop. */
    protected void proceed(Session session) {
        // `!` (not execute): Gatling's entry point, where its own actions check loop and block exits.
        if (session.eventLoop().inEventLoop()) {
            next.$bang(session);
        } else {
            session.eventLoop().execute(() -> next.$bang(session));
        }
    }

    /** Logs {@code work} as request {@code request}, then proceeds (failed sessions are marked so). */
    protected void timed(Session session, String request, long startMillis, CompletableFuture<?> work) {
        work.whenComplete((value, error) -> {
            long end = clock.nowMillis();
            Session s = session.logGroupRequestTimings(startMillis, end);
            if (error == null) {
                stats.ok(session.scenario(), session.groups(), request, startMillis, end);
            } else {
                stats.ko(session.scenario(), session.groups(), request, startMillis, end, XmppException.describe(error));
                VirtualClient vu = VirtualClient.of(session);
                if (vu != null) {
                    vu.depart();
                }
                s = s.markAsFailed();
            }
            proceed(s);
        });
    }

    private ChannelFactory<? extends SocketChannel> channels;

    /** The socket type that matches Gatling's event loops (epoll, io_uring or NIO, per gatling.conf). */
    protected ChannelFactory<? extends SocketChannel> channels() {
        if (channels == null) {
            NettyConfiguration netty = ctx.coreComponents().configuration().netty();
            channels = Transports.newSocketChannelFactory(netty.useNativeTransport(), netty.useIoUring());
        }
        return channels;
    }

    protected VirtualClient client(Session session) {
        VirtualClient vu = VirtualClient.of(session);
        if (vu == null) {
            throw new XmppException("no XMPP client in the session (Xmpp.newClient() missing)");
        }
        return vu;
    }
}
