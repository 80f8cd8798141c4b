package io.switchboard.presence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/** The presence service's meters (names as operators see them in Prometheus). */
final class PresenceMetrics {
    final Counter updatesIn;
    final Counter deliveries;
    final Counter batches;
    final DistributionSummary batchSize;
    final Counter duplicatesDropped;
    final Counter coalesced;
    final Counter probesAnswered;
    final Counter subscriptions;
    final Counter staleDepartures;

    PresenceMetrics(MeterRegistry meters) {
        updatesIn = Counter.builder("xmpp.presence.updates").description("Presence updates received for fan-out")
                .register(meters);
        deliveries = Counter.builder("xmpp.presence.deliveries")
                .description("Presence stanzas delivered to recipients (one per recipient)").register(meters);
        batches = Counter.builder("xmpp.presence.batches")
                .description("Event-bus messages sent to connector nodes for presence fan-out").register(meters);
        batchSize = DistributionSummary.builder("xmpp.presence.batch.size")
                .description("Recipients per presence batch message").publishPercentileHistogram()
                .maximumExpectedValue(10_000.0).register(meters);
        duplicatesDropped = Counter.builder("xmpp.presence.duplicates.dropped")
                .description("Presence updates identical to the last broadcast, not sent again").register(meters);
        coalesced = Counter.builder("xmpp.presence.coalesced")
                .description("Presence updates superseded by a later one within the coalescing window")
                .register(meters);
        probesAnswered = Counter.builder("xmpp.presence.probes.answered")
                .description("Contacts' presences sent to a resource at its initial presence").register(meters);
        subscriptions = Counter.builder("xmpp.presence.subscription.stanzas")
                .description("Subscription requests, approvals and cancellations processed").register(meters);
        staleDepartures = Counter.builder("xmpp.presence.stale.departures")
                .description("Unavailable presence for a departed node's session that is still bound: not sent"
                        + " (a paused node that thawed after being dropped from the cluster)").register(meters);
    }
}
