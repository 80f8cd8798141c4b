package io.switchboard.launcher.it.presence;

import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jxmpp.jid.impl.JidCreate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Everything one Smack connection receives, in wire order (recorded on the reader thread by
 * {@link RecordingConnection}, IQ requests such as roster pushes included), with a cursor like a transcript: {@link #await}
 * finds the first matching stanza after the cursor and moves the cursor past it.
 *
 * <p>Negative checks never sleep: {@link #barrier()} sends an XEP-0199 ping to the server and waits
 * until its result is in the inbox. Whatever the server wrote to this connection before it handled
 * the ping (e.g. a presence batch that the connector node already processed, as proven by another
 * recipient of the same batch) is then in the inbox as well.
 */
final class Inbox {
    private final XMPPTCPConnection connection;
    private final String name;
    private final List<Stanza> received = new ArrayList<>();
    private int cursor;

    private Inbox(XMPPTCPConnection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    static Inbox of(RecordingConnection connection, String name) {
        Inbox inbox = new Inbox(connection, name);
        connection.recordTo(stanza -> {
            synchronized (inbox) {
                inbox.received.add(stanza);
                inbox.notifyAll();
            }
        });
        return inbox;
    }

    XMPPTCPConnection connection() {
        return connection;
    }

    /** Waits (up to {@link Kit#TIMEOUT_MS}) for the first stanza after the cursor that matches; moves past it. */
    synchronized <T extends Stanza> T await(String what, Predicate<Stanza> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Kit.TIMEOUT_MS;
        while (true) {
            for (int i = cursor; i < received.size(); i++) {
                if (condition.test(received.get(i))) {
                    cursor = i + 1;
                    @SuppressWarnings("unchecked")
                    T found = (T) received.get(i);
                    return found;
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("[" + name + "] timed out after " + Kit.TIMEOUT_MS + " ms waiting for "
                        + what + "; received since the cursor: " + describe(cursor));
            }
            wait(left);
        }
    }

    /**
     * Waits for a matching stanza at or after position {@code from} and returns its position, without
     * moving the cursor (for order checks between stanzas of different kinds).
     */
    synchronized int awaitIndex(int from, String what, Predicate<Stanza> condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Kit.TIMEOUT_MS;
        while (true) {
            for (int i = from; i < received.size(); i++) {
                if (condition.test(received.get(i))) {
                    return i;
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError("[" + name + "] timed out after " + Kit.TIMEOUT_MS + " ms waiting for "
                        + what + "; received since position " + from + ": " + describe(from));
            }
            wait(left);
        }
    }

    synchronized Stanza get(int index) {
        return received.get(index);
    }

    /** How many stanzas received since {@code mark} match. */
    synchronized int count(int mark, Predicate<Stanza> condition) {
        int n = 0;
        for (Stanza s : since(mark)) {
            if (condition.test(s)) {
                n++;
            }
        }
        return n;
    }

    /** The position after everything received so far (for {@link #since}). */
    synchronized int mark() {
        return received.size();
    }

    synchronized List<Stanza> since(int mark) {
        return new ArrayList<>(received.subList(Math.min(mark, received.size()), received.size()));
    }

    /** The type of the last presence received from exactly this full JID, or null if none. */
    synchronized org.jivesoftware.smack.packet.Presence.Type lastPresenceFrom(String fullJid) {
        for (int i = received.size() - 1; i >= 0; i--) {
            if (received.get(i) instanceof org.jivesoftware.smack.packet.Presence p && p.getFrom() != null
                    && p.getFrom().toString().equals(fullJid)) {
                return p.getType();
            }
        }
        return null;
    }

    synchronized List<Stanza> all() {
        return new ArrayList<>(received);
    }

    /** Moves the cursor to the end: later awaits only see what arrives from now on. */
    synchronized void skipAll() {
        cursor = received.size();
    }

    /**
     * Pings the server and waits for the pong in this inbox: every stanza the server wrote to this
     * connection before answering is in the inbox afterwards.
     */
    void barrier() throws Exception {
        Ping ping = new Ping(connection, JidCreate.domainBareFrom(Kit.DOMAIN));
        String id = ping.getStanzaId();
        connection.sendStanza(ping);
        int saved;
        synchronized (this) {
            saved = cursor;
        }
        await("the barrier ping result " + id, s -> s instanceof IQ iq && id.equals(iq.getStanzaId())
                && iq.getType() == IQ.Type.result);
        synchronized (this) {
            cursor = saved;
        }
    }

    /** Fails if any stanza received since {@code mark} matches (call after {@link #barrier()}). */
    synchronized void assertNone(int mark, String what, Predicate<Stanza> condition) {
        for (Stanza s : since(mark)) {
            if (condition.test(s)) {
                throw new AssertionError("[" + name + "] must not have received " + what + " but got: "
                        + s.toXML() + "; everything since the mark: " + describe(mark));
            }
        }
    }

    synchronized String describe(int from) {
        StringBuilder sb = new StringBuilder();
        for (int i = Math.min(from, received.size()); i < received.size(); i++) {
            sb.append("\n    ").append(received.get(i).toXML());
        }
        return sb.length() == 0 ? "(nothing)" : sb.toString();
    }

    // ---- common predicates ----------------------------------------------------------------------------

    static Predicate<Stanza> presence(Presence.Type type, String from) {
        return s -> s instanceof Presence p && p.getType() == type && p.getFrom() != null
                && p.getFrom().toString().equals(from);
    }

    /** Any presence whose 'from' is this JID or, for a bare JID, any of its resources. */
    static Predicate<Stanza> anyPresenceFrom(String jid) {
        return s -> s instanceof Presence p && p.getFrom() != null
                && (p.getFrom().toString().equals(jid) || p.getFrom().asBareJid().toString().equals(jid));
    }

    static Predicate<Stanza> availableWithStatus(String from, String status) {
        return s -> s instanceof Presence p && p.getType() == Presence.Type.available && p.getFrom() != null
                && p.getFrom().toString().equals(from) && status.equals(p.getStatus());
    }

    /** A roster push (RFC 6121 §2.1.6) carrying an item for {@code contact}. */
    static Predicate<Stanza> push(String contact) {
        return s -> s instanceof RosterPacket r && r.getType() == IQ.Type.set && r.getRosterItems().size() == 1
                && r.getRosterItems().get(0).getJid().toString().equals(contact);
    }

    static Predicate<Stanza> anyPush() {
        return s -> s instanceof RosterPacket r && r.getType() == IQ.Type.set;
    }
}
