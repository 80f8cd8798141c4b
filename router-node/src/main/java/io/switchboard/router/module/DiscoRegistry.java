package io.switchboard.router.module;

import java.util.Set;

/** The features modules advertise, for the disco module to answer with (XEP-0030). */
public interface DiscoRegistry {
    Set<String> serverFeatures();

    Set<String> accountFeatures();
}
