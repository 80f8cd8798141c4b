package io.switchboard.loadtest.gatling;

import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.core.stats.StatsEngine;
import io.switchboard.loadtest.run.RunStats;
import scala.Option;
import scala.collection.immutable.List;
import scala.collection.immutable.Nil$;

/**
 * Writes a timed step into Gatling's statistics (the simulation log its HTML report is built from)
 * from Java: the Scala types it expects, in one place. Every KO also counts as an error in
 * {@link RunStats}, which the run's summary and verdict use.
 */
public final class GatlingStats {
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final List<String> NO_GROUPS = (List) Nil$.MODULE$;

    private final StatsEngine engine;

    public GatlingStats(StatsEngine engine) {
        this.engine = engine;
    }

    public void ok(String scenario, List<String> groups, String request, long startMillis, long endMillis) {
        engine.logResponse(scenario, groups, request, startMillis, endMillis, OK$.MODULE$, Option.empty(), Option.empty());
    }

    public void ok(String scenario, String request, long startMillis, long endMillis) {
        ok(scenario, NO_GROUPS, request, startMillis, endMillis);
    }

    public void ko(String scenario, List<String> groups, String request, long startMillis, long endMillis,
                   String message) {
        RunStats.count("errors");
        RunStats.count("errors." + request.replaceAll("[^A-Za-z0-9]+", "_"));
        engine.logResponse(scenario, groups, request, startMillis, endMillis, KO$.MODULE$, Option.empty(),
                Option.apply(message));
    }

    public void ko(String scenario, String request, long startMillis, long endMillis, String message) {
        ko(scenario, NO_GROUPS, request, startMillis, endMillis, message);
    }
}
