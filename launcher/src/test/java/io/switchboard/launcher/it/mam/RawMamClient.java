package io.switchboard.launcher.it.mam;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dumb XMPP client for wire-format tests of the archive: it writes exactly the bytes it is
 * given (direct TLS, XEP-0368, so no STARTTLS dance) and keeps everything the server sent in one
 * transcript. Awaits search from a cursor and move it past the match, so consecutive awaits
 * consume consecutive output, and the transcript shows what arrived in which order. Not
 * thread-safe: one thread per client.
 */
final class RawMamClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int cursor;
    private boolean eof;
    private String jid;

    private RawMamClient(String name, SSLSocket socket) throws IOException {
        this.name = name;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Registers {@code user} in-band (XEP-0077), then logs in with PLAIN and binds {@code resource}. */
    static RawMamClient registerAndLogIn(TestServer server, String user, String password, String resource) {
        RawMamClient c = connect(server, user);
        c.openStream();
        c.register(user, password);
        c.logIn(user, password, resource);
        return c;
    }

    /** Logs in an existing account and binds {@code resource} (no presence sent yet). */
    static RawMamClient logIn(TestServer server, String user, String password, String resource) {
        RawMamClient c = connect(server, user + "/" + resource);
        c.openStream();
        c.logIn(user, password, resource);
        return c;
    }

    private static RawMamClient connect(TestServer server, String name) {
        try {
            SSLSocket s = (SSLSocket) ServerTrust.sslContext(server.dataDir()).getSocketFactory().createSocket();
            s.connect(new InetSocketAddress("127.0.0.1", server.directTlsPort()), 5_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) WAIT.toMillis());
            s.startHandshake();
            return new RawMamClient(name, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openStream() {
        send(HEADER);
        awaitMatch(Pattern.compile("<stream:features\\s*(/>|>.*?</stream:features>)", Pattern.DOTALL));
    }

    private void register(String user, String password) {
        String id = nextId("reg");
        send("<iq type='set' id='" + id + "'><query xmlns='jabber:iq:register'><username>" + user
                + "</username><password>" + password + "</password></query></iq>");
        String reply = awaitIq(id);
        if (!reply.contains("type='result'") && !reply.contains("type=\"result\"")) {
            throw new AssertionError("[" + name + "] registration of " + user + " failed: " + reply);
        }
    }

    private void logIn(String user, String password, String resource) {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + token + "</auth>");
        awaitContains("<success");
        openStream();
        String id = nextId("bind");
        send("<iq type='set' id='" + id + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                + "</resource></bind></iq>");
        Matcher m = Pattern.compile("<jid>([^<]+)</jid>").matcher(awaitIq(id));
        if (!m.find()) {
            throw new AssertionError("[" + name + "] bind failed: " + transcript());
        }
        jid = m.group(1);
    }

    /** The full JID the server bound. */
    String jid() {
        return jid;
    }

    /**
     * Sends initial presence (priority 0) and waits for the server to reflect it, which it does
     * once the session directory holds the presence (so messages to the bare JID reach us).
     */
    void available() {
        send("<presence/>");
        awaitMatch(Pattern.compile("<presence\\b[^>]*\\bfrom=['\"]" + Pattern.quote(jid) + "['\"]"));
    }

    static String nextId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    // ---- I/O ---------------------------------------------------------------------------------

    void send(String xml) {
        try {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("[" + name + "] write failed; received so far: " + transcript(), e);
        }
    }

    /** Sends an IQ and returns the answer (the whole element). */
    String iq(String type, String to, String payload) {
        String id = nextId("iq");
        send("<iq type='" + type + "' id='" + id + "'" + (to == null ? "" : " to='" + to + "'") + ">" + payload
                + "</iq>");
        return awaitIq(id);
    }

    /**
     * Sends an IQ and returns everything from the cursor up to and including its answer: the
     * stanzas that arrived before the answer (e.g. archive results) and the answer itself.
     */
    String iqWithPreceding(String type, String payload) {
        String id = nextId("iq");
        int start = cursor;
        send("<iq type='" + type + "' id='" + id + "'>" + payload + "</iq>");
        awaitIq(id);
        return transcript().substring(start, cursor);
    }

    String awaitIq(String id) {
        return awaitMatch(Pattern.compile("<iq\\b[^>]*\\bid=['\"]" + Pattern.quote(id) + "['\"][^>]*?(/>|>.*?</iq>)",
                Pattern.DOTALL));
    }

    /** Waits for the next message whose text contains {@code needle}; returns the whole message. */
    String awaitMessageContaining(String needle) {
        return awaitMatch(Pattern.compile("<message\\b(?:(?!</message>).)*?" + Pattern.quote(needle)
                + ".*?</message>", Pattern.DOTALL));
    }

    String awaitContains(String needle) {
        return awaitMatch(Pattern.compile(Pattern.quote(needle)));
    }

    /** Waits until the transcript after the cursor matches; moves the cursor past the match. */
    String awaitMatch(Pattern pattern) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String text = transcript();
            Matcher m = pattern.matcher(text);
            if (cursor <= text.length() && m.find(cursor)) {
                cursor = m.end();
                return m.group();
            }
            if (eof || System.nanoTime() > deadline) {
                throw new AssertionError("[" + name + "] " + (eof ? "connection closed" : "timed out") + " waiting for /"
                        + pattern + "/; unread: " + unread());
            }
            readSome(deadline);
        }
    }

    /** Reads for {@code duration} and returns what arrived after the cursor (the cursor stays). */
    String quietFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!eof && System.nanoTime() < deadline) {
            readSome(deadline);
        }
        return unread();
    }

    String transcript() {
        return received.toString(StandardCharsets.UTF_8);
    }

    String unread() {
        String t = transcript();
        return cursor >= t.length() ? "" : t.substring(cursor);
    }

    private void readSome(long deadlineNanos) {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (remaining <= 0 || eof) {
            return;
        }
        byte[] buf = new byte[65_536];
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(remaining, 250)));
            int n = in.read(buf);
            if (n < 0) {
                eof = true;
            } else {
                received.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing yet
        } catch (SocketException e) {
            eof = true;
        } catch (IOException e) {
            eof = true;
        }
    }

    /** Every match of a group in {@code text}, in order. */
    static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Override
    public void close() {
        try {
            send("</stream:stream>");
        } catch (RuntimeException ignored) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
