package io.switchboard.connector.websocket;

import io.switchboard.connector.ConnectorMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The browser chat page ({@code /chat/}, from the classpath under {@code web/chat/}) and a
 * redirect of {@code /} to it. The page speaks RFC 7395 to {@code /xmpp-websocket} on the same
 * origin. Only a fixed list of files is served, read once at start: no request path ever reaches
 * the class loader, so there is nothing to traverse.
 */
final class StaticWebHandler {
    static final String PREFIX = "/chat/";
    /**
     * Scripts and styles only from this origin, never inline, so text that slipped into the DOM
     * could not run; WebSockets to any host because CSP 'self' does not match ws:/wss: in every
     * browser still in use (CSP Level 3 added that), and the page only ever opens its own origin.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; "
            + "img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Resource(String contentType, Buffer body, String etag) {
    }

    private final Map<String, Resource> resources;
    private final ConnectorMetrics metrics;

    /** @param domain the XMPP domain the page logs in to when the user types no '@domain' */
    StaticWebHandler(String domain, ConnectorMetrics metrics) {
        this.metrics = metrics;
        byte[] config = new JsonObject().put("domain", domain).encode().getBytes(StandardCharsets.UTF_8);
        this.resources = Map.of(
                PREFIX, resource("web/chat/index.html", "text/html; charset=utf-8"),
                PREFIX + "chat.js", resource("web/chat/chat.js", "text/javascript; charset=utf-8"),
                PREFIX + "chat.css", resource("web/chat/chat.css", "text/css; charset=utf-8"),
                // Linked from the page so that browsers do not ask for /favicon.ico (a 404 in every console).
                PREFIX + "favicon.svg", resource("web/chat/favicon.svg", "image/svg+xml"),
                PREFIX + "config.json", new Resource("application/json", Buffer.buffer(config), etag(config)));
    }

    /** Whether this handler answers {@code path}; everything else stays with the caller. */
    boolean handles(String path) {
        return "/".equals(path) || "/chat".equals(path) || path.startsWith(PREFIX);
    }

    void handle(HttpServerRequest request, HttpServerResponse response) {
        String path = request.path();
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            respond(response.putHeader(HttpHeaders.ALLOW, "GET, HEAD"), 405);
            return;
        }
        if ("/".equals(path) || "/chat".equals(path)) {
            // 302, not 301: a permanent redirect would outlive switching the page off.
            respond(response.putHeader(HttpHeaders.LOCATION, PREFIX), 302);
            return;
        }
        Resource resource = resources.get(path);
        if (resource == null) {
            respond(response, 404);
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, resource.contentType())
                // Revalidated on every load (cheap with the ETag), so an upgraded server never runs an old script.
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                .putHeader(HttpHeaders.ETAG, resource.etag())
                .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        if (notModified(resource.etag(), request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
            respond(response, 304);
            return;
        }
        metrics.httpRequest("web-client", 200);
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(resource.body().length())).end();
        } else {
            response.end(resource.body());
        }
    }

    private void respond(HttpServerResponse response, int status) {
        metrics.httpRequest("web-client", status);
        response.setStatusCode(status).end();
    }

    private static Resource resource(String name, String contentType) {
        try (InputStream in = StaticWebHandler.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("web client resource missing from the classpath: " + name);
            }
            byte[] bytes = in.readAllBytes();
            return new Resource(contentType, Buffer.buffer(bytes), etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * RFC 9110 §13.1.2: If-None-Match is "*" or a list of entity tags compared weakly (a {@code W/}
     * prefix on either side does not matter).
     */
    static boolean notModified(String etag, String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
