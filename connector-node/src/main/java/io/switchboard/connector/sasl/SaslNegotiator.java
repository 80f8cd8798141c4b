package io.switchboard.connector.sasl;

import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.sasl.PlainCredentials;
import io.switchboard.protocol.sasl.SaslCondition;
import io.switchboard.protocol.sasl.SaslException;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.protocol.sasl.ScramServer;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.storage.Account;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * SASL negotiation (RFC 6120 §6) for one connection: SCRAM-SHA-256 / SCRAM-SHA-1 (RFC 5802,
 * RFC 7677) and PLAIN (RFC 4616, only over TLS). Credential look-ups and PBKDF2 run off the event
 * loop; the result comes back on the connection's context.
 */
public final class SaslNegotiator {
    private final XmppConnection connection;
    private final ConnectorServices services;

    private String mechanism;
    private ScramServer scram;
    private Jid scramUser;
    private boolean awaitingStorage;
    private int failures;

    public SaslNegotiator(XmppConnection connection, ConnectorServices services) {
        this.connection = connection;
        this.services = services;
    }

    public void handle(XmlElement element) {
        if (awaitingStorage) {
            // The client must wait for our challenge or outcome (RFC 6120 §6.4.2).
            connection.streamError(StreamErrorCondition.POLICY_VIOLATION, "SASL message sent out of turn");
            return;
        }
        switch (element.name()) {
            case "auth" -> auth(element);
            case "response" -> response(element);
            case "abort" -> {
                reset();
                fail(SaslCondition.ABORTED, null);
            }
            default -> connection.streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE,
                    "unexpected SASL element <" + element.name() + "/>");
        }
    }

    private void auth(XmlElement element) {
        if (mechanism != null) {
            reset(); // a new <auth/> abandons the exchange in progress
        }
        String requested = element.attribute("mechanism");
        if (requested == null || !services.settings().saslMechanisms().contains(requested)) {
            fail(SaslCondition.INVALID_MECHANISM, null);
            return;
        }
        if ("PLAIN".equals(requested) && !connection.isSecure()) {
            fail(SaslCondition.ENCRYPTION_REQUIRED, "PLAIN is only offered over TLS");
            return;
        }
        byte[] initial;
        try {
            initial = decode(element.text());
        } catch (IllegalArgumentException e) {
            fail(SaslCondition.INCORRECT_ENCODING, null);
            return;
        }
        mechanism = requested;
        if (initial == null) {
            send(XmlElement.of("challenge", Namespaces.SASL)); // ask for the initial response
            return;
        }
        step(initial);
    }

    private void response(XmlElement element) {
        if (mechanism == null) {
            connection.streamError(StreamErrorCondition.POLICY_VIOLATION, "<response/> without <auth/>");
            return;
        }
        byte[] data;
        try {
            data = decode(element.text());
        } catch (IllegalArgumentException e) {
            reset();
            fail(SaslCondition.INCORRECT_ENCODING, null);
            return;
        }
        step(data == null ? new byte[0] : data);
    }

    private void step(byte[] data) {
        if ("PLAIN".equals(mechanism)) {
            plain(data);
            return;
        }
        ScramAlgorithm algorithm = ScramAlgorithm.byMechanism(mechanism).orElseThrow();
        try {
            if (scram == null) {
                scram = new ScramServer(algorithm);
                String username = scram.receiveClientFirst(data);
                if (scram.authorizationId() != null && !isOwnJid(scram.authorizationId(), username)) {
                    throw new SaslException(SaslCondition.INVALID_AUTHZID, "authorization identity not allowed");
                }
                scramUser = localUser(username);
                lookUp(scramUser).onComplete(result -> {
                    if (result.failed()) {
                        reset();
                        fail(SaslCondition.TEMPORARY_AUTH_FAILURE, "account storage unavailable");
                        return;
                    }
                    ScramCredential credential = result.result()
                            .map(account -> account.credentials().get(algorithm)).orElse(null);
                    challenge(scram.serverFirst(credential));
                });
            } else {
                byte[] serverFinal = scram.receiveClientFinal(data);
                succeed(scramUser, serverFinal);
            }
        } catch (SaslException e) {
            reset();
            fail(e.condition(), null);
        }
    }

    private void plain(byte[] data) {
        PlainCredentials credentials;
        Jid user;
        try {
            credentials = PlainCredentials.parse(data);
            user = localUser(credentials.authcid());
            if (credentials.authzid() != null && !credentials.authzid().isEmpty()
                    && !isOwnJid(credentials.authzid(), credentials.authcid())) {
                throw new SaslException(SaslCondition.INVALID_AUTHZID, "authorization identity not allowed");
            }
        } catch (SaslException e) {
            reset();
            fail(e.condition(), null);
            return;
        }
        lookUp(user).compose(account -> {
            Optional<ScramCredential> credential = account.flatMap(a -> a.credentials().values().stream()
                    .filter(c -> c.algorithm() == ScramAlgorithm.SHA_256).findFirst()
                    .or(() -> a.credentials().values().stream().findFirst()));
            if (credential.isEmpty()) {
                return Future.succeededFuture(false);
            }
            // PBKDF2 is deliberately slow: keep it off the event loop.
            return services.vertx().executeBlocking(() -> credential.get().verifyPassword(credentials.password()),
                    false);
        }).onComplete(result -> {
            if (result.failed()) {
                reset();
                fail(SaslCondition.TEMPORARY_AUTH_FAILURE, "account storage unavailable");
            } else if (result.result()) {
                succeed(user, null);
            } else {
                reset();
                fail(SaslCondition.NOT_AUTHORIZED, null);
            }
        });
    }

    private Future<Optional<Account>> lookUp(Jid user) {
        awaitingStorage = true;
        if (user == null) {
            return Future.succeededFuture(Optional.empty());
        }
        return Future.fromCompletionStage(services.accounts().find(user.toString()), connection.context())
                .andThen(r -> awaitingStorage = false);
    }

    /** The account for a SASL username, or null when it cannot be a user of ours (fails later). */
    private Jid localUser(String username) {
        try {
            return Jid.of(username, services.settings().domain(), null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean isOwnJid(String authzid, String username) {
        Jid own = localUser(username);
        return own != null && Jid.tryParse(authzid).map(j -> j.equals(own)).orElse(false);
    }

    private void challenge(byte[] data) {
        awaitingStorage = false;
        send(XmlElement.builder("challenge", Namespaces.SASL).text(Base64.getEncoder().encodeToString(data)).build());
    }

    private void succeed(Jid user, byte[] additionalData) {
        awaitingStorage = false;
        services.metrics().authentication(connection.transport().transportName(), mechanism, true);
        XmlElement.Builder success = XmlElement.builder("success", Namespaces.SASL);
        if (additionalData != null) {
            success.text(Base64.getEncoder().encodeToString(additionalData));
        }
        send(success.build());
        reset();
        connection.authenticated(user);
    }

    private void fail(SaslCondition condition, String text) {
        awaitingStorage = false;
        if (condition != SaslCondition.ABORTED) {
            services.metrics().authentication(connection.transport().transportName(),
                    mechanism == null ? "none" : mechanism, false);
            failures++;
        }
        XmlElement.Builder failure = XmlElement.builder("failure", Namespaces.SASL)
                .child(XmlElement.of(condition.elementName(), Namespaces.SASL));
        if (text != null) {
            failure.child(XmlElement.builder("text", Namespaces.SASL).attribute("xml:lang", "en").text(text));
        }
        send(failure.build());
        mechanism = null;
        if (failures >= services.settings().maxAuthFailures()) {
            // RFC 6120 §6.4.5: a reasonable number of retries, then the stream ends.
            connection.streamError(StreamErrorCondition.POLICY_VIOLATION, "too many authentication failures");
        }
    }

    private void reset() {
        scram = null;
        scramUser = null;
    }

    private void send(XmlElement element) {
        connection.send(element);
    }

    /** RFC 6120 §6.4.2: empty element = no data; "=" = empty data. */
    private static byte[] decode(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty()) {
            return null;
        }
        if ("=".equals(trimmed)) {
            return new byte[0];
        }
        // Strict alphabet (RFC 6120 §6.4.2 requires base64 per RFC 4648 §4); line breaks tolerated.
        return Base64.getDecoder().decode(trimmed.replace("\n", "").replace("\r", "").replace(" ", "")
                .getBytes(StandardCharsets.US_ASCII));
    }
}
