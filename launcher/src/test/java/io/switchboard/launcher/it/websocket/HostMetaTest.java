package io.switchboard.launcher.it.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0156 discovery on a connector's HTTP listeners: {@code /.well-known/host-meta} (XRD) and
 * {@code host-meta.json} (JRD) name this node's WebSocket endpoint (RFC 7395 §4) and its BOSH
 * endpoint (XEP-0206), readable from any origin, and the advertised URLs really serve XMPP.
 */
class HostMetaTest {
    static final String XRD_NS = "http://docs.oasis-open.org/ns/xri/xrd-1.0";
    static final String WEBSOCKET_REL = "urn:xmpp:alt-connections:websocket";
    static final String BOSH_REL = "urn:xmpp:alt-connections:xbosh";
    static TestServer server;
    static HttpClient http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = WsClient.http(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    String expectedUrl() {
        return "wss://localhost:" + server.httpsPort() + "/xmpp-websocket";
    }

    String expectedBoshUrl() {
        return "https://localhost:" + server.httpsPort() + "/http-bind";
    }

    @Test
    @DisplayName("XEP-0156 §3.1 / RFC 6415: host-meta is an XRD whose websocket and xbosh links are this node's"
            + " wss:// and https:// endpoints; CORS allows any origin")
    void xep0156_hostMetaXrd() throws Exception {
        for (boolean secure : new boolean[] {true, false}) {
            HttpResponse<String> response = get(secure, "/.well-known/host-meta", "GET");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/xrd+xml");
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
            Element xrd = WsClient.parseStandalone(response.body()).getDocumentElement();
            assertThat(xrd.getNamespaceURI()).isEqualTo(XRD_NS);
            assertThat(xrd.getLocalName()).isEqualTo("XRD");
            NodeList links = xrd.getElementsByTagNameNS(XRD_NS, "Link");
            assertThat(links.getLength()).isEqualTo(2);
            Element link = (Element) links.item(0);
            assertThat(link.getAttribute("rel")).isEqualTo(WEBSOCKET_REL);
            // Discovered over plain HTTP too, the secure endpoint is the one advertised (RFC 7395 §3.9).
            assertThat(link.getAttribute("href")).isEqualTo(expectedUrl());
            Element bosh = (Element) links.item(1);
            assertThat(bosh.getAttribute("rel")).isEqualTo(BOSH_REL);
            assertThat(bosh.getAttribute("href")).isEqualTo(expectedBoshUrl());
        }
    }

    @Test
    @DisplayName("XEP-0156 §3.2: host-meta.json is the same as JRD")
    void xep0156_hostMetaJrd() throws Exception {
        HttpResponse<String> response = get(true, "/.well-known/host-meta.json", "GET");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        JsonNode links = new ObjectMapper().readTree(response.body()).get("links");
        assertThat(links).hasSize(2);
        assertThat(links.get(0).get("rel").asText()).isEqualTo(WEBSOCKET_REL);
        assertThat(links.get(0).get("href").asText()).isEqualTo(expectedUrl());
        assertThat(links.get(1).get("rel").asText()).isEqualTo(BOSH_REL);
        assertThat(links.get(1).get("href").asText()).isEqualTo(expectedBoshUrl());
    }

    @Test
    @DisplayName("HEAD and the CORS preflight are answered, other methods get 405, other paths 404, and"
            + " /xmpp-websocket without an upgrade 426")
    void otherRequests() throws Exception {
        double before = server.counter("xmpp_http_requests_total", "endpoint=\"host-meta\"", "status=\"200\"");
        HttpResponse<String> head = get(true, "/.well-known/host-meta", "HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("Content-Length").orElse(0)).isGreaterThan(50);
        assertThat(get(true, "/.well-known/host-meta", "OPTIONS").statusCode()).isEqualTo(204);
        assertThat(get(true, "/.well-known/host-meta", "POST").statusCode()).isEqualTo(405);
        assertThat(get(true, "/.well-known/webfinger", "GET").statusCode()).isEqualTo(404);
        HttpResponse<String> noUpgrade = get(true, "/xmpp-websocket", "GET");
        assertThat(noUpgrade.statusCode()).isEqualTo(426);
        assertThat(noUpgrade.headers().firstValue("Upgrade")).contains("websocket");
        assertThat(server.counter("xmpp_http_requests_total", "endpoint=\"host-meta\"", "status=\"200\""))
                .isEqualTo(before + 1);
    }

    @Test
    @DisplayName("RFC 7395 §4: the discovered URL serves XMPP over WebSocket")
    void discoveredEndpointWorks() throws Exception {
        JsonNode links = new ObjectMapper().readTree(get(true, "/.well-known/host-meta.json", "GET").body())
                .get("links");
        URI discovered = URI.create(links.get(0).get("href").asText());
        assertThat(discovered.getPort()).isEqualTo(server.httpsPort());
        try (WsClient c = WsClient.connect(server, "discovered", discovered)) {
            assertThat(c.open()).contains("mechanisms");
        }
    }

    @Test
    @DisplayName("XEP-0206 via XEP-0156: the discovered BOSH URL serves XMPP")
    void discoveredBoshEndpointWorks() throws Exception {
        JsonNode links = new ObjectMapper().readTree(get(true, "/.well-known/host-meta.json", "GET").body())
                .get("links");
        URI discovered = URI.create(links.get(1).get("href").asText());
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(discovered).timeout(WsClient.WAIT)
                .POST(HttpRequest.BodyPublishers.ofString("<body xmlns='http://jabber.org/protocol/httpbind'"
                        + " xmlns:xmpp='urn:xmpp:xbosh' rid='1' to='localhost' wait='5' hold='1' xmpp:version='1.0'/>"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).contains("sid=").contains("mechanisms").contains("PLAIN");
    }

    private static HttpResponse<String> get(boolean secure, String path, String method) throws Exception {
        URI uri = URI.create((secure ? "https://localhost:" + server.httpsPort() : "http://localhost:"
                + server.httpPort()) + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(WsClient.WAIT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (method.equals("OPTIONS")) {
            request.header("Origin", "https://somewhere.example").header("Access-Control-Request-Method", "GET");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
