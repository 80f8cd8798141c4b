package io.switchboard.loadtest.simulation;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.switchboard.loadtest.gatling.Xmpp;
import io.switchboard.loadtest.run.GeneratorReport;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.xmpp.ClientTls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * XMPP over TCP (port 5222, STARTTLS required) with our own non-blocking client action. One
 * generator process of a run; the scenario comes from {@code -Dxmpp.scenario}:
 * <ul>
 *   <li>{@code hold}: log in (ramped over {@code xmpp.ramp} s), stay idle {@code xmpp.hold} s once
 *       everyone is in, close;</li>
 *   <li>{@code chat}: log in, wait for everyone, chat with the partner at {@code xmpp.rate}
 *       messages/s for {@code xmpp.duration} s, check every message of the partner arrived once;</li>
 *   <li>{@code presence-storm}: log in with {@code xmpp.contacts} mutual contacts, wait for them
 *       online, {@code xmpp.changes} status changes, log out;</li>
 *   <li>{@code login-storm}: log in, then everyone drops the connection at the same moment and
 *       logs in again, as after a node failure;</li>
 *   <li>{@code mam}: log in and fetch the archive (XEP-0313) page by page.</li>
 * </ul>
 * Users and rosters must exist (the driver's provisioning step: {@code Provision}).
 */
public class XmppTcpSimulation extends Simulation {
    private final RunSettings settings = RunSettings.fromSystemProperties();
    private final Xmpp xmpp = new Xmpp(settings);
    private final GeneratorReport report = new GeneratorReport(settings, "tcp");

    {
        setUp(population()).assertions(assertions()).maxDuration(maxDuration());
    }

    private ChainBuilder login(String groupName) {
        return group(groupName).on(exec(xmpp.connect(), xmpp.startTls(), xmpp.authenticate(), xmpp.bind(),
                xmpp.roster(), xmpp.initialPresence())).exitHereIfFailed();
    }

    private ScenarioBuilder scenarioFor(String name) {
        ScenarioBuilder start = scenario(name).feed(Users.feeder(settings)).exec(xmpp.newClient()).exec(login("login"));
        return switch (name) {
            case "hold" -> start
                    .exec(xmpp.barrier("connected"))
                    .pause(Duration.ofSeconds(settings.holdSeconds()))
                    .exec(xmpp.close());
            case "chat" -> start
                    .exec(xmpp.barrier("online"))
                    .exec(xmpp.chat())
                    .exec(xmpp.awaitDeliveries())
                    .exec(xmpp.close());
            case "presence-storm" -> start
                    .exec(xmpp.awaitContactsOnline())
                    .exec(xmpp.barrier("all-online"))
                    .exec(xmpp.statusChanges())
                    .exec(xmpp.barrier("changes-done"))
                    .exec(xmpp.close());
            case "login-storm" -> start
                    .exec(xmpp.barrier("storm"))
                    .exec(xmpp.dropConnection())
                    .exec(login("reconnect"))
                    .exec(xmpp.stormLoginDone())
                    .exec(xmpp.barrier("reconnected"))
                    .pause(Duration.ofSeconds(settings.holdSeconds()))
                    .exec(xmpp.close());
            case "mam" -> start
                    .exec(xmpp.fetchHistory())
                    .exec(xmpp.close());
            default -> throw new IllegalArgumentException(name);
        };
    }

    private PopulationBuilder population() {
        ScenarioBuilder sc = scenarioFor(settings.scenario());
        return sc.injectOpen(Injection.profile(settings));
    }

    /** The run fails on errors above the threshold, and on any lost or duplicated message. */
    private List<Assertion> assertions() {
        List<Assertion> a = new ArrayList<>();
        a.add(global().failedRequests().percent().lte(settings.maxErrorPercent()));
        if (settings.scenario().equals("chat")) {
            a.add(details("chat: all delivered").failedRequests().count().is(0L));
        }
        if (settings.scenario().equals("mam")) {
            a.add(details("mam: history").failedRequests().count().is(0L));
        }
        return a;
    }

    private Duration maxDuration() {
        long s = settings.rampSeconds() + settings.holdSeconds() + settings.durationSeconds() + settings.drainSeconds()
                + 6L * settings.timeoutSeconds() + settings.barrierTimeoutSeconds() + 120;
        return Duration.ofSeconds(s);
    }

    @Override
    public void before() {
        System.out.printf("xmpp generator %d/%d: scenario %s over TCP, users %d..%d of %d, targets %s, sources %s, TLS %s%n",
                settings.generator() + 1, settings.generators(), settings.scenario(), settings.userOffset(),
                settings.userOffset() + settings.users() - 1, settings.totalUsers(), settings.targets(),
                settings.localAddresses().isEmpty() ? "(any)" : settings.localAddresses(), ClientTls.provider());
        report.start();
    }

    @Override
    public void after() {
        report.finish();
    }
}
