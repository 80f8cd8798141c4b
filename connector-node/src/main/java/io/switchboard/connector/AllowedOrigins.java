package io.switchboard.connector;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The web pages (origins, RFC 6454) whose scripts may use an HTTP endpoint: WebSocket upgrades
 * (RFC 6455 §10.2) and BOSH requests (CORS). An empty list allows every page. A request without an
 * {@code Origin} header is always allowed: browsers send one, and a client that is not a browser is
 * not a page a hostile site could drive; the check protects users' browsers, not the server.
 */
public final class AllowedOrigins {
    private final Set<String> origins;

    /** @param origins {@code scheme://host[:port]} each */
    public AllowedOrigins(List<String> origins) {
        if (origins.stream().map(AllowedOrigins::normalizeOrigin).anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + origins);
        }
        this.origins = origins.stream().map(AllowedOrigins::normalizeOrigin).collect(Collectors.toUnmodifiableSet());
    }

    /** @param origin the {@code Origin} header, null when absent */
    public boolean allows(String origin) {
        if (origin == null || origins.isEmpty()) {
            return true;
        }
        String normalized = normalizeOrigin(origin); // null for an opaque origin ("null") or garbage
        return normalized != null && origins.contains(normalized);
    }

    /**
     * The ASCII serialization of an origin (RFC 6454 §6.2): lower-case scheme and host, no default
     * port, no path. Null when {@code origin} is not one (including the opaque origin "null").
     */
    public static String normalizeOrigin(String origin) {
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
