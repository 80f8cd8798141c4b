package io.switchboard.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Start failures must be quick and say why, without leaving a process or pid file behind. */
class LocalCassandraStartFailureTest {

    @Test
    void jvmThatDiesDuringStartupFailsStartWithItsExitCodeAndOutputTail() {
        // -Xms1k is refused by the JVM itself: a cheap stand-in for any early Cassandra death.
        LocalCassandra cassandra = LocalCassandra.builder(TestDirs.fresh("dies")).heap("1k").build();

        assertThatThrownBy(cassandra::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("tail of " + cassandra.dataDir().resolve("logs/stdout.log"))
                .hasMessageContaining("heap");
        assertThat(cassandra.isRunning()).isFalse();
        assertThat(cassandra.dataDir().resolve("cassandra.pid")).doesNotExist();
    }

    @Test
    void takenPortFailsStartBeforeLaunchingAnything() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LocalCassandra cassandra = LocalCassandra.builder(TestDirs.fresh("port-taken"))
                    .storagePort(taken.getLocalPort()).build();

            assertThatThrownBy(cassandra::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("The storage port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
            assertThat(cassandra.dataDir().resolve("logs/stdout.log")).doesNotExist();
        }
    }
}
