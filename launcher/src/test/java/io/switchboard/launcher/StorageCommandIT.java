package io.switchboard.launcher;

import io.switchboard.cassandra.CassandraEndpoint;
import io.switchboard.cassandra.SharedCassandra;
import io.switchboard.launcher.it.TestServer;
import io.switchboard.storage.cassandra.CassandraSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * For operators who forbid schema changes from applications: with {@code storage.cassandra.schema:
 * none} a server refuses an unmigrated keyspace with instructions, {@code switchboard storage
 * migrate} creates it, and then the server starts and the CLI works on the same keyspace.
 */
class StorageCommandIT {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void migrateCreatesTheSchemaAServerInSchemaModeNoneRequires() throws Exception {
        CassandraEndpoint cassandra = SharedCassandra.get();
        String keyspace = "cli_" + UUID.randomUUID().toString().substring(0, 8);
        Path config = dir.resolve("switchboard.yaml");
        Files.writeString(config, """
                server:
                  domain: localhost
                  data-dir: %s
                storage:
                  type: cassandra
                  cassandra:
                    contact-points: ["127.0.0.1:%d"]
                    local-datacenter: %s
                    keyspace: %s
                    schema: none
                """.formatted(dir.resolve("data"), cassandra.contactPoint().getPort(), cassandra.localDatacenter(),
                keyspace));
        Map<String, String> serverEnv = Map.of(
                "SWITCHBOARD_STORAGE_TYPE", "cassandra",
                "SWITCHBOARD_STORAGE_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + cassandra.contactPoint().getPort(),
                "SWITCHBOARD_STORAGE_CASSANDRA_LOCAL_DATACENTER", cassandra.localDatacenter(),
                "SWITCHBOARD_STORAGE_CASSANDRA_KEYSPACE", keyspace,
                "SWITCHBOARD_STORAGE_CASSANDRA_SCHEMA", "none");

        assertThat(run("storage", "status", "--config", config.toString())).as(err.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("schema version 0", "run `switchboard storage migrate`");
        assertThatThrownBy(() -> TestServer.start(serverEnv))
                .rootCause().hasMessageContaining("switchboard storage migrate");

        assertThat(run("storage", "migrate", "--config", config.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("schema version " + CassandraSchema.latestVersion());
        assertThat(run("storage", "status", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("(up to date)");

        try (TestServer server = TestServer.start(serverEnv)) {
            assertThat(server.server().storage().description()).contains(keyspace);
        }
        System.setIn(new java.io.ByteArrayInputStream("a long password\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(run("user", "add", "carol", "--config", config.toString())).as(err.toString()).isZero();
        assertThat(run("user", "list", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("carol@localhost");
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
