package io.switchboard.connector.websocket;

import io.switchboard.connector.AllowedOrigins;
import io.switchboard.connector.ConnectorSettings;

import java.util.List;

/** Which WebSocket upgrade requests get an XMPP stream, decided from the request line and headers alone. */
final class UpgradePolicy {
    /** RFC 7395 §3.1: the subprotocol a client must ask for and the server must confirm. */
    static final String SUBPROTOCOL = "xmpp";

    /** The answer to one upgrade request, with the HTTP status for a refusal and the metric label. */
    enum Verdict {
        ACCEPT(101, "accepted"),
        NOT_FOUND(404, "not-found"),
        BAD_SUBPROTOCOL(400, "bad-subprotocol"),
        FORBIDDEN_ORIGIN(403, "forbidden-origin");

        final int status;
        final String label;

        Verdict(int status, String label) {
            this.status = status;
            this.label = label;
        }
    }

    private final AllowedOrigins allowedOrigins;

    UpgradePolicy(List<String> allowedOrigins) {
        this.allowedOrigins = new AllowedOrigins(allowedOrigins);
    }

    /**
     * @param subprotocolHeaders every {@code Sec-WebSocket-Protocol} header value (each a comma-separated list)
     * @param origin             the {@code Origin} header, null when absent
     */
    Verdict check(String path, List<String> subprotocolHeaders, String origin) {
        if (!ConnectorSettings.Web.WEBSOCKET_PATH.equals(path)) {
            return Verdict.NOT_FOUND;
        }
        if (!offersXmpp(subprotocolHeaders)) {
            // RFC 7395 §3.1: without the subprotocol this is not an XMPP connection; refusing the upgrade
            // tells the client so before it sends anything.
            return Verdict.BAD_SUBPROTOCOL;
        }
        return allowedOrigins.allows(origin) ? Verdict.ACCEPT : Verdict.FORBIDDEN_ORIGIN;
    }

    private static boolean offersXmpp(List<String> headers) {
        for (String header : headers) {
            for (String token : header.split(",")) {
                if (token.strip().equals(SUBPROTOCOL)) { // subprotocol names compare exactly (RFC 6455 §4.1)
                    return true;
                }
            }
        }
        return false;
    }
}
