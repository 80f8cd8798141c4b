package io.switchboard.launcher.it.websocket;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw RFC 7395 client on the JDK's WebSocket: every text message the server sends is kept as
 * one unit, so tests can check the framing (one element per message) as well as the content.
 * Trusts exactly the test server's generated certificate.
 */
final class WsClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    static final String STREAMS = "http://etherx.jabber.org/streams";
    static final String STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
    static final String OPEN = "<open xmlns='" + FRAMING + "' to='localhost' version='1.0'/>";
    static final String CLOSE = "<close xmlns='" + FRAMING + "'/>";
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Map<Path, HttpClient> HTTP_CLIENTS = new ConcurrentHashMap<>();

    private final String name;
    private final WebSocket socket;
    private final Listener listener;

    private WsClient(String name, WebSocket socket, Listener listener) {
        this.name = name;
        this.socket = socket;
        this.listener = listener;
    }

    // ---- connecting ---------------------------------------------------------------------------

    /** wss:// with the {@code xmpp} subprotocol and no Origin (as a non-browser client). */
    static WsClient connect(TestServer server, String name) {
        return connect(server, name, true, List.of("xmpp"), null);
    }

    static WsClient connectPlain(TestServer server, String name) {
        return connect(server, name, false, List.of("xmpp"), null);
    }

    static URI uri(TestServer server, boolean secure, String path) {
        return URI.create((secure ? "wss://localhost:" + server.httpsPort() : "ws://localhost:" + server.httpPort())
                + path);
    }

    /** One client per server (each JDK HttpClient keeps a selector thread until it is collected). */
    static HttpClient http(TestServer server) {
        return HTTP_CLIENTS.computeIfAbsent(server.dataDir(), dir -> HttpClient.newBuilder()
                .sslContext(ServerTrust.sslContext(dir)).connectTimeout(WAIT).build());
    }

    static WsClient connect(TestServer server, String name, boolean secure, List<String> subprotocols, String origin) {
        try {
            return attempt(server, name, uri(server, secure, "/xmpp-websocket"), subprotocols, origin)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("[" + name + "] WebSocket handshake failed: " + e, e);
        }
    }

    /**
     * The HTTP status with which the server refused an upgrade; fails the test if it accepted.
     * The JDK client asks for no subprotocol when {@code subprotocols} is empty.
     */
    static int refusedStatus(TestServer server, String path, List<String> subprotocols, String origin) {
        try {
            WsClient accepted = attempt(server, "refused", uri(server, true, path), subprotocols, origin)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            accepted.abort();
            throw new AssertionError("the server accepted the upgrade to " + path + " with subprotocols "
                    + subprotocols + " and origin " + origin);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
                cause = cause.getCause();
            }
            if (cause == null) {
                throw new AssertionError("the upgrade failed, but not with an HTTP refusal", e);
            }
            return ((WebSocketHandshakeException) cause).getResponse().statusCode();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /** Connects to a URL found elsewhere (e.g. by XEP-0156 discovery) with the {@code xmpp} subprotocol. */
    static WsClient connect(TestServer server, String name, URI uri) {
        try {
            return attempt(server, name, uri, List.of("xmpp"), null).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("[" + name + "] WebSocket handshake with " + uri + " failed: " + e, e);
        }
    }

    private static CompletableFuture<WsClient> attempt(TestServer server, String name, URI uri,
                                                       List<String> subprotocols, String origin) {
        Listener listener = new Listener();
        WebSocket.Builder builder = http(server).newWebSocketBuilder().connectTimeout(WAIT);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder.buildAsync(uri, listener).thenApply(ws -> new WsClient(name, ws, listener));
    }

    /** Collects whole text messages, pings and the close status. */
    private static final class Listener implements WebSocket.Listener {
        final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
        final List<String> received = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final AtomicInteger pings = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public java.util.concurrent.CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                received.add(message);
                inbox.add(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet(); // the JDK answers with a pong by itself
            webSocket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    // ---- raw I/O --------------------------------------------------------------------------------

    void send(String message) {
        socket.sendText(message, true).join();
    }

    /** One message in several frames (RFC 6455 §5.4). */
    void sendFragmented(String... parts) {
        for (int i = 0; i < parts.length; i++) {
            socket.sendText(parts[i], i == parts.length - 1).join();
        }
    }

    void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** The next message, whatever it is. */
    String next() {
        try {
            String m = listener.inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("[" + name + "] no message within " + WAIT + "; received so far: " + received());
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips messages until one matches (the skipped ones stay in {@link #received()}). */
    String next(Predicate<String> wanted, String description) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                String m = listener.inbox.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (m != null && wanted.test(m)) {
                    return m;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("[" + name + "] no message " + description + " within " + WAIT + "; received: "
                + received());
    }

    String nextContaining(String needle) {
        return next(m -> m.contains(needle), "containing " + needle);
    }

    /** No message arrives for {@code quiet}. */
    void assertNothingFor(Duration quiet) {
        try {
            String m = listener.inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (m != null) {
                throw new AssertionError("[" + name + "] unexpected message " + m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every message received so far, in order. */
    List<String> received() {
        synchronized (listener.received) {
            return List.copyOf(listener.received);
        }
    }

    /** The WebSocket close status the server sent (RFC 6455 §7.4). */
    int awaitClose() {
        try {
            return listener.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("[" + name + "] the server did not close the WebSocket: " + e + "; received: "
                    + received(), e);
        }
    }

    boolean isClosed() {
        return listener.closed.isDone();
    }

    int pings() {
        return listener.pings.get();
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Starts the WebSocket closing handshake (RFC 6455 §7.1.2) with 1000. */
    void closeWebSocket() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    /** Drops the TCP connection without closing anything (a lost network). */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        socket.abort();
    }

    // ---- RFC 7395 / RFC 6120 steps ----------------------------------------------------------------

    /** RFC 7395 §3.4: {@code <open/>}, the server's {@code <open/>} and its features; returns the features. */
    String open() {
        send(OPEN);
        String open = next();
        if (!open.startsWith("<open")) {
            throw new AssertionError("[" + name + "] expected <open/>, got " + open);
        }
        return nextContaining("features");
    }

    void authPlain(String user, String password) {
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)) + "</auth>");
        String outcome = next(m -> m.contains("<success") || m.contains("<failure"), "with the SASL outcome");
        if (!outcome.contains("<success")) {
            throw new AssertionError("[" + name + "] PLAIN failed: " + outcome);
        }
    }

    /** Binds {@code resource} and returns the full JID. */
    String bind(String resource) {
        String id = nextId("bind");
        send("<iq xmlns='jabber:client' type='set' id='" + id + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>" + resource + "</resource></bind></iq>");
        String reply = nextContaining("id='" + id + "'");
        Matcher m = Pattern.compile("<jid>([^<]+)</jid>").matcher(reply);
        if (!m.find()) {
            throw new AssertionError("[" + name + "] bind failed: " + reply);
        }
        return m.group(1);
    }

    /** Opens, authenticates with PLAIN (wss only), restarts the stream (RFC 7395 §3.7) and binds. */
    static WsClient loggedIn(TestServer server, String user, String password, String resource) {
        WsClient c = connect(server, user);
        c.open();
        c.authPlain(user, password);
        c.open();
        c.bind(resource);
        return c;
    }

    /**
     * RFC 7395 §3.5: a stream error arrives as a message of its own, followed by {@code <close/>},
     * then the server closes the WebSocket (§3.6, status 1000). Returns the error message.
     */
    String expectStreamErrorAndClose(String condition) {
        String error = next(m -> m.contains("error"), "with a stream error");
        if (!Pattern.compile("<" + Pattern.quote(condition) + "\\s+xmlns=['\"]" + Pattern.quote(STREAM_ERRORS) + "['\"]")
                .matcher(error).find()) {
            throw new AssertionError("[" + name + "] expected <" + condition + "/>, got " + error + "; received: "
                    + received());
        }
        String close = next();
        if (!close.startsWith("<close") || !close.contains(FRAMING)) {
            throw new AssertionError("[" + name + "] expected <close/> after the error, got " + close);
        }
        int status = awaitClose();
        if (status != WebSocket.NORMAL_CLOSURE) {
            throw new AssertionError("[" + name + "] expected close status 1000, got " + status);
        }
        return error;
    }

    static String nextId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    /**
     * RFC 7395 §3.3.3: the message on its own is a namespace-well-formed XML document; returns its
     * root for further checks.
     */
    static Document parseStandalone(String message) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not a standalone XML document (RFC 7395 §3.3.3): " + message, e);
        }
    }
}
