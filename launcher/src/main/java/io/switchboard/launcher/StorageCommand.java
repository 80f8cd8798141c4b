package io.switchboard.launcher;

import com.datastax.oss.driver.api.core.CqlSession;
import io.switchboard.launcher.config.SwitchboardConfig;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.cassandra.CassandraSchema;
import io.switchboard.storage.cassandra.CassandraSettings;
import io.switchboard.storage.cassandra.CassandraStorage;
import io.switchboard.storage.embedded.EmbeddedStorage;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code switchboard storage migrate|status}: schema administration for operators who do not let
 * the server change the schema ({@code storage.cassandra.schema: none}), and a quick check that
 * the configured backend is reachable and current.
 */
final class StorageCommand {
    private final SwitchboardConfig config;
    private final PrintStream out;
    private final PrintStream err;

    StorageCommand(SwitchboardConfig config, PrintStream out, PrintStream err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        if (args.size() != 1 || !(args.get(0).equals("migrate") || args.get(0).equals("status"))) {
            throw new Main.UsageException("storage needs a sub-command: migrate or status");
        }
        boolean migrate = args.get(0).equals("migrate");
        try {
            return switch (config.storage().type()) {
                case EMBEDDED -> embedded(migrate);
                case CASSANDRA -> cassandra(migrate);
            };
        } catch (StorageException e) {
            err.println("switchboard: " + e.getMessage());
            return 1;
        }
    }

    /** The embedded store migrates itself whenever it is opened; opening is the whole job. */
    private int embedded(boolean migrate) {
        try (Storage storage = StorageFactory.open(config)) {
            out.println(storage.description() + ": schema version " + EmbeddedStorage.latestSchemaVersion()
                    + (migrate ? " (up to date)" : ""));
            return 0;
        }
    }

    private int cassandra(boolean migrate) {
        CassandraSettings settings = StorageFactory.cassandraSettings(config);
        try (CqlSession session = CassandraStorage.connect(settings)) {
            int latest = CassandraSchema.latestVersion();
            if (migrate) {
                int applied = CassandraSchema.migrate(session, settings);
                out.println("Cassandra keyspace " + settings.keyspace() + ": " + applied + " migration(s) applied, "
                        + "schema version " + CassandraSchema.currentVersion(session, settings.keyspace())
                        + " (this release needs " + latest + ")");
                return 0;
            }
            int current = CassandraSchema.currentVersion(session, settings.keyspace());
            out.println("Cassandra keyspace " + settings.keyspace() + " at " + settings.contactPoints()
                    + ": schema version " + current + ", this release needs " + latest
                    + (current < latest ? " (run `switchboard storage migrate`)" : " (up to date)"));
            return current < latest ? 1 : 0;
        }
    }
}
