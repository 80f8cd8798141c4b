package io.switchboard.loadtest.gatling;

import io.gatling.core.session.Session;
import io.gatling.javaapi.core.ActionBuilder;
import io.switchboard.loadtest.run.FileBarrier;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;
import io.switchboard.loadtest.xmpp.EpochClock;
import io.switchboard.loadtest.xmpp.Stanzas;

import java.util.concurrent.CompletableFuture;

/**
 * The XMPP-over-TCP "protocol" for Gatling's Java DSL: each method is an action, most of them one
 * timed step of RFC 6120/6121 (connect, starttls, sasl, bind, roster, presence, close), named so in
 * the report. A scenario feeds a {@code userIndex}, calls {@link #newClient()} and then chains steps:
 *
 * <pre>
 *   Xmpp xmpp = new Xmpp(settings);
 *   scenario("hold").feed(users).exec(xmpp.newClient())
 *       .group("login").on(xmpp.connect(), xmpp.startTls(), xmpp.authenticate(), xmpp.bind(), xmpp.roster(),
 *                          xmpp.initialPresence())
 *       .exitHereIfFailed()
 *       .pause(60).exec(xmpp.close());
 * </pre>
 */
public final class Xmpp {
    public static final String USER_INDEX = "userIndex";

    private final RunSettings settings;

    public Xmpp(RunSettings settings) {
        this.settings = settings;
        FileBarrier.configure(settings);
    }

    public RunSettings settings() {
        return settings;
    }

    /** Creates the virtual user's client state from the fed {@code userIndex}. */
    public ActionBuilder newClient() {
        return untimed("new client", (self, session) -> {
            int index = ((Number) session.attributes().apply(USER_INDEX)).intValue();
            VirtualClient vu = new VirtualClient(settings, index, self.stats, session.scenario());
            RunStats.count("users.started");
            self.proceed(session.set(VirtualClient.ATTRIBUTE, vu));
        });
    }

    /** TCP connect, stream header, features (RFC 6120 §4). */
    public ActionBuilder connect() {
        return timed("connect", (self, vu, session) -> {
            vu.loginStartMicros = EpochClock.micros();
            return vu.newConnection(session.eventLoop(), self.channels())
                    .connect(settings.target(vu.index), settings.localAddress(vu.index));
        });
    }

    /** STARTTLS, TLS handshake, restarted stream (RFC 6120 §5). */
    public ActionBuilder startTls() {
        return timed("starttls", (self, vu, session) -> vu.connection.startTls());
    }

    /** SASL with the configured preference (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN), restarted stream (RFC 6120 §6). */
    public ActionBuilder authenticate() {
        return timed("sasl", (self, vu, session) -> vu.connection.authenticate(vu.username, settings.password(),
                settings.mechanisms()));
    }

    /** Resource binding (RFC 6120 §7). */
    public ActionBuilder bind() {
        return timed("bind", (self, vu, session) -> vu.connection.bind(settings.resource(vu.index, vu.attempt)));
    }

    /** Roster retrieval (RFC 6121 §2.1.3). */
    public ActionBuilder roster() {
        return timed("roster", (self, vu, session) -> vu.connection.iq(Stanzas::rosterGet));
    }

    /**
     * Initial presence, timed until the server reflects it (RFC 6121 §4.2.2). The user now counts as
     * connected, its login time goes into the "login" histogram, and whitespace keepalives start.
     */
    public ActionBuilder initialPresence() {
        return timed("presence", (self, vu, session) -> vu.connection.presenceAndEcho(Stanzas.presence(null, null))
                .thenAccept(echo -> {
                    vu.wentOnline();
                    vu.connection.startKeepalive(settings.keepaliveSeconds());
                    RunStats.count("logins");
                    RunStats.histogram("login").record(EpochClock.micros() - vu.loginStartMicros);
                }));
    }

    /** Closes the stream and waits for the server's closing tag (RFC 6120 §4.4). */
    public ActionBuilder close() {
        return timed("close", (self, vu, session) -> {
            if (vu.connection == null || !vu.connection.isConnected()) {
                return CompletableFuture.completedFuture(null); // already gone, and already counted then
            }
            return vu.connection.close().thenRun(vu::wentOffline);
        });
    }

    /** Drops the connection with a reset, as when a connector node dies (login storm). */
    public ActionBuilder dropConnection() {
        return untimed("drop", (self, session) -> {
            VirtualClient vu = self.client(session);
            vu.dropMicros = EpochClock.micros();
            RunStats.first("storm.start.first", vu.dropMicros / 1000);
            if (vu.connection != null) {
                vu.connection.abort();
            }
            vu.wentOffline();
            self.proceed(session);
        });
    }

    /** After the reconnect of a login storm: its duration from the drop, and the storm's end so far. */
    public ActionBuilder stormLoginDone() {
        return untimed("storm login done", (self, session) -> {
            VirtualClient vu = self.client(session);
            long now = EpochClock.micros();
            RunStats.count("storm.logins");
            RunStats.histogram("login.storm").record(now - vu.dropMicros);
            RunStats.last("storm.end.last", now / 1000);
            self.proceed(session);
        });
    }

    /** Waits until every user of every generator got here (or gave up). */
    public ActionBuilder barrier(String barrierName) {
        return untimed("barrier " + barrierName, (self, session) ->
                FileBarrier.named(barrierName).await(() -> self.proceed(session)));
    }

    /** Chat with the partner at the configured rate for the configured time, then the end marker. */
    public ActionBuilder chat() {
        return new XmppActionBuilder((ctx, next) -> new ChatSendAction(ctx, next, settings));
    }

    /** Waits until every message the partner announced arrived exactly once ("chat: all delivered"). */
    public ActionBuilder awaitDeliveries() {
        return new XmppActionBuilder((ctx, next) -> new AwaitDeliveriesAction(ctx, next, settings));
    }

    /** Waits until all provisioned contacts are online ("presence: contacts online"). */
    public ActionBuilder awaitContactsOnline() {
        return new XmppActionBuilder((ctx, next) -> new AwaitContactsAction(ctx, next, settings));
    }

    /** The configured number of status changes, each stamped so contacts can time its delivery. */
    public ActionBuilder statusChanges() {
        return new XmppActionBuilder((ctx, next) -> new StatusChangesAction(ctx, next, settings));
    }

    /** XEP-0313 archive fetch, newest page first, each page timed ("mam: page"). */
    public ActionBuilder fetchHistory() {
        return new XmppActionBuilder((ctx, next) -> new MamFetchAction(ctx, next, settings));
    }

    // ---- builders -------------------------------------------------------------------------------

    @FunctionalInterface
    interface Body {
        void run(XmppActionBase self, Session session);
    }

    private ActionBuilder untimed(String actionName, Body body) {
        return new XmppActionBuilder((ctx, next) -> new XmppActionBase(actionName, ctx, next, settings) {
            @Override
            protected void run(Session session) {
                body.run(this, session);
            }
        });
    }

    private ActionBuilder timed(String request, TimedStep.Work work) {
        return new XmppActionBuilder((ctx, next) -> new TimedStep(request, ctx, next, settings, work));
    }
}
