package io.switchboard.connector.stream;

import io.switchboard.connector.ConnectorSettings;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;

/** The {@code <stream:features/>} to offer at each stage of negotiation (RFC 6120 §4.3.2). */
final class StreamFeatures {
    private StreamFeatures() {
    }

    static XmlElement advertise(XmppConnection connection, ConnectorSettings settings) {
        XmlElement.Builder features = XmlElement.builder("features", Namespaces.STREAM);
        if (connection.user() != null) {
            // RFC 6120 §7.2: bind after SASL; the RFC 3921 session feature is optional for old clients.
            features.child(XmlElement.of("bind", Namespaces.BIND));
            features.child(XmlElement.builder("session", Namespaces.SESSION)
                    .child(XmlElement.of("optional", Namespaces.SESSION)));
            features.child(XmlElement.of("ver", "urn:xmpp:features:rosterver")); // XEP-0237 §2.1
            features.child(XmlElement.of("sub", "urn:xmpp:features:pre-approval")); // RFC 6121 §3.4
            features.child(XmlElement.of("sm", io.switchboard.connector.sm.SmElements.NS)); // XEP-0198 §2
            return features.build();
        }
        boolean tlsOffered = connection.transport().supportsStartTls()
                && settings.startTls() != ConnectorSettings.StartTlsPolicy.DISABLED;
        boolean tlsRequired = tlsOffered && settings.startTls() == ConnectorSettings.StartTlsPolicy.REQUIRED;
        if (tlsOffered) {
            XmlElement.Builder starttls = XmlElement.builder("starttls", Namespaces.TLS);
            if (tlsRequired) {
                starttls.child(XmlElement.of("required", Namespaces.TLS));
            }
            features.child(starttls);
        }
        if (tlsRequired) {
            return features.build(); // RFC 6120 §5.3.1: nothing else until TLS is in place
        }
        XmlElement.Builder mechanisms = XmlElement.builder("mechanisms", Namespaces.SASL);
        for (String mechanism : settings.saslMechanisms()) {
            if (!"PLAIN".equals(mechanism) || connection.isSecure()) {
                mechanisms.child(XmlElement.builder("mechanism", Namespaces.SASL).text(mechanism));
            }
        }
        features.child(mechanisms);
        if (settings.inBandRegistration() && connection.isSecure()) { // only over TLS, see XmppConnection
            features.child(XmlElement.of("register", Namespaces.REGISTER_FEATURE)); // XEP-0077 §8
        }
        return features.build();
    }
}
