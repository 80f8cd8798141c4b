package io.switchboard.router;

import java.util.List;

/**
 * What the router role needs from the server configuration.
 *
 * @param domain              the XMPP domain this cluster serves
 * @param scramIterations     PBKDF2 iterations for new SCRAM credentials
 * @param inBandRegistration  whether XEP-0077 account creation is open
 * @param minPasswordLength   the shortest password accepted at registration or change
 * @param maxOfflineMessages  per-user offline-storage quota (XEP-0160); 0 disables storage
 * @param modules             enabled feature modules by name; empty = all found on the class path
 */
public record RouterSettings(String domain, int scramIterations, boolean inBandRegistration, int minPasswordLength,
                             int maxOfflineMessages, List<String> modules) {
    public RouterSettings {
        modules = List.copyOf(modules);
    }
}
