package io.switchboard.cassandra;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The files a {@link LocalCassandra} keeps in its data directory.
 *
 * <p>The cassandra-all jar ships no cassandra.yaml or logback.xml, so both are written here, every
 * start, from the fixture's settings. Layout of {@code dataDir}:
 * <pre>
 *   cassandra.yaml  logback.xml  fixture.properties  cassandra.pid
 *   data/  commitlog/  saved_caches/  hints/  cdc_raw/
 *   logs/system.log  logs/stdout.log
 * </pre>
 */
final class CassandraFiles {

    static final String PID_FILE = "cassandra.pid";
    static final String PROPERTIES_FILE = "fixture.properties";

    private final Path dir;

    CassandraFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path yaml() {
        return dir.resolve("cassandra.yaml");
    }

    Path logbackXml() {
        return dir.resolve("logback.xml");
    }

    Path logsDir() {
        return dir.resolve("logs");
    }

    Path systemLog() {
        return logsDir().resolve("system.log");
    }

    Path stdoutLog() {
        return logsDir().resolve("stdout.log");
    }

    Path pidFile() {
        return dir.resolve(PID_FILE);
    }

    Path propertiesFile() {
        return dir.resolve(PROPERTIES_FILE);
    }

    /** Creates the directories and (re)writes cassandra.yaml, logback.xml and fixture.properties. */
    void write(LocalCassandra c) throws IOException {
        for (String sub : new String[] {"data", "commitlog", "saved_caches", "hints", "cdc_raw", "logs"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(yaml(), yaml(c), StandardCharsets.UTF_8);
        Files.writeString(logbackXml(), logbackXml(systemLog()), StandardCharsets.UTF_8);
        writeProperties(c);
    }

    private String yaml(LocalCassandra c) {
        // One node on loopback. Values chosen for a small, quick test node, not for production:
        // - num_tokens 1 + initial_token: no token allocation work, deterministic ring.
        // - SimpleSnitch: datacenter is always "datacenter1", which the driver needs to know.
        // - auto_snapshot false: TRUNCATE/DROP in tests would otherwise copy sstables each time.
        // - small memtables and commitlog segments: keep the heap and the disk footprint small.
        // - commit log sync as chosen (periodic: Cassandra's default; batch: fsync before the ack).
        // - storage_compatibility_mode NONE: a fresh 5.0 node, no 4.x mixed-version constraints.
        return """
                # Written by io.switchboard.cassandra.LocalCassandra on every start; edits are overwritten.
                cluster_name: '%1$s'
                num_tokens: 1
                initial_token: 0
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                dynamic_snitch: false
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "127.0.0.1:%2$d"
                listen_address: 127.0.0.1
                rpc_address: 127.0.0.1
                storage_port: %2$d
                native_transport_port: %3$d
                start_native_transport: true

                authenticator: AllowAllAuthenticator
                authorizer: AllowAllAuthorizer
                network_authorizer: AllowAllNetworkAuthorizer

                data_file_directories:
                  - %4$s
                commitlog_directory: %5$s
                saved_caches_directory: %6$s
                hints_directory: %7$s
                cdc_raw_directory: %8$s
                cdc_enabled: false

                %9$s
                commitlog_segment_size: 16MiB
                commitlog_total_space: 256MiB
                auto_snapshot: false
                incremental_backups: false
                snapshot_before_compaction: false
                storage_compatibility_mode: NONE

                memtable_allocation_type: heap_buffers
                memtable_heap_space: 64MiB
                memtable_offheap_space: 64MiB
                memtable_flush_writers: 1
                concurrent_reads: 16
                concurrent_writes: 16
                concurrent_counter_writes: 8
                concurrent_compactors: 1
                compaction_throughput: 0MiB/s
                key_cache_size: 16MiB
                file_cache_size: 32MiB
                disk_failure_policy: stop
                commit_failure_policy: stop

                read_request_timeout: 5000ms
                range_request_timeout: 10000ms
                write_request_timeout: 2000ms
                counter_write_request_timeout: 5000ms
                cas_contention_timeout: 1000ms
                truncate_request_timeout: 60000ms
                request_timeout: 10000ms
                """.formatted(c.clusterName().replace("'", "''"), c.storagePort(), c.nativePort(),
                sub("data"), sub("commitlog"), sub("saved_caches"), sub("hints"), sub("cdc_raw"),
                c.commitLogSync() == LocalCassandra.CommitLogSync.BATCH
                        ? "commitlog_sync: batch"
                        : "commitlog_sync: periodic\ncommitlog_sync_period: 10000ms");
    }

    /** A sub-directory as a double-quoted YAML string, safe for any path. */
    private String sub(String name) {
        String path = dir.resolve(name).toString();
        return '"' + path.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Everything to a file (the log tail goes into start failures), only WARN and up to stdout. */
    private static String logbackXml(Path systemLog) {
        return """
                <configuration scan="false">
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <append>true</append>
                    <encoder><pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern></encoder>
                  </appender>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
                    <encoder><pattern>%%-5level [%%thread] %%date{ISO8601} %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO">
                    <appender-ref ref="FILE"/>
                    <appender-ref ref="STDOUT"/>
                  </root>
                </configuration>
                """.formatted(xmlEscape(systemLog.toString()));
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Remembers ports, heap and cluster name so a later CLI start on this directory reuses them. */
    private void writeProperties(LocalCassandra c) throws IOException {
        Properties p = new Properties();
        p.setProperty("native_port", Integer.toString(c.nativePort()));
        p.setProperty("storage_port", Integer.toString(c.storagePort()));
        p.setProperty("jmx_port", Integer.toString(c.jmxPort()));
        p.setProperty("heap", c.heap());
        p.setProperty("cluster_name", c.clusterName());
        p.setProperty("commit_log_sync", c.commitLogSync().name());
        p.setProperty("unsafe_system", Boolean.toString(c.unsafeSystem()));
        try (Writer w = Files.newBufferedWriter(propertiesFile(), StandardCharsets.UTF_8)) {
            p.store(w, "Settings of the LocalCassandra in this directory");
        }
    }

    Optional<Properties> readProperties() throws IOException {
        if (!Files.isRegularFile(propertiesFile())) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(propertiesFile(), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return Optional.of(p);
    }

    void writePid(long pid) throws IOException {
        Path tmp = dir.resolve(PID_FILE + ".tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, pidFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    void deletePid() {
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException ignored) {
            // a stale pid file is detected by the liveness check on the next start
        }
    }
}
