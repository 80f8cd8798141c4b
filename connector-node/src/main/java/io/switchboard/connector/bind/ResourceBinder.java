package io.switchboard.connector.bind;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.SessionCommand;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.connector.ConnectorServices;
import io.switchboard.connector.stream.XmppConnection;
import io.switchboard.protocol.error.StanzaError;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;

/**
 * Resource binding (RFC 6120 §7): registers the full JID in the cluster's session directory. A
 * second login with the same full JID replaces the old session, which is closed with a
 * {@code <conflict/>} stream error (RFC 6120 §7.7.2.2, the "override" policy).
 */
public final class ResourceBinder {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceBinder.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] RESOURCE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private ResourceBinder() {
    }

    public static boolean isBindRequest(XmlElement element) {
        return "iq".equals(element.name()) && Namespaces.CLIENT.equals(element.namespace())
                && "set".equals(element.attribute("type")) && element.child("bind", Namespaces.BIND) != null;
    }

    public static void bind(XmppConnection connection, ConnectorServices services, XmlElement iq) {
        if (iq.attribute("id") == null) {
            connection.streamError(StreamErrorCondition.INVALID_XML, "an IQ needs an id");
            return;
        }
        String requested = iq.child("bind", Namespaces.BIND).childText("resource", Namespaces.BIND);
        Jid full;
        try {
            full = requested == null || requested.isBlank()
                    ? connection.user().withResource(generateResource())
                    : connection.user().withResource(requested);
        } catch (IllegalArgumentException e) {
            connection.send(StanzaError.errorReply(iq, StanzaErrorCondition.BAD_REQUEST,
                    "invalid resource: " + e.getMessage()).withoutAttribute("from"));
            connection.bindFailed();
            return;
        }
        String bare = full.bare().toString();
        SessionEntry entry = SessionEntry.bound(full.resource(), services.nodeId(), connection.connectionId());
        Future.fromCompletionStage(services.directory().bind(bare, entry), connection.context())
                .onComplete(result -> {
                    if (connection.phase() == XmppConnection.Phase.CLOSED) {
                        // Lost the connection meanwhile: take the entry back out.
                        services.directory().unbind(bare, full.resource(), connection.connectionId());
                        return;
                    }
                    if (result.failed()) {
                        LOG.warn("[{}] session directory unavailable for bind: {}", connection.connectionId(),
                                result.cause().toString());
                        connection.send(StanzaError.errorReply(iq, StanzaErrorCondition.INTERNAL_SERVER_ERROR,
                                "session directory unavailable").withoutAttribute("from"));
                        connection.bindFailed();
                        return;
                    }
                    SessionEntry replaced = result.result();
                    if (replaced != null && !replaced.connectionId().equals(connection.connectionId())) {
                        services.eventBus().send(Addresses.connector(replaced.nodeId()),
                                new SessionCommand(replaced.connectionId(), StreamErrorCondition.CONFLICT.elementName(),
                                        "replaced by a new login with the same resource"));
                    }
                    // The result goes out before anything the client pipelined behind the request.
                    connection.send(XmlElement.builder("iq", Namespaces.CLIENT)
                            .attribute("type", "result").attribute("id", iq.attribute("id"))
                            .child(XmlElement.builder("bind", Namespaces.BIND)
                                    .child(XmlElement.builder("jid", Namespaces.BIND).text(full.toString())))
                            .build());
                    connection.bound(full);
                });
    }

    private static String generateResource() {
        char[] chars = new char[12];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = RESOURCE_ALPHABET[RANDOM.nextInt(RESOURCE_ALPHABET.length)];
        }
        return "sb-" + new String(chars);
    }
}
