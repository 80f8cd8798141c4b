package io.switchboard.cassandra;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads fixture settings from a system property or the environment.
 *
 * <p>Every setting has one canonical name in environment style ({@code SWITCHBOARD_CASSANDRA_JAVA}).
 * It is looked up, first match wins, as: a system property with exactly that name, a system property
 * in dotted lower case ({@code switchboard.cassandra.java}), an environment variable. System
 * properties come first so a build (Surefire {@code systemPropertyVariables}) can override what a
 * developer has exported in the shell.
 */
final class Settings {

    /** Classpath of the Cassandra JVM, overriding the one resolved at build time. */
    static final String CLASSPATH = "SWITCHBOARD_CASSANDRA_CLASSPATH";
    /** A java executable (or a JDK home) of version 17 to run Cassandra with. */
    static final String JAVA = "SWITCHBOARD_CASSANDRA_JAVA";
    /** {@code host:port[:datacenter]} of an already running Cassandra that tests should use. */
    static final String TEST_CASSANDRA = "SWITCHBOARD_TEST_CASSANDRA";

    private Settings() {
    }

    static Optional<String> lookup(String name) {
        String value = System.getProperty(name);
        if (isBlank(value)) {
            value = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        if (isBlank(value)) {
            value = System.getenv(name);
        }
        return isBlank(value) ? Optional.empty() : Optional.of(value.trim());
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
