package io.switchboard.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a connector node needs to know, mapped from the server configuration by the
 * launcher (so this module does not depend on the config format).
 */
public record ConnectorSettings(
        String domain,
        Listener c2s,
        StartTlsPolicy startTls,
        Listener directTls,
        Path certificate,
        Path privateKey,
        List<String> tlsProtocols,
        Path dataDirectory,
        List<String> saslMechanisms,
        int maxAuthFailures,
        boolean inBandRegistration,
        int maxStanzaBytes,
        int maxXmlDepth,
        int maxConnections,
        int rateBytesPerSecond,
        int rateBurstBytes,
        Duration idleTimeout,
        Duration keepAliveInterval,
        Duration handshakeTimeout,
        Duration smResumptionTimeout,
        int smMaxUnacked,
        Web web) {

    /** XEP-0198 defaults: how long a dropped session stays resumable, and the unacknowledged-stanza bound. */
    public static final Duration DEFAULT_SM_RESUMPTION_TIMEOUT = Duration.ofSeconds(300);
    public static final int DEFAULT_SM_MAX_UNACKED = 1000;

    public ConnectorSettings {
        tlsProtocols = List.copyOf(tlsProtocols);
        saslMechanisms = List.copyOf(saslMechanisms);
        if (smResumptionTimeout == null || smResumptionTimeout.isNegative()) {
            throw new IllegalArgumentException("smResumptionTimeout must be >= 0");
        }
        if (smMaxUnacked < 1) {
            throw new IllegalArgumentException("smMaxUnacked must be >= 1");
        }
        if (web == null) {
            throw new IllegalArgumentException("web settings are required (Web.disabled() for none)");
        }
    }

    /** Without HTTP listeners: no WebSocket (RFC 7395) and no XEP-0156 discovery. */
    public ConnectorSettings(String domain, Listener c2s, StartTlsPolicy startTls, Listener directTls, Path certificate,
                             Path privateKey, List<String> tlsProtocols, Path dataDirectory, List<String> saslMechanisms,
                             int maxAuthFailures, boolean inBandRegistration, int maxStanzaBytes, int maxXmlDepth,
                             int maxConnections, int rateBytesPerSecond, int rateBurstBytes, Duration idleTimeout,
                             Duration keepAliveInterval, Duration handshakeTimeout, Duration smResumptionTimeout,
                             int smMaxUnacked) {
        this(domain, c2s, startTls, directTls, certificate, privateKey, tlsProtocols, dataDirectory, saslMechanisms,
                maxAuthFailures, inBandRegistration, maxStanzaBytes, maxXmlDepth, maxConnections, rateBytesPerSecond,
                rateBurstBytes, idleTimeout, keepAliveInterval, handshakeTimeout, smResumptionTimeout, smMaxUnacked,
                Web.disabled());
    }

    /** Without stream-management settings: XEP-0198 with the defaults above. */
    public ConnectorSettings(String domain, Listener c2s, StartTlsPolicy startTls, Listener directTls, Path certificate,
                             Path privateKey, List<String> tlsProtocols, Path dataDirectory, List<String> saslMechanisms,
                             int maxAuthFailures, boolean inBandRegistration, int maxStanzaBytes, int maxXmlDepth,
                             int maxConnections, int rateBytesPerSecond, int rateBurstBytes, Duration idleTimeout,
                             Duration keepAliveInterval, Duration handshakeTimeout) {
        this(domain, c2s, startTls, directTls, certificate, privateKey, tlsProtocols, dataDirectory, saslMechanisms,
                maxAuthFailures, inBandRegistration, maxStanzaBytes, maxXmlDepth, maxConnections, rateBytesPerSecond,
                rateBurstBytes, idleTimeout, keepAliveInterval, handshakeTimeout, DEFAULT_SM_RESUMPTION_TIMEOUT,
                DEFAULT_SM_MAX_UNACKED, Web.disabled());
    }

    /** A listening socket; disabled listeners are not opened. */
    public record Listener(boolean enabled, String host, int port) {
    }

    /**
     * The HTTP side of a connector: XMPP over WebSocket (RFC 7395) at {@link #WEBSOCKET_PATH} and
     * XEP-0156 discovery under {@code /.well-known/}, on a plain and/or a TLS listener (the TLS one
     * presents the XMPP certificate).
     *
     * @param allowedOrigins browser origins ({@code scheme://host[:port]}) allowed to open WebSockets;
     *                       empty allows any. Requests without an {@code Origin} header (non-browser
     *                       clients) are always allowed: the check protects users' browsers, not the server.
     * @param publicUrl      the WebSocket URL discovery advertises; null derives it from the domain and
     *                       this node's listener ({@code wss} preferred)
     * @param seeOtherUri    when set, every new WebSocket stream is sent there with
     *                       {@code <close see-other-uri/>} (RFC 7395 §3.6.1) instead of being served
     * @param webClient      whether the listeners serve the browser chat page at {@code /chat/}
     */
    public record Web(Listener http, Listener https, List<String> allowedOrigins, String publicUrl,
                      String seeOtherUri, boolean webClient, Bosh bosh) {
        public static final String WEBSOCKET_PATH = "/xmpp-websocket";
        public static final String BOSH_PATH = "/http-bind";

        public Web {
            allowedOrigins = List.copyOf(allowedOrigins);
            if (bosh == null) {
                throw new IllegalArgumentException("bosh settings are required (Bosh.defaults() for the defaults)");
            }
        }

        /** With the chat page on and BOSH with its defaults. */
        public Web(Listener http, Listener https, List<String> allowedOrigins, String publicUrl, String seeOtherUri) {
            this(http, https, allowedOrigins, publicUrl, seeOtherUri, true, Bosh.defaults());
        }

        public static Web disabled() {
            return new Web(new Listener(false, "127.0.0.1", 0), new Listener(false, "127.0.0.1", 0), List.of(),
                    null, null);
        }

        public boolean enabled() {
            return http.enabled() || https.enabled();
        }
    }

    /**
     * BOSH (XEP-0124 with XEP-0206) at {@link Web#BOSH_PATH} on the HTTP listeners.
     *
     * @param allowedOrigins browser origins whose pages may use it (CORS); empty allows any
     * @param publicUrl      the URL discovery advertises; null derives it from the domain and listener
     * @param maxWait        the longest a request is held for when there is nothing to send
     * @param inactivity     how long a session may go with no request held before it ends
     * @param maxPause       the longest pause (XEP-0124 §10) a client may ask for
     */
    public record Bosh(boolean enabled, List<String> allowedOrigins, String publicUrl, Duration maxWait,
                       Duration inactivity, Duration maxPause) {
        public Bosh {
            allowedOrigins = List.copyOf(allowedOrigins);
            if (maxWait.toSeconds() < 1 || inactivity.toSeconds() < 1 || maxPause.isNegative()) {
                throw new IllegalArgumentException("BOSH max-wait and inactivity must be at least 1 s, max-pause >= 0");
            }
        }

        public static Bosh defaults() {
            return new Bosh(true, List.of(), null, Duration.ofSeconds(60), Duration.ofSeconds(60),
                    Duration.ofSeconds(120));
        }
    }

    /** RFC 6120 §5: whether STARTTLS is offered and whether it is mandatory-to-negotiate. */
    public enum StartTlsPolicy { REQUIRED, OPTIONAL, DISABLED }
}
