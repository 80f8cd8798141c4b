package io.switchboard.launcher.it.web;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser chat page as the connector's HTTP listeners serve it ({@code StaticWebHandler}):
 * only GET and HEAD, a fixed set of files under {@code /chat/} with their types, ETag
 * revalidation, a redirect from {@code /}, the security headers that keep injected text from
 * running, and {@code listeners.web-client.enabled: false} switching exactly the page off while
 * discovery and XMPP over WebSocket stay up.
 */
class StaticWebHandlerTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String CSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self'; object-src 'none';"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static TestServer server;
    static HttpClient http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = client(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** HTTP/1.1 (the listeners speak nothing else), trusting exactly the server's certificate, no redirects followed. */
    static HttpClient client(TestServer s) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(ServerTrust.sslContext(s.dataDir())).connectTimeout(WAIT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static URI uri(TestServer s, boolean secure, String path) {
        return URI.create((secure ? "https://localhost:" + s.httpsPort() : "http://localhost:" + s.httpPort()) + path);
    }

    static HttpResponse<byte[]> send(HttpClient client, TestServer s, boolean secure, String method, String path,
                                     String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(s, secure, path)).timeout(WAIT)
                .method(method, method.equals("POST") || method.equals("PUT")
                        ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        return send(http, server, true, method, path, headers);
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    // ---- what is served ---------------------------------------------------------------------------

    @Test
    @DisplayName("RFC 9110 §15.4.3: / and /chat redirect (302, not permanent) to /chat/, over http and https")
    void rootRedirectsToThePage() throws Exception {
        for (boolean secure : new boolean[] {true, false}) {
            for (String path : List.of("/", "/chat")) {
                HttpResponse<byte[]> response = send(http, server, secure, "GET", path);
                assertThat(response.statusCode()).as("%s over %s", path, secure ? "https" : "http").isEqualTo(302);
                assertThat(header(response, "Location")).isEqualTo("/chat/");
            }
        }
    }

    @Test
    @DisplayName("/chat/ is the page (text/html) and its fixed set of files have their types, over http and https;"
            + " config.json names the XMPP domain")
    void servesThePageAndItsFiles() throws Exception {
        Map<String, String> types = Map.of(
                "/chat/", "text/html; charset=utf-8",
                "/chat/chat.js", "text/javascript; charset=utf-8",
                "/chat/chat.css", "text/css; charset=utf-8",
                "/chat/favicon.svg", "image/svg+xml",
                "/chat/config.json", "application/json");
        for (boolean secure : new boolean[] {true, false}) {
            for (Map.Entry<String, String> file : types.entrySet()) {
                HttpResponse<byte[]> response = send(http, server, secure, "GET", file.getKey());
                assertThat(response.statusCode()).as(file.getKey()).isEqualTo(200);
                assertThat(header(response, "Content-Type")).as(file.getKey()).isEqualTo(file.getValue());
                assertThat(response.body()).as(file.getKey()).isNotEmpty();
            }
        }
        String page = text(send("GET", "/chat/"));
        assertThat(page).startsWith("<!DOCTYPE html>").contains("src=\"chat.js\"").contains("href=\"chat.css\"");
        assertThat(text(send("GET", "/chat/config.json"))).isEqualTo("{\"domain\":\"localhost\"}");
    }

    @Test
    @DisplayName("Only the fixed list is served: unknown files, index.html by name, encoded traversal and paths"
            + " outside /chat/ are 404")
    void unknownFilesAre404() throws Exception {
        double before = server.counter("xmpp_http_requests_total", "endpoint=\"web-client\"", "status=\"404\"");
        List<String> unknown = List.of("/chat/nope.js", "/chat/index.html", "/chat/CHAT.JS", "/chat/chat.js/",
                "/chat/%2e%2e/pom.xml", "/chat/..%2fchat.js", "/chat/web/chat/chat.js");
        for (String path : unknown) {
            HttpResponse<byte[]> response = send("GET", path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).isEmpty();
        }
        assertThat(server.counter("xmpp_http_requests_total", "endpoint=\"web-client\"", "status=\"404\""))
                .isEqualTo(before + unknown.size());
        // Outside /chat/ the page's handler is not asked at all.
        assertThat(send("GET", "/chat.js").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/favicon.ico").statusCode()).isEqualTo(404);
    }

    // ---- methods ----------------------------------------------------------------------------------

    @Test
    @DisplayName("RFC 9110 §15.5.6: methods other than GET and HEAD get 405 with Allow: GET, HEAD (the redirect too)")
    void otherMethodsAre405() throws Exception {
        double before = server.counter("xmpp_http_requests_total", "endpoint=\"web-client\"", "status=\"405\"");
        List<String[]> requests = List.of(new String[] {"POST", "/chat/"}, new String[] {"PUT", "/chat/chat.js"},
                new String[] {"DELETE", "/chat/config.json"}, new String[] {"OPTIONS", "/chat/"},
                new String[] {"POST", "/"}, new String[] {"PATCH", "/chat/nope.js"});
        for (String[] r : requests) {
            HttpResponse<byte[]> response = send(r[0], r[1]);
            assertThat(response.statusCode()).as("%s %s", r[0], r[1]).isEqualTo(405);
            assertThat(header(response, "Allow")).as("%s %s", r[0], r[1]).isEqualTo("GET, HEAD");
            assertThat(response.body()).isEmpty();
        }
        assertThat(server.counter("xmpp_http_requests_total", "endpoint=\"web-client\"", "status=\"405\""))
                .isEqualTo(before + requests.size());
    }

    @Test
    @DisplayName("RFC 9110 §9.3.2: HEAD has GET's status and headers (Content-Type, Content-Length, ETag) and no body")
    void headIsGetWithoutTheBody() throws Exception {
        for (String path : List.of("/chat/", "/chat/chat.js", "/chat/config.json")) {
            HttpResponse<byte[]> get = send("GET", path);
            HttpResponse<byte[]> head = send("HEAD", path);
            assertThat(head.statusCode()).as(path).isEqualTo(200);
            assertThat(head.body()).as(path).isEmpty();
            assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1)).as(path)
                    .isEqualTo(get.body().length);
            assertThat(header(head, "Content-Type")).as(path).isEqualTo(header(get, "Content-Type"));
            assertThat(header(head, "ETag")).as(path).isNotBlank().isEqualTo(header(get, "ETag"));
            assertThat(header(head, "Content-Security-Policy")).as(path).isEqualTo(CSP);
        }
        HttpResponse<byte[]> redirect = send("HEAD", "/");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(header(redirect, "Location")).isEqualTo("/chat/");
        assertThat(send("HEAD", "/chat/nope.js").statusCode()).isEqualTo(404);
    }

    // ---- caching and security headers -------------------------------------------------------------

    @Test
    @DisplayName("RFC 9110 §13.1.2 / §15.4.5: a GET or HEAD whose If-None-Match names the current ETag gets 304 with no"
            + " body; another ETag gets the file; every file has its own strong ETag and Cache-Control: no-cache")
    void conditionalGetWithETag() throws Exception {
        HttpResponse<byte[]> page = send("GET", "/chat/");
        String etag = header(page, "ETag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");
        assertThat(header(page, "Cache-Control")).isEqualTo("no-cache");
        assertThat(header(send("GET", "/chat/chat.js"), "ETag")).isNotEqualTo(etag);
        assertThat(header(send("GET", "/chat/"), "ETag")).as("stable between requests").isEqualTo(etag);

        for (String method : List.of("GET", "HEAD")) {
            HttpResponse<byte[]> notModified = send(method, "/chat/", "If-None-Match", etag);
            assertThat(notModified.statusCode()).as(method).isEqualTo(304);
            assertThat(notModified.body()).as(method).isEmpty();
            assertThat(header(notModified, "ETag")).as(method).isEqualTo(etag);
            assertThat(header(notModified, "Cache-Control")).as(method).isEqualTo("no-cache");
        }
        HttpResponse<byte[]> changed = send("GET", "/chat/", "If-None-Match", "\"0123456789abcdef0123456789abcdef\"");
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(page.body());
        // §13.1.2: a list, a weak tag and "*" match too
        for (String list : List.of("\"other\", " + etag, "W/" + etag, "*")) {
            assertThat(send("GET", "/chat/", "If-None-Match", list).statusCode()).as(list).isEqualTo(304);
        }
        // The ETag of one file does not validate another.
        assertThat(send("GET", "/chat/chat.js", "If-None-Match", etag).statusCode()).isEqualTo(200);
        // No Last-Modified is sent, so If-Modified-Since has nothing to compare with: the file is sent.
        assertThat(header(page, "Last-Modified")).isNull();
        assertThat(send("GET", "/chat/", "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT").statusCode())
                .isEqualTo(200);
    }

    @Test
    @DisplayName("Every file carries the CSP (scripts only from this origin, no framing), nosniff and no-referrer;"
            + " the connection is not kept alive")
    void securityHeaders() throws Exception {
        for (String path : List.of("/chat/", "/chat/chat.js", "/chat/chat.css", "/chat/favicon.svg",
                "/chat/config.json")) {
            HttpResponse<byte[]> response = send("GET", path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(header(response, "Content-Security-Policy")).as(path).isEqualTo(CSP);
            assertThat(header(response, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(header(response, "Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(header(response, "Connection")).as(path).isEqualTo("close");
        }
        String csp = header(send("GET", "/chat/"), "Content-Security-Policy");
        assertThat(csp).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval")
                .contains("frame-ancestors 'none'").contains("object-src 'none'");
    }

    // ---- switched off -----------------------------------------------------------------------------

    @Test
    @DisplayName("listeners.web-client.enabled: false: /chat/, its files and / are 404 (no redirect), while XEP-0156"
            + " host-meta and RFC 7395 WebSocket still work")
    void webClientSwitchedOff() throws Exception {
        try (TestServer off = TestServer.start(Map.of("SWITCHBOARD_LISTENERS_WEB_CLIENT_ENABLED", "false"))) {
            HttpClient client = client(off);
            for (boolean secure : new boolean[] {true, false}) {
                for (String path : List.of("/", "/chat", "/chat/", "/chat/chat.js", "/chat/config.json")) {
                    HttpResponse<byte[]> response = send(client, off, secure, "GET", path);
                    assertThat(response.statusCode()).as("%s over %s", path, secure ? "https" : "http")
                            .isEqualTo(404);
                    assertThat(header(response, "Location")).isNull();
                    assertThat(header(response, "Content-Security-Policy")).isNull();
                }
                assertThat(send(client, off, secure, "POST", "/chat/").statusCode())
                        .as("not 405: the page is not there at all").isEqualTo(404);
            }
            assertThat(off.counter("xmpp_http_requests_total", "endpoint=\"web-client\"")).isZero();

            HttpResponse<byte[]> hostMeta = send(client, off, true, "GET", "/.well-known/host-meta");
            assertThat(hostMeta.statusCode()).isEqualTo(200);
            assertThat(text(hostMeta)).contains("urn:xmpp:alt-connections:websocket")
                    .contains("wss://localhost:" + off.httpsPort() + "/xmpp-websocket");
            assertThat(send(client, off, false, "GET", "/.well-known/host-meta.json").statusCode()).isEqualTo(200);

            // RFC 7395 §3.3-§3.4: the upgrade is accepted with the xmpp subprotocol and the stream opens.
            BlockingQueue<String> frames = new LinkedBlockingQueue<>();
            WebSocket ws = client.newWebSocketBuilder().subprotocols("xmpp").connectTimeout(WAIT)
                    .buildAsync(URI.create("wss://localhost:" + off.httpsPort() + "/xmpp-websocket"),
                            new WebSocket.Listener() {
                                private final StringBuilder partial = new StringBuilder();

                                @Override
                                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                    partial.append(data);
                                    if (last) {
                                        frames.add(partial.toString());
                                        partial.setLength(0);
                                    }
                                    socket.request(1);
                                    return null;
                                }
                            })
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try {
                assertThat(ws.getSubprotocol()).isEqualTo("xmpp");
                ws.sendText("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>", true)
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                String open = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(open).as("the server's <open/>").isNotNull()
                        .startsWith("<open").contains("urn:ietf:params:xml:ns:xmpp-framing");
                String features = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(features).as("the stream features").isNotNull().contains("features")
                        .contains("mechanisms");
            } finally {
                ws.abort();
            }
        }
    }
}
