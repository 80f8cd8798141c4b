package io.switchboard.cassandra;

import java.nio.file.Path;
import java.util.UUID;

/** Fresh directories under this module's build directory (target-*), never shared between runs. */
final class TestDirs {

    private TestDirs() {
    }

    /** The build directory: the parent of the classes directory the fixture is loaded from. */
    static Path buildDir() {
        return CassandraJvm.fixtureCodeLocation().getParent();
    }

    static Path fresh(String name) {
        return buildDir().resolve("test-cassandra").resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
