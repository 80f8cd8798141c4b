package io.switchboard.launcher.it.presence;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal raw XMPP client (one thread at a time): STARTTLS, SASL PLAIN, bind, then whatever bytes
 * the test writes. Everything received goes into one transcript searched from a cursor, as in the
 * stream tests' RawXmppClient. Cheap enough to run a couple of hundred at once, and it can cut its
 * TCP connection without {@code </stream:stream>} or a TLS close_notify ({@link #cutTcp()}).
 */
final class RawClient implements AutoCloseable {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final Socket tcp;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private String text = "";
    private int cursor;
    private boolean eof;
    private String fullJid;

    private RawClient(String name, Socket tcp) throws IOException {
        this.name = name;
        this.tcp = tcp;
        adopt(tcp);
    }

    /** Connects to a c2s port, negotiates STARTTLS, authenticates with PLAIN and binds {@code resource}. */
    static RawClient login(int port, SSLContext tls, String user, String password, String resource) {
        return login(port, tls, user, password, resource, "");
    }

    /**
     * As {@link #login(int, SSLContext, String, String, String)}, writing {@code pipelined} in the same
     * write as the bind request (a client that does not wait for the bind result, e.g. its initial presence).
     */
    static RawClient login(int port, SSLContext tls, String user, String password, String resource,
                           String pipelined) {
        RawClient c;
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setTcpNoDelay(true);
            c = new RawClient(user + "/" + resource, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            c.send(HEADER);
            c.awaitContains("</stream:features>");
            c.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            c.awaitContains("<proceed");
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(c.tcp, "localhost", c.tcp.getPort(), true);
            ssl.setUseClientMode(true);
            ssl.setSoTimeout((int) Kit.TIMEOUT_MS);
            ssl.startHandshake();
            c.adopt(ssl);
            c.send(HEADER);
            c.awaitContains("</stream:features>");
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                    .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)) + "</auth>");
            c.awaitContains("<success");
            c.send(HEADER);
            c.awaitContains("</stream:features>");
            String id = "bind-" + IDS.incrementAndGet();
            c.send("<iq type='set' id='" + id + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>"
                    + resource + "</resource></bind></iq>" + pipelined);
            String reply = c.awaitMatch(Pattern.compile("<iq\\b[^>]*\\bid=['\"]" + id + "['\"].*?</iq>",
                    Pattern.DOTALL));
            Matcher m = Pattern.compile("<jid>([^<]+)</jid>").matcher(reply);
            if (!m.find()) {
                throw new AssertionError("[" + c.name + "] bind failed: " + reply);
            }
            c.fullJid = m.group(1);
            return c;
        } catch (IOException e) {
            c.close();
            throw new UncheckedIOException("[" + c.name + "] login failed", e);
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    String fullJid() {
        return fullJid;
    }

    String name() {
        return name;
    }

    void send(String xml) {
        try {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("[" + name + "] write failed", e);
        }
    }

    /** Sends available presence and waits for the server to reflect it (RFC 6121 §4.2.2). */
    void available() {
        send("<presence/>");
        awaitMatch(presenceFrom(fullJid, null));
    }

    String awaitContains(String needle) {
        return awaitMatch(Pattern.compile(Pattern.quote(needle)));
    }

    /** Waits for the pattern after the cursor, moves the cursor past the match and returns it. */
    String awaitMatch(Pattern pattern) {
        long deadline = System.nanoTime() + Kit.TIMEOUT_MS * 1_000_000L;
        while (true) {
            Matcher m = pattern.matcher(text);
            if (m.find(Math.min(cursor, text.length()))) {
                cursor = m.end();
                return m.group();
            }
            if (eof || System.nanoTime() > deadline) {
                throw new AssertionError("[" + name + "] " + (eof ? "connection closed" : "timed out") + " before /"
                        + pattern + "/; unread: " + text.substring(Math.min(cursor, text.length())));
            }
            readSome(deadline);
        }
    }

    /** Reads whatever has already arrived (until a read finds nothing for a few milliseconds). */
    void drainAvailable() {
        while (!eof) {
            int before = received.size();
            readSome(System.nanoTime() + 5_000_000L);
            if (received.size() == before) {
                return;
            }
        }
    }

    /** Waits until every pattern matches after the cursor (in any order); moves the cursor past the last. */
    void awaitAll(Collection<Pattern> patterns) {
        long deadline = System.nanoTime() + Kit.TIMEOUT_MS * 1_000_000L;
        while (true) {
            int end = cursor;
            List<Pattern> missing = new ArrayList<>();
            for (Pattern p : patterns) {
                Matcher m = p.matcher(text);
                if (m.find(Math.min(cursor, text.length()))) {
                    end = Math.max(end, m.end());
                } else {
                    missing.add(p);
                }
            }
            if (missing.isEmpty()) {
                cursor = end;
                return;
            }
            if (eof || System.nanoTime() > deadline) {
                throw new AssertionError("[" + name + "] " + (eof ? "connection closed" : "timed out") + " with "
                        + missing.size() + " pattern(s) unmatched, e.g. /" + missing.get(0) + "/");
            }
            readSome(deadline);
        }
    }

    String transcript() {
        return text;
    }

    /** Every complete presence stanza in the transcript (from the beginning) matching {@code from}. */
    List<String> presencesFrom(String fromJid) {
        List<String> all = new ArrayList<>();
        Matcher m = presenceFrom(fromJid, null).matcher(text);
        while (m.find()) {
            all.add(m.group());
        }
        return all;
    }

    /** A presence stanza from exactly {@code from} (any attribute order); optionally with {@code inner} in it. */
    static Pattern presenceFrom(String from, String inner) {
        String attrs = "[^>]*\\bfrom=['\"]" + Pattern.quote(from) + "['\"][^>]*";
        String body = inner == null ? "(?:/>|>(?:(?!</presence>).)*?</presence>)"
                : ">(?:(?!</presence>).)*?" + Pattern.quote(inner) + "(?:(?!</presence>).)*?</presence>";
        return Pattern.compile("<presence\\b" + attrs + body, Pattern.DOTALL);
    }

    private void readSome(long deadlineNanos) {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (eof) {
            return;
        }
        byte[] buf = new byte[65_536];
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(remaining, 200)));
            int n = in.read(buf);
            if (n < 0) {
                eof = true;
            } else {
                received.write(buf, 0, n);
                text = received.toString(StandardCharsets.UTF_8);
            }
        } catch (SocketTimeoutException e) {
            // nothing yet
        } catch (IOException e) {
            eof = true;
        }
    }

    private void adopt(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /**
     * Cuts the connection the way a crashed client or a dead network does: the TCP socket under TLS is
     * reset (SO_LINGER 0), so the server sees neither {@code </stream:stream>} nor a TLS close_notify.
     */
    void cutTcp() {
        try {
            tcp.setSoLinger(true, 0);
            tcp.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            tcp.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            tcp.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
