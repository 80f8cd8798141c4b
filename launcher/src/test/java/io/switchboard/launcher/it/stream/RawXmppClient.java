package io.switchboard.launcher.it.stream;

import io.switchboard.launcher.it.ServerTrust;
import io.switchboard.launcher.it.TestServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately dumb XMPP client for protocol tests: it writes exactly the bytes it is given over a real socket and
 * records every byte the server sends, so tests can pin the wire behaviour of RFC 6120 without a client library
 * "helpfully" fixing things up. Reads are synchronous with a timeout (no reader thread), which keeps the STARTTLS
 * upgrade trivial: after {@code <proceed/>} nothing else is read from the plain socket before it is wrapped.
 *
 * <p>Everything received is kept in one transcript (plaintext part and TLS part alike). {@link #awaitContains} and
 * {@link #awaitMatch} search the transcript from a cursor and move the cursor past the match, so consecutive awaits
 * consume consecutive server output. Not thread-safe: one thread per client.
 */
public final class RawXmppClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);
    public static final String STREAMS_NS = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Map<Path, SSLContext> SSL_CONTEXTS = new ConcurrentHashMap<>();

    private final TestServer server;
    private final String name;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int cursor;
    private boolean eof;
    private String closeKind = "open";

    private RawXmppClient(TestServer server, String name, Socket socket) throws IOException {
        this.server = server;
        this.name = name;
        adopt(socket);
    }

    // ---- connecting ---------------------------------------------------------------------------

    /** A plain TCP connection to the c2s (STARTTLS) port; nothing is sent yet. */
    public static RawXmppClient connect(TestServer server, String name) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", server.c2sPort()), 5_000);
            s.setTcpNoDelay(true);
            return new RawXmppClient(server, name, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A TLS connection to the direct-TLS port (XEP-0368); nothing is sent yet. */
    public static RawXmppClient connectDirectTls(TestServer server, String name) {
        try {
            SSLSocket s = (SSLSocket) sslContext(server).getSocketFactory().createSocket();
            s.connect(new InetSocketAddress("127.0.0.1", server.directTlsPort()), 5_000);
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) WAIT.toMillis());
            s.startHandshake();
            return new RawXmppClient(server, name, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Registers (XEP-0077) and logs in with SASL PLAIN over STARTTLS, binds {@code resource} (null: let the
     * server pick) and returns the connected client. Fails the test if any step fails.
     */
    public static RawXmppClient loggedIn(TestServer server, String user, String password, String resource) {
        RawXmppClient c = connect(server, user);
        c.openStream();
        c.startTls();
        c.register(user, password);
        c.authPlain(user, password);
        c.awaitContains("<success", WAIT);
        c.openStream();
        c.bind(resource);
        return c;
    }

    /** Registers an account on its own short connection (STARTTLS, register, close). */
    public static void registerAccount(TestServer server, String user, String password) {
        try (RawXmppClient c = connect(server, "register-" + user)) {
            c.openStream();
            c.startTls();
            c.register(user, password);
        }
    }

    // ---- stream negotiation steps ---------------------------------------------------------------

    /** Sends the standard client stream header and returns the features the server offers. */
    public String openStream() {
        send(HEADER);
        awaitContains("<stream:stream", WAIT);
        return awaitMatch(Pattern.compile("<stream:features\\s*(/>|>.*?</stream:features>)", Pattern.DOTALL), WAIT);
    }

    /** RFC 6120 §5.4: {@code <starttls/>}, {@code <proceed/>}, TLS handshake, stream restart; returns the features. */
    public String startTls() {
        send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        awaitContains("<proceed", WAIT);
        upgradeToTls();
        return openStream();
    }

    /** Wraps the current plain socket in TLS (after {@code <proceed/>} was read) and runs the handshake. */
    public void upgradeToTls() {
        upgradeToTls(WAIT);
    }

    public void upgradeToTls(Duration handshakeTimeout) {
        try {
            SSLSocket tls = (SSLSocket) sslContext(server).getSocketFactory()
                    .createSocket(socket, "localhost", socket.getPort(), true);
            tls.setUseClientMode(true);
            tls.setSoTimeout((int) handshakeTimeout.toMillis());
            tls.startHandshake();
            adopt(tls);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS handshake failed for " + name, e);
        }
    }

    /** XEP-0077 §3.1 in-band registration before authentication; waits for the result. */
    public void register(String user, String password) {
        String id = nextId("reg");
        send("<iq type='set' id='" + id + "'><query xmlns='jabber:iq:register'><username>" + user
                + "</username><password>" + password + "</password></query></iq>");
        String reply = awaitIq(id, WAIT);
        if (!reply.contains("type='result'") && !reply.contains("type=\"result\"")) {
            throw new AssertionError("[" + name + "] registration of " + user + " failed: " + reply);
        }
    }

    /** Sends {@code <auth mechanism='PLAIN'>} with the RFC 4616 message; does not wait for the outcome. */
    public void authPlain(String user, String password) {
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plainMessage(user, password)
                + "</auth>");
    }

    public static String plainMessage(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 6120 §7: binds {@code resource} (null: server-generated) and returns the full JID the server assigned. */
    public String bind(String resource) {
        String id = nextId("bind");
        send("<iq type='set' id='" + id + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + (resource == null ? "" : "<resource>" + resource + "</resource>") + "</bind></iq>");
        String reply = awaitIq(id, WAIT);
        Matcher m = Pattern.compile("<jid>([^<]+)</jid>").matcher(reply);
        if (!m.find()) {
            throw new AssertionError("[" + name + "] bind failed: " + reply);
        }
        return m.group(1);
    }

    /** Waits for the IQ with this id and returns it (whole element). */
    public String awaitIq(String id, Duration timeout) {
        return awaitMatch(Pattern.compile("<iq\\b[^>]*\\bid=['\"]" + Pattern.quote(id) + "['\"][^>]*?(/>|>.*?</iq>)",
                Pattern.DOTALL), timeout);
    }

    /** Waits for the first {@code <stream:error>} and returns it (whole element). */
    public String awaitStreamError(Duration timeout) {
        return awaitMatch(Pattern.compile("<stream:error>.*?</stream:error>", Pattern.DOTALL), timeout);
    }

    /**
     * RFC 6120 §4.9.1.1 / §4.9.2: expects {@code <stream:error>} with the given defined condition (in the
     * urn:ietf:params:xml:ns:xmpp-streams namespace), then {@code </stream:stream>}, then the server closing the TCP
     * connection. Also checks §4.9.1.2: the server's own stream header precedes the error. Returns the error element.
     */
    public String expectStreamErrorAndClose(String condition) {
        String error;
        try {
            error = awaitStreamError(WAIT);
        } catch (AssertionError e) {
            throw new AssertionError("expected stream error <" + condition + "/>: " + e.getMessage(), e);
        }
        if (!Pattern.compile("<" + Pattern.quote(condition) + "\\s+xmlns=['\"]" + Pattern.quote(STREAMS_NS)
                + "['\"]").matcher(error).find()) {
            throw new AssertionError("[" + name + "] expected stream error <" + condition + "/> but got " + error
                    + "; full transcript: " + transcript());
        }
        String all = transcript();
        int header = all.indexOf("<stream:stream");
        int err = all.indexOf("<stream:error>");
        if (header < 0 || header > err) {
            throw new AssertionError("[" + name + "] the server must send its stream header before a stream error"
                    + " (RFC 6120 §4.9.1.2); received: " + all);
        }
        awaitContains("</stream:stream>", WAIT);
        awaitClosed(WAIT);
        return error;
    }

    public static String nextId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    // ---- raw I/O --------------------------------------------------------------------------------

    public void send(String xml) {
        sendBytes(xml.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("[" + name + "] write failed; received so far: " + transcript(), e);
        }
    }

    /** Like {@link #send} but reports whether the write went through (the server may already have closed). */
    public boolean trySend(String xml) {
        try {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until the transcript, from the cursor on, contains {@code needle}; moves the cursor past it and returns
     * the text from the old cursor to the end of the match.
     */
    public String awaitContains(String needle, Duration timeout) {
        return awaitMatch(Pattern.compile(Pattern.quote(needle)), timeout);
    }

    /** As {@link #awaitContains}, for a regular expression. */
    public String awaitMatch(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = transcript();
            Matcher m = pattern.matcher(text);
            if (cursor <= text.length() && m.find(cursor)) {
                String match = m.group();
                cursor = m.end();
                return match;
            }
            if (eof) {
                throw new AssertionError("[" + name + "] connection " + closeKind + " before /" + pattern
                        + "/ arrived; received: " + text);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("[" + name + "] no /" + pattern + "/ within " + timeout + "; received: "
                        + text);
            }
            readSome(deadline);
        }
    }

    /**
     * Waits until the transcript after the cursor contains every one of {@code needles}, in any order (for stanzas
     * whose relative order is not what a test is about); moves the cursor past the last of them.
     */
    public void awaitAll(java.util.Collection<String> needles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = transcript();
            int end = cursor;
            java.util.List<String> missing = new java.util.ArrayList<>();
            for (String needle : needles) {
                int at = text.indexOf(needle, Math.min(cursor, text.length()));
                if (at < 0) {
                    missing.add(needle);
                } else {
                    end = Math.max(end, at + needle.length());
                }
            }
            if (missing.isEmpty()) {
                cursor = end;
                return;
            }
            if (eof || System.nanoTime() > deadline) {
                String why = eof ? "connection " + closeKind : "timeout after " + timeout;
                throw new AssertionError("[" + name + "] " + why + " still missing " + missing + "; received: " + text);
            }
            readSome(deadline);
        }
    }

    /** Waits until the server closes the connection (read returns -1, or a reset after the server closed). */
    public void awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eof) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("[" + name + "] server did not close the connection within " + timeout
                        + "; received: " + transcript());
            }
            readSome(deadline);
        }
    }

    /** Reads for {@code duration} and fails if the server closes the connection meanwhile. */
    public void assertStaysOpen(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            readSome(deadline);
            if (eof) {
                throw new AssertionError("[" + name + "] server closed the connection (" + closeKind
                        + "); received: " + transcript());
            }
        }
    }

    /** Reads whatever arrives within {@code duration} without failing. */
    public void drain(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!eof && System.nanoTime() < deadline) {
            readSome(deadline);
        }
    }

    public boolean isClosed() {
        return eof;
    }

    /** "eof" (orderly FIN/close_notify) or "reset"; "open" while connected. */
    public String closeKind() {
        return closeKind;
    }

    /** Everything received so far, decoded as UTF-8. */
    public String transcript() {
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The transcript after the cursor. */
    public String unread() {
        String t = transcript();
        return cursor >= t.length() ? "" : t.substring(cursor);
    }

    public String name() {
        return name;
    }

    private void readSome(long deadlineNanos) {
        long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0 || eof) {
            return;
        }
        byte[] buf = new byte[16_384];
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(remainingMillis, 250)));
            int n = in.read(buf);
            if (n < 0) {
                eof = true;
                closeKind = "eof";
            } else {
                received.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // nothing yet
        } catch (SocketException e) {
            // A reset means the server closed while our bytes were still unread on its side: closed all the same.
            eof = true;
            closeKind = "reset (" + e.getMessage() + ")";
        } catch (IOException e) {
            eof = true;
            closeKind = "failed (" + e + ")";
        }
    }

    private void adopt(Socket s) throws IOException {
        this.socket = s;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Trusts exactly the server's generated self-signed certificate (no trust-all anywhere). */
    public static SSLContext sslContext(TestServer server) {
        return SSL_CONTEXTS.computeIfAbsent(certificatePath(server), pem -> ServerTrust.sslContext(server.dataDir()));
    }

    public static Path certificatePath(TestServer server) {
        return ServerTrust.certificatePath(server.dataDir());
    }
}
