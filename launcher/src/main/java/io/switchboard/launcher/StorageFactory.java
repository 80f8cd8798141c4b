package io.switchboard.launcher;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.launcher.config.ConfigException;
import io.switchboard.launcher.config.SwitchboardConfig;
import io.switchboard.storage.Storage;
import io.switchboard.storage.cassandra.CassandraSettings;
import io.switchboard.storage.cassandra.CassandraStorage;
import io.switchboard.storage.embedded.EmbeddedOptions;
import io.switchboard.storage.embedded.EmbeddedStorage;
import io.switchboard.storage.resilience.ResilienceSettings;
import io.switchboard.storage.resilience.ResilientStorage;

import java.util.List;

/** Opens the storage backend the configuration names. */
final class StorageFactory {

    private StorageFactory() {
    }

    /** The backend as the server uses it: every call guarded (timeouts, breaker, bulkhead, fallback reads). */
    static Storage openForServer(SwitchboardConfig config, MeterRegistry meters) {
        SwitchboardConfig.Resilience r = config.storage().resilience();
        ResilienceSettings settings = new ResilienceSettings(r.timeout(), r.failureRateThreshold(), r.window(),
                r.minimumCalls(), r.waitInOpenState(), r.maxConcurrentCalls(), r.fallbackCacheUsers());
        return ResilientStorage.wrap(open(config), settings, meters);
    }

    /** The bare backend, for admin commands that run one call at a time. Blocks while connecting. */
    static Storage open(SwitchboardConfig config) {
        SwitchboardConfig.Storage s = config.storage();
        return switch (s.type()) {
            case EMBEDDED -> EmbeddedStorage.open(config.server().dataDir(),
                    new EmbeddedOptions(s.archiveRetention(), s.offlineTtl()));
            case CASSANDRA -> CassandraStorage.open(cassandraSettings(config));
        };
    }

    /** Maps the config file's {@code storage.cassandra} section; its own checks name the setting. */
    static CassandraSettings cassandraSettings(SwitchboardConfig config) {
        SwitchboardConfig.Storage s = config.storage();
        SwitchboardConfig.Cassandra c = s.cassandra();
        try {
            CassandraSettings settings = CassandraSettings.defaults(c.contactPoints(), c.localDatacenter())
                    .withKeyspace(c.keyspace())
                    .withReplication(CassandraSettings.Replication.parse(c.replication()))
                    .withConsistency(CassandraSettings.parseConsistency(c.consistency()),
                            CassandraSettings.parseConsistency(c.serialConsistency()))
                    .withRequestTimeout(c.requestTimeout())
                    .withSchemaMode(c.schemaAuto() ? CassandraSettings.SchemaMode.AUTO : CassandraSettings.SchemaMode.NONE)
                    .withOfflineTtl(s.offlineTtl())
                    .withArchiveRetention(s.archiveRetention())
                    .withArchiveBucketWidth(c.archiveBucketWidth());
            return c.username().isEmpty() ? settings : settings.withCredentials(c.username(), c.password());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of("storage.cassandra: " + e.getMessage()));
        }
    }
}
