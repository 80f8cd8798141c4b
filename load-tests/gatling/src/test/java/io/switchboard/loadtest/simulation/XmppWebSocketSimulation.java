package io.switchboard.loadtest.simulation;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.switchboard.loadtest.gatling.WsXmpp;
import io.switchboard.loadtest.gatling.Xmpp;
import io.switchboard.loadtest.run.GeneratorReport;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.xmpp.EpochClock;
import io.switchboard.loadtest.xmpp.Stanzas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * XMPP over WebSocket (RFC 7395) with Gatling's own WebSocket support: one stanza per text frame,
 * the {@code xmpp} subprotocol, {@code <open/>}/{@code <close/>} framing. Scenarios {@code hold}
 * and {@code chat} (the TCP simulation has all five); same settings, same counters, same checks.
 * For {@code wss://} Gatling trusts any certificate by default, which a development server needs.
 */
public class XmppWebSocketSimulation extends Simulation {
    private final RunSettings settings = RunSettings.fromSystemProperties();
    private final WsXmpp x = new WsXmpp(settings);
    private final Xmpp xmpp = new Xmpp(settings);
    private final GeneratorReport report = new GeneratorReport(settings, "websocket");
    private final Duration timeout = Duration.ofSeconds(settings.timeoutSeconds());

    {
        HttpProtocolBuilder protocol = http
                .wsUnmatchedInboundMessageBufferSize(10_000)
                .wsAutoReplyTextFrame(WsXmpp::autoReply);
        if (!settings.localAddresses().isEmpty()) {
            protocol = protocol.localAddresses(settings.localAddresses());
        }
        setUp(population()).protocols(protocol).assertions(assertions())
                .maxDuration(Duration.ofSeconds(settings.rampSeconds() + settings.holdSeconds() + settings.durationSeconds()
                        + settings.drainSeconds() + 6L * settings.timeoutSeconds() + settings.barrierTimeoutSeconds() + 120));
    }

    /** RFC 7395 §3.4: {@code <open/>}, answered by the server's {@code <open/>} and then the features. */
    private ChainBuilder openStream(String request) {
        return exec(ws(request).sendText(Stanzas.framingOpen(settings.domain())).await(timeout).on(
                ws.checkTextMessage(request).matching(substring("features"))
                        .check(regex("<mechanism>([^<]+)</mechanism>").findAll().optional().saveAs("mechanisms"))));
    }

    private ChainBuilder login() {
        ChainBuilder scramExchange = exec(
                ws("sasl").sendText("#{saslFirst}").await(timeout).on(
                        ws.checkTextMessage("sasl").matching(regex("<(challenge|failure)"))
                                .check(regex("<challenge[^>]*>([^<]*)</challenge>").saveAs("challenge"))),
                exec(x::answerSasl),
                ws("sasl").sendText("#{saslFinal}").await(timeout).on(
                        ws.checkTextMessage("sasl").matching(regex("<(success|failure)"))
                                .check(substring("<success").exists(),
                                        regex("<success[^>]*>([^<]*)</success>").optional().saveAs("serverFinal"))));
        ChainBuilder plainExchange = exec(ws("sasl").sendText("#{saslFirst}").await(timeout).on(
                ws.checkTextMessage("sasl").matching(regex("<(success|failure)")).check(substring("<success").exists())));
        return exec(x::start)
                .group("login").on(exec(
                        ws("connect").connect(x::url).subprotocol("xmpp"),
                        openStream("open"),
                        exec(x::beginSasl),
                        doIfOrElse(s -> "PLAIN".equals(s.getString("mechanism"))).then(plainExchange).orElse(scramExchange),
                        exec(x::verifySasl),
                        openStream("restart"),
                        ws("bind").sendText(s -> Stanzas.framed(Stanzas.bind("bind", x.resource(s)))).await(timeout).on(
                                ws.checkTextMessage("bind").matching(regex("id=['\"]bind['\"]"))
                                        .check(regex("<jid>([^<]+)</jid>").saveAs("jid"))),
                        ws("roster").sendText(Stanzas.framed(Stanzas.rosterGet("roster"))).await(timeout).on(
                                ws.checkTextMessage("roster").matching(regex("id=['\"]roster['\"]"))
                                        .check(regex("type=['\"]result['\"]").exists())),
                        // RFC 6121 §4.2.2: the server reflects initial presence to the sending resource.
                        ws("presence").sendText(Stanzas.framed(Stanzas.presence(null, null))).await(timeout).on(
                                ws.checkTextMessage("presence").matching(regex("<presence[^>]*from=['\"]#{jid}['\"]")))))
                .exec(x::departIfFailed)
                .exitHereIfFailed()
                .exec(x::online);
    }

    private ChainBuilder close() {
        return exec(
                ws("close").sendText(Stanzas.framingClose()).await(timeout).on(
                        ws.checkTextMessage("close").matching(substring("<close"))),
                ws("close").close(),
                exec(x::offline));
    }

    private ChainBuilder hold() {
        int keepalive = Math.max(1, settings.keepaliveSeconds());
        return exec(xmpp.barrier("connected"))
                // No whitespace keepalives over WebSocket (RFC 7395 §3.8): an XEP-0199 ping now and then.
                .repeat(settings.holdSeconds() / keepalive).on(
                        pause(Duration.ofSeconds(keepalive)),
                        ws("ping").sendText(Stanzas.framed(Stanzas.ping("ping", settings.domain()))).await(timeout).on(
                                ws.checkTextMessage("ping").matching(regex("id=['\"]ping['\"]"))))
                .pause(Duration.ofSeconds(settings.holdSeconds() % keepalive));
    }

    private ChainBuilder chat() {
        Duration period = Duration.ofNanos((long) (1e9 / settings.ratePerUser()));
        // Gatling empties the buffer of unmatched frames whenever this user sends one, so the frames
        // received so far are always taken out just before sending (both run on the user's event loop).
        ChainBuilder receive = exec(ws.processUnmatchedMessages(x::receive), x.flushDeliveries());
        return exec(xmpp.barrier("online"))
                .exec(s -> s.set("chatEnd", EpochClock.micros() + settings.durationSeconds() * 1_000_000L))
                .doIf(x::hasPartner).then(
                        asLongAs(s -> EpochClock.micros() < s.getLong("chatEnd")).on(
                                receive,
                                ws("chat: send").sendText(x::chatMessage),
                                exec(x::sent),
                                pace(period)),
                        receive,
                        ws("chat: send").sendText(x::endMarker))
                .exec(s -> s.set("drainStart", System.currentTimeMillis())
                        .set("drainEnd", EpochClock.micros() + settings.drainSeconds() * 1_000_000L))
                .asLongAs(s -> !x.allDelivered(s) && EpochClock.micros() < s.getLong("drainEnd")).on(
                        pause(Duration.ofMillis(100)),
                        receive)
                .exec(x.deliveryVerdict());
    }

    private PopulationBuilder population() {
        ScenarioBuilder sc = scenario(settings.scenario()).feed(Users.feeder(settings)).exec(login());
        sc = switch (settings.scenario()) {
            case "hold" -> sc.exec(hold()).exec(close());
            case "chat" -> sc.exec(chat()).exec(close());
            default -> throw new IllegalArgumentException("over WebSocket: hold and chat only, not " + settings.scenario());
        };
        return sc.injectOpen(Injection.profile(settings));
    }

    private List<Assertion> assertions() {
        List<Assertion> a = new ArrayList<>();
        a.add(global().failedRequests().percent().lte(settings.maxErrorPercent()));
        if (settings.scenario().equals("chat")) {
            a.add(details("chat: all delivered").failedRequests().count().is(0L));
        }
        return a;
    }

    @Override
    public void before() {
        System.out.printf("xmpp generator %d/%d: scenario %s over WebSocket, users %d..%d of %d, endpoints %s%n",
                settings.generator() + 1, settings.generators(), settings.scenario(), settings.userOffset(),
                settings.userOffset() + settings.users() - 1, settings.totalUsers(), settings.webSocketUrls());
        report.start();
    }

    @Override
    public void after() {
        report.finish();
    }
}
