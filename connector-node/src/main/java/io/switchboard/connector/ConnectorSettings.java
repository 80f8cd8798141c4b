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
        int smMaxUnacked) {

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
                DEFAULT_SM_MAX_UNACKED);
    }

    /** A listening socket; disabled listeners are not opened. */
    public record Listener(boolean enabled, String host, int port) {
    }

    /** RFC 6120 §5: whether STARTTLS is offered and whether it is mandatory-to-negotiate. */
    public enum StartTlsPolicy { REQUIRED, OPTIONAL, DISABLED }
}
