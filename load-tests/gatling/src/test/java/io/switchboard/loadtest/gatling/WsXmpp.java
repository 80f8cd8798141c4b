package io.switchboard.loadtest.gatling;

import io.gatling.core.session.Session;
import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ActionBuilder;
import io.switchboard.loadtest.run.DeliveryTracker;
import io.switchboard.loadtest.run.FileBarrier;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;
import io.switchboard.loadtest.xmpp.EpochClock;
import io.switchboard.loadtest.xmpp.Scram;
import io.switchboard.loadtest.xmpp.Stanzas;

import java.util.List;

/**
 * The XMPP parts of the WebSocket simulation that Gatling's WebSocket DSL cannot express by
 * itself: session functions for SASL SCRAM (the client proof is computed from the server's
 * challenge), chat stanzas with sequence numbers and send times, the receiver bookkeeping, and a
 * few actions that write into Gatling's statistics or our run counters.
 */
public final class WsXmpp {
    public static final String USER_INDEX = Xmpp.USER_INDEX;
    private final RunSettings settings;

    public WsXmpp(RunSettings settings) {
        this.settings = settings;
        FileBarrier.configure(settings);
    }

    private int index(io.gatling.javaapi.core.Session s) {
        return s.getInt(USER_INDEX);
    }

    public String url(io.gatling.javaapi.core.Session s) {
        return settings.webSocketUrl(index(s));
    }

    public String resource(io.gatling.javaapi.core.Session s) {
        return settings.resource(index(s), 1);
    }

    /** Before connecting: a receiver for this user and the start of its login. */
    public io.gatling.javaapi.core.Session start(io.gatling.javaapi.core.Session s) {
        RunStats.count("users.started");
        return s.set(WsReceiver.ATTRIBUTE, new WsReceiver(settings.runId())).set("loginStart", EpochClock.micros());
    }

    /** Chooses the SASL mechanism from the offered ones and builds the initial {@code <auth/>}. */
    public io.gatling.javaapi.core.Session beginSasl(io.gatling.javaapi.core.Session s) {
        List<String> offered = s.getList("mechanisms");
        String chosen = settings.mechanisms().stream().filter(offered::contains).findFirst().orElse(null);
        if (chosen == null) {
            return s.markAsFailed();
        }
        String user = settings.username(index(s));
        if (chosen.equals("PLAIN")) {
            return s.set("mechanism", chosen).set("saslFirst",
                    Stanzas.auth("PLAIN", Stanzas.plainMessage(user, settings.password())));
        }
        Scram scram = new Scram(Scram.Algorithm.forMechanism(chosen), user, settings.password());
        return s.set("mechanism", chosen).set("scram", scram).set("saslFirst", Stanzas.auth(chosen, scram.clientFirst()));
    }

    /** RFC 5802: the client-final-message answering the server's challenge. */
    public io.gatling.javaapi.core.Session answerSasl(io.gatling.javaapi.core.Session s) {
        Scram scram = s.get("scram");
        try {
            return s.set("saslFinal", Stanzas.saslResponse(scram.clientFinal(Stanzas.unbase64(s.getString("challenge")))));
        } catch (RuntimeException e) {
            return s.markAsFailed();
        }
    }

    /** Mutual authentication: the server's signature in {@code <success/>} must be the one we expect. */
    public io.gatling.javaapi.core.Session verifySasl(io.gatling.javaapi.core.Session s) {
        Scram scram = s.contains("scram") ? s.get("scram") : null;
        String data = s.contains("serverFinal") ? Stanzas.unbase64(s.getString("serverFinal")) : "";
        if (scram != null && !data.isEmpty() && !scram.verifyServerFinal(data)) {
            return s.markAsFailed();
        }
        return s.remove("scram");
    }

    /** After the presence echo: the user counts as connected. */
    public io.gatling.javaapi.core.Session online(io.gatling.javaapi.core.Session s) {
        RunStats.connected();
        RunStats.count("logins");
        RunStats.histogram("login").record(EpochClock.micros() - s.getLong("loginStart"));
        return s.set("online", true);
    }

    public io.gatling.javaapi.core.Session offline(io.gatling.javaapi.core.Session s) {
        if (s.contains("online")) {
            RunStats.disconnected();
        }
        return s.remove("online");
    }

    /** A failed login: barriers stop waiting for this user. */
    public io.gatling.javaapi.core.Session departIfFailed(io.gatling.javaapi.core.Session s) {
        if (s.isFailed()) {
            RunStats.count("users.departed");
            FileBarrier.departed();
        }
        return s;
    }

    /** The next chat message to the partner, with sequence number and send time in the body. */
    public String chatMessage(io.gatling.javaapi.core.Session s) {
        int me = index(s);
        long seq = s.contains("seq") ? s.getLong("seq") : 0;
        return Stanzas.framed(Stanzas.chat(settings.bareJid(settings.partner(me)), "m" + seq,
                DeliveryTracker.body(settings.runId(), me, seq, EpochClock.micros())));
    }

    public io.gatling.javaapi.core.Session sent(io.gatling.javaapi.core.Session s) {
        RunStats.count("chat.sent");
        return s.set("seq", (s.contains("seq") ? s.getLong("seq") : 0) + 1);
    }

    public String endMarker(io.gatling.javaapi.core.Session s) {
        int me = index(s);
        return Stanzas.framed(Stanzas.chat(settings.bareJid(settings.partner(me)), "end",
                DeliveryTracker.endBody(settings.runId(), me, s.contains("seq") ? s.getLong("seq") : 0)));
    }

    public boolean hasPartner(io.gatling.javaapi.core.Session s) {
        return settings.partner(index(s)) >= 0;
    }

    /** Whether everything the partner announced arrived (or there is no partner). */
    public boolean allDelivered(io.gatling.javaapi.core.Session s) {
        int partner = settings.partner(index(s));
        WsReceiver r = s.get(WsReceiver.ATTRIBUTE);
        return partner < 0 || r.tracker.complete(partner);
    }

    public io.gatling.javaapi.core.Session receive(List<WsInboundMessage> frames, io.gatling.javaapi.core.Session s) {
        WsReceiver r = s.get(WsReceiver.ATTRIBUTE);
        r.accept(frames);
        return s;
    }

    /** XEP-0199: answers the server's pings (the WebSocket DSL's auto-reply hook); null for anything else. */
    public static String autoReply(String frame) {
        if (frame.startsWith("<iq") && frame.contains("urn:xmpp:ping") && frame.matches("(?s).*type=['\"]get['\"].*")) {
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("id=['\"]([^'\"]+)['\"]").matcher(frame);
            java.util.regex.Matcher from = java.util.regex.Pattern.compile("from=['\"]([^'\"]+)['\"]").matcher(frame);
            return Stanzas.framed(Stanzas.iqResult(id.find() ? id.group(1) : "", from.find() ? from.group(1) : null));
        }
        return null;
    }

    // ---- actions --------------------------------------------------------------------------------

    /** Writes the deliveries received so far into Gatling's statistics ("chat: delivery"). */
    public ActionBuilder flushDeliveries() {
        return new XmppActionBuilder((ctx, next) -> new XmppActionBase("flush deliveries", ctx, next, settings) {
            @Override
            protected void run(Session session) {
                WsReceiver r = (WsReceiver) session.attributes().apply(WsReceiver.ATTRIBUTE);
                if (settings.logDeliveries() || !r.pending.isEmpty()) {
                    for (WsReceiver.Delivery d : r.pending) {
                        if (d.duplicate()) {
                            stats.ko(session.scenario(), "chat: delivery", d.sentMillis(), d.receivedMillis(),
                                    "duplicate message");
                        } else if (settings.logDeliveries()) {
                            stats.ok(session.scenario(), "chat: delivery", d.sentMillis(), d.receivedMillis());
                        }
                    }
                }
                r.pending.clear();
                proceed(session);
            }
        });
    }

    /** The receiver's verdict, as over TCP ("chat: all delivered"), once the drain loop has ended. */
    public ActionBuilder deliveryVerdict() {
        return new XmppActionBuilder((ctx, next) -> new XmppActionBase(AwaitDeliveriesAction.REQUEST, ctx, next, settings) {
            @Override
            protected void run(Session session) {
                WsReceiver r = (WsReceiver) session.attributes().apply(WsReceiver.ATTRIBUTE);
                int me = ((Number) session.attributes().apply(USER_INDEX)).intValue();
                int partner = settings.partner(me);
                long start = session.attributes().get("drainStart").isDefined()
                        ? ((Number) session.attributes().apply("drainStart")).longValue() : clock.nowMillis();
                if (partner >= 0) {
                    AwaitDeliveriesAction.report(stats, session.scenario(), r.tracker, partner, start, clock.nowMillis());
                }
                proceed(session);
            }
        });
    }
}
