package io.switchboard.launcher.cluster;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterLayoutTest {
    private static final Path BASE = Path.of("/tmp/sb-cluster/nodes");

    @Test
    void standardLayoutHasDistinctIdsPortsAndDataDirs() {
        List<NodeSpec> nodes = ClusterLayout.plan(BASE, 2, 2, 1, ClusterLayout.Ports.standard());
        assertThat(nodes).extracting(NodeSpec::nodeId)
                .containsExactly("connector-1", "connector-2", "router-1", "router-2", "presence-1");
        assertThat(nodes).extracting(NodeSpec::role)
                .containsExactly("connector", "connector", "router", "router", "presence");
        assertThat(nodes).extracting(NodeSpec::clusterPort).containsExactly(5701, 5702, 5703, 5704, 5705);
        assertThat(nodes).extracting(NodeSpec::metricsPort).containsExactly(9464, 9465, 9466, 9467, 9468);
        assertThat(nodes.subList(0, 2)).extracting(NodeSpec::c2sPort).containsExactly(5222, 6222);
        assertThat(nodes.subList(0, 2)).extracting(NodeSpec::directTlsPort).containsExactly(5223, 6223);
        assertThat(nodes.subList(0, 2)).extracting(NodeSpec::httpPort).containsExactly(5280, 6280);
        assertThat(nodes.subList(0, 2)).extracting(NodeSpec::httpsPort).containsExactly(5443, 6443);
        assertThat(nodes.subList(2, 5)).extracting(NodeSpec::httpsPort).containsOnly(0);
        assertThat(nodes).extracting(NodeSpec::dataDir).doesNotHaveDuplicates();
        assertThat(ClusterLayout.members(nodes)).isEqualTo(
                "127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703,127.0.0.1:5704,127.0.0.1:5705");
    }

    @Test
    void eachNodeGetsItsRoleAndOnlyConnectorsGetListenersAndTheSharedCertificate() {
        List<NodeSpec> nodes = ClusterLayout.plan(BASE, 2, 1, 1, ClusterLayout.Ports.standard());
        NodeSpec.Shared shared = new NodeSpec.Shared("localhost", "c", "127.0.0.1:5701", Path.of("/t/c.pem"),
                Path.of("/t/k.pem"), "127.0.0.1:9042", "datacenter1", "ks");
        var connector2 = nodes.get(1).environment(shared);
        assertThat(connector2).containsEntry("SWITCHBOARD_SERVER_ROLES", "connector")
                .containsEntry("SWITCHBOARD_SERVER_NODE_ID", "connector-2")
                .containsEntry("SWITCHBOARD_LISTENERS_C2S_PORT", "6222")
                .containsEntry("SWITCHBOARD_LISTENERS_HTTP_PORT", "6280")
                .containsEntry("SWITCHBOARD_LISTENERS_HTTPS_PORT", "6443")
                .containsEntry("SWITCHBOARD_LISTENERS_HTTPS_ENABLED", "true")
                .containsEntry("SWITCHBOARD_TLS_CERTIFICATE", "/t/c.pem")
                .containsEntry("SWITCHBOARD_STORAGE_TYPE", "cassandra");
        var router = nodes.get(2).environment(shared);
        assertThat(router).containsEntry("SWITCHBOARD_SERVER_ROLES", "router")
                .doesNotContainKey("SWITCHBOARD_LISTENERS_C2S_PORT").doesNotContainKey("SWITCHBOARD_TLS_CERTIFICATE");
    }

    @Test
    void stateFileLinesRoundTrip() {
        for (NodeSpec n : ClusterLayout.plan(BASE, 3, 1, 1, ClusterLayout.Ports.standard())) {
            assertThat(NodeSpec.parse(n.toLine())).isEqualTo(n);
        }
    }

    @Test
    void layoutsWithoutHttpPortsTurnTheDevProfilesHttpListenersOff() {
        // ProcessCluster's free-port layout names no HTTP ports: its connectors must not all try 5280/5443.
        ClusterLayout.Ports noHttp = new ClusterLayout.Ports(i -> 17000 + i, i -> 18000 + i, i -> 19000 + i,
                i -> 20000 + i);
        NodeSpec.Shared shared = new NodeSpec.Shared("localhost", "c", "127.0.0.1:17000", Path.of("/t/c.pem"),
                Path.of("/t/k.pem"), "127.0.0.1:9042", "datacenter1", "ks");
        var env = ClusterLayout.plan(BASE, 1, 1, 1, noHttp).get(0).environment(shared);
        assertThat(env).containsEntry("SWITCHBOARD_LISTENERS_HTTP_ENABLED", "false")
                .containsEntry("SWITCHBOARD_LISTENERS_HTTPS_ENABLED", "false");
    }

    @Test
    void stateFilesWrittenBeforeHttpPortsStillParse() {
        NodeSpec old = NodeSpec.parse("connector-1 connector 5701 9464 5222 5223 /tmp/sb cluster/connector-1");
        assertThat(old.dataDir()).isEqualTo(Path.of("/tmp/sb cluster/connector-1"));
        assertThat(old.httpsPort()).isZero();
        assertThat(old.directTlsPort()).isEqualTo(5223);
    }

    @Test
    void needsEveryRole() {
        assertThatThrownBy(() -> ClusterLayout.plan(BASE, 1, 0, 1, ClusterLayout.Ports.standard()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one router");
    }

    @Test
    void commandRejectsUnknownOptionsAndReportsAnEmptyDirectory() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClusterCommand command = new ClusterCommand(new PrintStream(out, true), new PrintStream(err, true));
        assertThat(command.run(List.of("up", "--bogus", "1"))).isEqualTo(2);
        assertThat(err.toString()).contains("unknown option --bogus");
        assertThat(command.run(List.of("up", "--connectors", "0"))).isEqualTo(2);
        assertThat(command.run(List.of("status", "--dir", "/tmp/sb-no-such-cluster-dir"))).isEqualTo(3);
        assertThat(out.toString()).contains("No local cluster");
    }
}
