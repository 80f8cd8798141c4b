package io.switchboard.launcher.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The management port serves Prometheus text with the metrics operators rely on. */
class MetricsEndpointTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void metricsEndpointExposesConnectionStanzaAuthAndRoutingMetrics() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(response.body())
                .contains("xmpp_connections_open{transport=\"tcp\"}")
                .contains("xmpp_connections_open{transport=\"tls\"}")
                .contains("xmpp_connections_open{transport=\"websocket\"}")
                .contains("xmpp_stanzas_in_total{kind=\"message\",transport=\"tcp\"}")
                .contains("xmpp_stanzas_in_total{kind=\"message\",transport=\"websocket\"}")
                .contains("xmpp_stanzas_out_total{kind=\"presence\",transport=\"tls\"}")
                .contains("xmpp_routing_latency_seconds_bucket")
                .contains("xmpp_session_directory_size")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void healthIsOkOnceStarted() throws Exception {
        HttpResponse<String> response = get("/health");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.server().managementPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
