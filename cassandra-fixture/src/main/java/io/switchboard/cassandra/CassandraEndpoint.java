package io.switchboard.cassandra;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a CQL client connects: the contact point and the local datacenter name the Java driver
 * needs for its load-balancing policy. Either a {@link LocalCassandra} started by this module or a
 * Cassandra started outside (see {@link SharedCassandra}).
 */
public record CassandraEndpoint(InetSocketAddress contactPoint, String localDatacenter) {

    public CassandraEndpoint {
        Objects.requireNonNull(contactPoint, "contactPoint");
        Objects.requireNonNull(localDatacenter, "localDatacenter");
    }

    /**
     * Parses {@code host:port[:datacenter]}; an IPv6 host goes in brackets ({@code [::1]:9042}).
     * The datacenter defaults to {@value LocalCassandra#DATACENTER}, the name SimpleSnitch reports.
     */
    public static CassandraEndpoint parse(String text) {
        String rest = text.trim();
        String host;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw invalid(text);
            }
            host = rest.substring(1, close);
            rest = rest.substring(close + 1);
            if (!rest.startsWith(":")) {
                throw invalid(text);
            }
            rest = rest.substring(1);
        } else {
            int colon = rest.indexOf(':');
            if (colon <= 0) {
                throw invalid(text);
            }
            host = rest.substring(0, colon);
            rest = rest.substring(colon + 1);
        }
        String[] portAndDc = rest.split(":", 2);
        int port;
        try {
            port = Integer.parseInt(portAndDc[0]);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (port < 1 || port > 65535) {
            throw invalid(text);
        }
        String dc = portAndDc.length > 1 && !portAndDc[1].isBlank() ? portAndDc[1] : LocalCassandra.DATACENTER;
        // Resolved now: the driver wants a resolved contact point, and a typo should fail here.
        return new CassandraEndpoint(new InetSocketAddress(host, port), dc);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("Expected host:port[:datacenter], got '" + text + "'");
    }

    @Override
    public String toString() {
        return contactPoint.getHostString() + ":" + contactPoint.getPort() + " (datacenter " + localDatacenter + ")";
    }
}
