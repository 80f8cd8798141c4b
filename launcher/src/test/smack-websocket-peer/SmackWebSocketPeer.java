import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.websocket.XmppWebSocketTransportModuleDescriptor;
import org.jxmpp.jid.impl.JidCreate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A Smack client over WebSocket (RFC 7395, Smack 4.5's smack-websocket-java11), driven line by
 * line from the test that launched it: {@code java -cp <smack 4.5 jars> SmackWebSocketPeer.java
 * <wss-url> <domain> <user> <password> <resource>}. It runs in its own JVM because Smack 4.5's core
 * cannot share a class path with the Smack 4.4.8 the other tests use; it is not compiled with them.
 *
 * <p>Prints {@code READY <full jid>}, then {@code MESSAGE <from> <body>} and
 * {@code PRESENCE <from> <available|unavailable>} as stanzas arrive. Reads {@code SUBSCRIBE <jid>},
 * {@code SEND <jid> <body>} and {@code QUIT}. Subscription requests are accepted automatically.
 */
public final class SmackWebSocketPeer {
    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        ModularXmppClientToServerConnectionConfiguration.Builder config = ModularXmppClientToServerConnectionConfiguration
                .builder()
                .setXmppDomain(args[1])
                .setUsernameAndPassword(args[2], args[3])
                .setResource(args[4])
                .removeAllModules();
        // The endpoint is given, so Smack does not look it up with XEP-0156 at https://<domain>/.well-known/.
        config.addModule(XmppWebSocketTransportModuleDescriptor.getBuilder(config)
                .explicitlySetWebSocketEndpointAndDiscovery(endpoint, false)
                .build());
        ModularXmppClientToServerConnection connection = new ModularXmppClientToServerConnection(config.build());
        Roster roster = Roster.getInstanceFor(connection);
        roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        connection.addAsyncStanzaListener(stanza -> {
            Message m = (Message) stanza;
            if (m.getBody() != null) {
                say("MESSAGE " + m.getFrom() + " " + m.getBody());
            }
        }, stanza -> stanza instanceof Message);
        connection.addAsyncStanzaListener(stanza -> {
            Presence p = (Presence) stanza;
            if (p.getType() == Presence.Type.available || p.getType() == Presence.Type.unavailable) {
                say("PRESENCE " + p.getFrom() + " " + p.getType());
            }
        }, stanza -> stanza instanceof Presence);

        connection.connect().login();
        say("READY " + connection.getUser() + " secure=" + connection.isSecureConnection());

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split(" ", 3);
            switch (parts[0]) {
                case "SUBSCRIBE" -> {
                    roster.createItemAndRequestSubscription(JidCreate.bareFrom(parts[1]), parts[1], null);
                    say("SUBSCRIBED " + parts[1]);
                }
                case "SEND" -> connection.sendStanza(connection.getStanzaFactory().buildMessageStanza()
                        .to(JidCreate.from(parts[1])).ofType(Message.Type.chat).setBody(parts[2]).build());
                case "QUIT" -> {
                    connection.disconnect();
                    say("BYE");
                    System.exit(0);
                }
                default -> say("UNKNOWN " + line);
            }
        }
        connection.disconnect();
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
