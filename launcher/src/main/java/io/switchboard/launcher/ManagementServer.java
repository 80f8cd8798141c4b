package io.switchboard.launcher;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.function.BooleanSupplier;

/**
 * The management HTTP port: {@code /metrics} in the Prometheus text format and {@code /health}
 * for liveness/readiness probes. Bound to loopback by default; it is not meant for the internet.
 */
final class ManagementServer {
    private final HttpServer server;

    private ManagementServer(HttpServer server) {
        this.server = server;
    }

    static Future<ManagementServer> start(Vertx vertx, String host, int port, PrometheusMeterRegistry registry,
                                          BooleanSupplier ready) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
        server.requestHandler(request -> {
            switch (request.path()) {
                case "/metrics" -> {
                    // Scraping walks every meter: keep it off the event loop.
                    vertx.executeBlocking(registry::scrape, false).onComplete(result -> {
                        if (result.succeeded()) {
                            request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                    .end(result.result());
                        } else {
                            request.response().setStatusCode(500).end("scrape failed\n");
                        }
                    });
                }
                case "/health" -> request.response().setStatusCode(ready.getAsBoolean() ? 200 : 503)
                        .putHeader("Content-Type", "text/plain").end(ready.getAsBoolean() ? "ok\n" : "starting\n");
                default -> request.response().setStatusCode(404).end("not found: try /metrics or /health\n");
            }
        });
        return server.listen().map(s -> new ManagementServer(server));
    }

    int port() {
        return server.actualPort();
    }

    Future<Void> stop() {
        return server.close();
    }
}
