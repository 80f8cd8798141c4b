package io.switchboard.launcher.it.bosh;

import io.switchboard.launcher.it.TestServer;
import io.switchboard.launcher.it.stream.RawXmppClient;
import io.switchboard.launcher.it.stream.ScramClient;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A BOSH client written for the tests (XEP-0124/0206 on the wire): every request is built by
 * hand, so tests can send what a well-behaved client would not. Responses are parsed as
 * namespace-aware DOM documents; their children collect in an inbox.
 */
final class BoshClient {
    static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    static final String XBOSH = "urn:xmpp:xbosh";
    static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    static final String STREAMS = "http://etherx.jabber.org/streams";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    /** One HTTP response: its status, raw text and the parsed {@code <body/>}. */
    record Response(int status, String raw, Element body) {
        String attribute(String name) {
            return body.hasAttribute(name) ? body.getAttribute(name) : null;
        }

        boolean isTerminate() {
            return "terminate".equals(attribute("type"));
        }

        List<Element> children() {
            List<Element> out = new ArrayList<>();
            for (Node n = body.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    private final HttpClient http;
    private final List<URI> endpoints;
    private int requests;
    private final List<Element> inbox = new ArrayList<>();
    String sid;
    long rid = ThreadLocalRandom.current().nextLong(1_000_000, 1L << 40);

    BoshClient(URI endpoint, HttpClient http) {
        this(List.of(endpoint), http);
    }

    /** Sends each request to the next endpoint in turn, as a load balancer without stickiness would. */
    BoshClient(List<URI> endpoints, HttpClient http) {
        this.endpoints = List.copyOf(endpoints);
        this.http = http;
    }

    /** Plain HTTP, each request to the next of {@code httpPorts} in turn. */
    static BoshClient roundRobin(int... httpPorts) {
        List<URI> uris = new ArrayList<>();
        for (int port : httpPorts) {
            uris.add(URI.create("http://127.0.0.1:" + port + "/http-bind"));
        }
        return new BoshClient(uris, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    static BoshClient plain(TestServer server) {
        return plain(server.httpPort());
    }

    static BoshClient plain(int httpPort) {
        return new BoshClient(URI.create("http://127.0.0.1:" + httpPort + "/http-bind"),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    static BoshClient secure(TestServer server) {
        return new BoshClient(URI.create("https://localhost:" + server.httpsPort() + "/http-bind"),
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .sslContext(RawXmppClient.sslContext(server)).build());
    }

    URI endpoint() {
        return endpoints.get(0);
    }

    private synchronized URI nextEndpoint() {
        return endpoints.get(requests++ % endpoints.size());
    }

    // ---- raw HTTP ---------------------------------------------------------------------------------

    Response post(String xml) {
        return postAsync(xml).join();
    }

    CompletableFuture<Response> postAsync(String xml) {
        HttpRequest request = HttpRequest.newBuilder(nextEndpoint()).timeout(TIMEOUT)
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(xml)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            Element body = r.body().isEmpty() ? null : parse(r.body());
            return new Response(r.statusCode(), r.body(), body);
        });
    }

    HttpResponse<String> request(HttpRequest.Builder builder) {
        try {
            return http.send(builder.uri(endpoint()).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- session ----------------------------------------------------------------------------------

    /** XEP-0124 §7.1 with XEP-0206 §3's attributes; {@code extra} is added to the body as written. */
    Response create(int wait, int hold, String extra) {
        Response r = post("<body xmlns='" + HTTPBIND + "' xmlns:xmpp='" + XBOSH + "' content='text/xml; charset=utf-8'"
                + " rid='" + rid + "' to='" + TestServer.DOMAIN + "' wait='" + wait + "' hold='" + hold + "'"
                + " ver='1.11' xml:lang='en' xmpp:version='1.0' " + extra + "/>");
        sid = r.attribute("sid");
        collect(r);
        return r;
    }

    /** The body of the next request, with {@code attributes} and {@code children} as written. */
    String next(String attributes, String children) {
        rid++;
        return "<body xmlns='" + HTTPBIND + "' xmlns:xmpp='" + XBOSH + "' rid='" + rid + "' sid='" + sid + "' "
                + attributes + ">" + children + "</body>";
    }

    Response send(String children) {
        return collect(post(next("", children)));
    }

    CompletableFuture<Response> sendAsync(String children) {
        return postAsync(next("", children)).thenApply(this::collect);
    }

    Response collect(Response r) {
        if (r.body() != null) {
            synchronized (inbox) {
                inbox.addAll(r.children());
            }
        }
        return r;
    }

    /**
     * The first element in the inbox that matches, removed; while there is none, empty requests
     * poll for more (each held up to the session's wait), up to {@code timeout}.
     */
    Element await(Predicate<Element> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (inbox) {
                for (Element e : inbox) {
                    if (match.test(e)) {
                        inbox.remove(e);
                        return e;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing matched within " + timeout + "; inbox: " + inboxText());
            }
            Response r = send("");
            if (r.isTerminate()) {
                throw new AssertionError("session ended while waiting: " + r.raw());
            }
        }
    }

    Element await(String localName, Duration timeout) {
        return await(e -> e.getLocalName().equals(localName), timeout);
    }

    String inboxText() {
        synchronized (inbox) {
            StringBuilder sb = new StringBuilder();
            inbox.forEach(e -> sb.append('<').append(e.getLocalName()).append("/> "));
            return sb.toString();
        }
    }

    // ---- XMPP over the session (XEP-0206) ----------------------------------------------------------

    /** SASL SCRAM-SHA-1, the stream restart (§5) and resource binding; returns the bound full JID. */
    String login(String user, String password, String resource) {
        authenticate(user, password);
        return restartAndBind(resource);
    }

    /** SASL SCRAM-SHA-1 (RFC 6120 §6) in BOSH bodies, up to {@code <success/>}. */
    void authenticate(String user, String password) {
        await("features", Duration.ofSeconds(10)); // the creation response's, before authentication
        ScramClient scram = new ScramClient("SCRAM-SHA-1", user, password);
        send("<auth xmlns='" + SASL + "' mechanism='SCRAM-SHA-1'>" + scram.clientFirst() + "</auth>");
        Element challenge = await("challenge", Duration.ofSeconds(10));
        send("<response xmlns='" + SASL + "'>" + scram.clientFinal(challenge.getTextContent()) + "</response>");
        Element success = await(e -> e.getLocalName().equals("success") || e.getLocalName().equals("failure"),
                Duration.ofSeconds(10));
        if (!success.getLocalName().equals("success")) {
            throw new AssertionError("SASL failed: " + success.getTextContent());
        }
    }

    /** XEP-0206 §5's restart request, then resource binding (RFC 6120 §7); returns the full JID. */
    String restartAndBind(String resource) {
        Response restart = collect(post(next("xmpp:restart='true' to='" + TestServer.DOMAIN + "' xml:lang='en'", "")));
        if (restart.isTerminate()) {
            throw new AssertionError("restart refused: " + restart.raw());
        }
        await("features", Duration.ofSeconds(10));
        send("<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>" + resource + "</resource></bind></iq>");
        Element result = await(e -> e.getLocalName().equals("iq") && "bind1".equals(e.getAttribute("id")),
                Duration.ofSeconds(10));
        return result.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-bind", "jid").item(0).getTextContent();
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static Element parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            return d.getDocumentElement();
        } catch (Exception e) {
            throw new AssertionError("not an XML document: " + xml, e);
        }
    }
}
