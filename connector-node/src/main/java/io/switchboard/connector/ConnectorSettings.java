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
        Duration handshakeTimeout) {

    public ConnectorSettings {
        tlsProtocols = List.copyOf(tlsProtocols);
        saslMechanisms = List.copyOf(saslMechanisms);
    }

    /** A listening socket; disabled listeners are not opened. */
    public record Listener(boolean enabled, String host, int port) {
    }

    /** RFC 6120 §5: whether STARTTLS is offered and whether it is mandatory-to-negotiate. */
    public enum StartTlsPolicy { REQUIRED, OPTIONAL, DISABLED }
}
