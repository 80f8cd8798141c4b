package io.switchboard.loadtest.simulation;

import io.gatling.javaapi.core.OpenInjectionStep;
import io.switchboard.loadtest.run.RunSettings;

import java.time.Duration;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

/**
 * How this generator's users arrive: all at once without a ramp; otherwise a gentle first quarter
 * of the ramp (a tenth of the users) while the JVMs on both sides are still compiling the login path
 * (TLS, PBKDF2), then the rest. Starting at full rate on a cold, busy machine makes the first logins
 * queue past the server's handshake timeout.
 */
final class Injection {
    private Injection() {
    }

    static List<OpenInjectionStep> profile(RunSettings settings) {
        int users = settings.users();
        int ramp = settings.rampSeconds();
        if (ramp <= 0) {
            return List.of(atOnceUsers(users));
        }
        int warmUsers = users / 10;
        int warmSeconds = ramp / 4;
        // Whole seconds only: Gatling 3.15 left the users of a sub-second first step waiting forever.
        if (warmUsers == 0 || warmSeconds < 2) {
            return List.of(rampUsers(users).during(Duration.ofSeconds(ramp)));
        }
        return List.of(rampUsers(warmUsers).during(Duration.ofSeconds(warmSeconds)),
                rampUsers(users - warmUsers).during(Duration.ofSeconds(ramp - warmSeconds)));
    }
}
