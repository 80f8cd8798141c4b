package io.switchboard.connector.bosh;

import io.switchboard.connector.AllowedOrigins;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.XmppConnection;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.function.Consumer;

/**
 * {@code /http-bind} on one event loop's HTTP listeners: reads each POSTed {@code <body/>} as it
 * arrives, then creates a session (no sid), serves one of this node's sessions, or passes the
 * request to the node holding it ({@link BoshSessions}). Browsers on other origins may use it when
 * {@code listeners.bosh.allowed-origins} lets them (CORS preflight and headers).
 */
public final class BoshEndpoint {
    private static final String ALLOWED_METHODS = "POST, OPTIONS";
    /** How much of a too-large body is read (and dropped) before the connection is cut. */
    private static final long DISCARD_ALLOWANCE = 1 << 20;

    private final ConnectorServices services;
    private final BoshSessions sessions;
    private final AllowedOrigins origins;
    private final Context context;
    private final Consumer<XmppConnection> opened;
    private final Consumer<XmppConnection> closed;
    private final Consumer<HttpConnection> requestStarted;
    private final Consumer<HttpConnection> requestEnded;

    /**
     * @param requestStarted told when a request begins on an HTTP connection (it is busy, not idle)
     * @param requestEnded   told when its response has been written
     */
    public BoshEndpoint(ConnectorServices services, BoshSessions sessions, Context context,
                        Consumer<XmppConnection> opened, Consumer<XmppConnection> closed,
                        Consumer<HttpConnection> requestStarted, Consumer<HttpConnection> requestEnded) {
        this.services = services;
        this.sessions = sessions;
        this.origins = new AllowedOrigins(services.settings().web().bosh().allowedOrigins());
        this.context = context;
        this.opened = opened;
        this.closed = closed;
        this.requestStarted = requestStarted;
        this.requestEnded = requestEnded;
    }

    public void handle(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (!origins.allows(origin)) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            plain(response, 403);
            return;
        }
        if (origin != null) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                    .putHeader(HttpHeaders.VARY, "Origin");
        }
        if (request.method() == HttpMethod.OPTIONS) {
            // CORS preflight: a page's script POSTs text/xml, which browsers ask about first.
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
                    .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "86400");
            plain(response, 204);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            // XEP-0124 §4: every request is a POST (GET-based polling is not supported).
            response.putHeader(HttpHeaders.ALLOW, ALLOWED_METHODS);
            plain(response, 405);
            return;
        }
        HttpConnection connection = request.connection();
        requestStarted.accept(connection);
        boolean[] ended = new boolean[1];
        Runnable end = () -> {
            if (!ended[0]) {
                ended[0] = true;
                requestEnded.accept(connection);
            }
        };
        response.endHandler(v -> end.run());
        response.closeHandler(v -> end.run());
        BoshRequest.Reader reader = sessions.newReader();
        Buffer raw = Buffer.buffer();
        boolean[] done = new boolean[1];
        long[] discarded = new long[1];
        request.handler(chunk -> {
            if (done[0]) {
                return;
            }
            if (raw.length() + chunk.length() <= sessions.maxBodyBytes()) {
                raw.appendBuffer(chunk);
                reader.feed(chunk);
                return;
            }
            // Too large: the rest is read and dropped, so that the client can read the answer (the session it
            // names ends with policy-violation, as a TCP stream would); past a generous allowance the
            // connection is answered and closed at once.
            discarded[0] += chunk.length();
            if (discarded[0] > DISCARD_ALLOWANCE) {
                done[0] = true;
                response.putHeader(HttpHeaders.CONNECTION, "close");
                dispatch(request, BoshSessions.tooLarge(reader.finish()), raw, true);
            }
        });
        request.endHandler(v -> {
            if (!done[0]) {
                done[0] = true;
                BoshRequest body = reader.finish();
                boolean tooLarge = discarded[0] > 0;
                dispatch(request, tooLarge ? BoshSessions.tooLarge(body) : body, raw, tooLarge);
            }
        });
    }

    private void dispatch(HttpServerRequest request, BoshRequest body, Buffer raw, boolean tooLarge) {
        boolean secure = request.isSSL();
        BoshSession.Reply reply = reply(request.response());
        if (body.error() != null && body.bodyError()) {
            // Not a BOSH body at all: nothing names a session to end. XEP-0124 §17.1's HTTP 400 for such
            // requests, with the terminal body that modern clients read.
            reply.send(400, BoshBodies.terminate("bad-request"));
        } else if (body.sid() == null) {
            sessions.create(body, secure, String.valueOf(request.remoteAddress()), context, opened, closed, reply);
        } else {
            sessions.dispatch(body, raw, tooLarge, secure, reply);
        }
    }

    /** Writes on the request's own event loop, whichever loop the session that answers lives on. */
    private BoshSession.Reply reply(HttpServerResponse response) {
        Context requestContext = context;
        return (status, body) -> requestContext.runOnContext(v -> {
            services.metrics().httpRequest("bosh", status);
            if (!response.ended() && !response.closed()) {
                response.setStatusCode(status)
                        .putHeader(HttpHeaders.CONTENT_TYPE, BoshBodies.CONTENT_TYPE)
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .end(body);
            }
        });
    }

    private void plain(HttpServerResponse response, int status) {
        services.metrics().httpRequest("bosh", status);
        response.setStatusCode(status).end();
    }
}
