package io.switchboard.connector.websocket;

import io.switchboard.connector.ConnectorSettings;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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

    private final Set<String> allowedOrigins;

    UpgradePolicy(List<String> allowedOrigins) {
        if (allowedOrigins.stream().map(UpgradePolicy::normalizeOrigin).anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + allowedOrigins);
        }
        this.allowedOrigins = allowedOrigins.stream().map(UpgradePolicy::normalizeOrigin)
                .collect(Collectors.toUnmodifiableSet());
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
        // Browsers always send Origin; a client without one is not a browser that a hostile page could drive.
        if (origin != null && !allowedOrigins.isEmpty()) {
            String normalized = normalizeOrigin(origin); // null for an opaque origin ("null") or garbage
            if (normalized == null || !allowedOrigins.contains(normalized)) {
                return Verdict.FORBIDDEN_ORIGIN;
            }
        }
        return Verdict.ACCEPT;
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

    /**
     * The ASCII serialization of an origin (RFC 6454 §6.2): lower-case scheme and host, no default
     * port, no path. Null when {@code origin} is not one (including the opaque origin "null").
     */
    static String normalizeOrigin(String origin) {
        try {
            URI uri = new URI(origin.strip());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getUserInfo() != null || uri.getQuery() != null
                    || uri.getFragment() != null || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()
                    || uri.getRawPath().equals("/"))) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
