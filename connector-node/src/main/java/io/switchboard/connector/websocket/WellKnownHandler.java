package io.switchboard.connector.websocket;

import io.switchboard.connector.ConnectorMetrics;
import io.switchboard.connector.ConnectorSettings;
import io.switchboard.connector.bosh.BoshEndpoint;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;

/**
 * Plain HTTP requests on a connector's HTTP listeners: BOSH ({@link BoshEndpoint}), the XEP-0156
 * discovery documents, the browser chat page ({@link StaticWebHandler}), and a helpful refusal for
 * everything else. Every response but BOSH's closes the connection: nothing else here is worth
 * keeping a socket open for, and it leaves idle HTTP connections nothing to hold on to.
 */
final class WellKnownHandler implements Handler<HttpServerRequest> {
    static final String HOST_META = "/.well-known/host-meta";
    static final String HOST_META_JSON = "/.well-known/host-meta.json";

    private final HostMeta hostMeta;
    private final ConnectorMetrics metrics;
    private final StaticWebHandler webClient; // null when the chat page is switched off
    private final BoshEndpoint bosh; // null when BOSH is switched off

    WellKnownHandler(HostMeta hostMeta, ConnectorMetrics metrics, StaticWebHandler webClient, BoshEndpoint bosh) {
        this.hostMeta = hostMeta;
        this.metrics = metrics;
        this.webClient = webClient;
        this.bosh = bosh;
    }

    @Override
    public void handle(HttpServerRequest request) {
        String path = request.path();
        if (bosh != null && ConnectorSettings.Web.BOSH_PATH.equals(path)) {
            bosh.handle(request); // its connections stay open between requests (XEP-0124 §4: keep-alive)
            return;
        }
        HttpServerResponse response = request.response().putHeader(HttpHeaders.CONNECTION, "close");
        if (HOST_META.equals(path) || HOST_META_JSON.equals(path)) {
            String endpoint = HOST_META.equals(path) ? "host-meta" : "host-meta-json";
            // XEP-0156 §3: web clients on other origins read these documents, so any origin may.
            response.putHeader("Access-Control-Allow-Origin", "*");
            if (request.method() == HttpMethod.OPTIONS) {
                respond(response.putHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"), endpoint, 204);
            } else if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
                boolean json = HOST_META_JSON.equals(path);
                byte[] body = (json ? hostMeta.jrd() : hostMeta.xrd()).getBytes(StandardCharsets.UTF_8);
                response.putHeader(HttpHeaders.CONTENT_TYPE, json ? HostMeta.JRD_CONTENT_TYPE
                        : HostMeta.XRD_CONTENT_TYPE);
                metrics.httpRequest(endpoint, 200);
                if (request.method() == HttpMethod.HEAD) {
                    response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length)).end();
                } else {
                    response.end(io.vertx.core.buffer.Buffer.buffer(body));
                }
            } else {
                respond(response.putHeader(HttpHeaders.ALLOW, "GET, HEAD, OPTIONS"), endpoint, 405);
            }
        } else if (ConnectorSettings.Web.WEBSOCKET_PATH.equals(path)) {
            // RFC 7231 §6.5.15: the endpoint exists but only speaks WebSocket.
            respond(response.putHeader(HttpHeaders.UPGRADE, "websocket"), "websocket", 426);
        } else if (webClient != null && webClient.handles(path)) {
            webClient.handle(request, response);
        } else {
            respond(response, "other", 404);
        }
    }

    private void respond(HttpServerResponse response, String endpoint, int status) {
        metrics.httpRequest(endpoint, status);
        response.setStatusCode(status).end();
    }
}
