package io.switchboard.loadtest.simulation;

import io.switchboard.loadtest.gatling.Xmpp;
import io.switchboard.loadtest.run.RunSettings;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/** Gatling feeder: this generator's user indexes, one per virtual user, in order. */
final class Users {
    private Users() {
    }

    static Supplier<Iterator<Map<String, Object>>> feeder(RunSettings settings) {
        return () -> new Iterator<>() {
            private int next = settings.userOffset();

            @Override
            public boolean hasNext() {
                return next < settings.userOffset() + settings.users();
            }

            @Override
            public Map<String, Object> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("more virtual users than users");
                }
                return Map.of(Xmpp.USER_INDEX, next++);
            }
        };
    }
}
