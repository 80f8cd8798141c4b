package io.switchboard.connector.websocket;

import io.switchboard.connector.ConnectorSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * XEP-0156 discovery documents: {@code /.well-known/host-meta} (XRD, RFC 6415) and
 * {@code /.well-known/host-meta.json} (JRD), listing the alternative connection methods of this
 * node: the WebSocket endpoint (RFC 7395) and the BOSH one (XEP-0206).
 */
final class HostMeta {
    static final String WEBSOCKET_REL = "urn:xmpp:alt-connections:websocket";
    static final String BOSH_REL = "urn:xmpp:alt-connections:xbosh";
    static final String XRD_CONTENT_TYPE = "application/xrd+xml; charset=utf-8";
    static final String JRD_CONTENT_TYPE = "application/json";

    /** One advertised connection method. */
    record Link(String rel, String href) {
    }

    private final List<Link> links;
    private final String xrd;
    private final String jrd;

    HostMeta(List<Link> links) {
        this.links = List.copyOf(links);
        StringBuilder x = new StringBuilder("<?xml version='1.0' encoding='utf-8'?>\n")
                .append("<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n");
        JsonArray jsonLinks = new JsonArray();
        for (Link link : this.links) {
            x.append("  <Link rel='").append(escape(link.rel())).append("' href='").append(escape(link.href()))
                    .append("'/>\n");
            jsonLinks.add(new JsonObject().put("rel", link.rel()).put("href", link.href()));
        }
        this.xrd = x.append("</XRD>\n").toString();
        this.jrd = new JsonObject().put("links", jsonLinks).encode();
    }

    /** The documents for this node's configuration; no links when no HTTP listener is on. */
    static HostMeta of(String domain, ConnectorSettings.Web web) {
        List<Link> links = new ArrayList<>();
        String webSocket = webSocketUrl(domain, web);
        if (webSocket != null) {
            links.add(new Link(WEBSOCKET_REL, webSocket));
        }
        String bosh = boshUrl(domain, web);
        if (bosh != null) {
            links.add(new Link(BOSH_REL, bosh));
        }
        return new HostMeta(links);
    }

    /**
     * The configured public URL, else this node's own endpoint: {@code wss} when the TLS listener
     * is on (RFC 7395 §3.9; XEP-0156 §3 prefers secure methods), {@code ws} only without it.
     */
    static String webSocketUrl(String domain, ConnectorSettings.Web web) {
        if (web.publicUrl() != null) {
            return web.publicUrl();
        }
        if (web.https().enabled()) {
            return "wss://" + domain + ":" + web.https().port() + ConnectorSettings.Web.WEBSOCKET_PATH;
        }
        if (web.http().enabled()) {
            return "ws://" + domain + ":" + web.http().port() + ConnectorSettings.Web.WEBSOCKET_PATH;
        }
        return null;
    }

    /** As {@link #webSocketUrl} for BOSH: {@code https} preferred; null when BOSH or both listeners are off. */
    static String boshUrl(String domain, ConnectorSettings.Web web) {
        if (!web.bosh().enabled()) {
            return null;
        }
        if (web.bosh().publicUrl() != null) {
            return web.bosh().publicUrl();
        }
        if (web.https().enabled()) {
            return "https://" + domain + ":" + web.https().port() + ConnectorSettings.Web.BOSH_PATH;
        }
        if (web.http().enabled()) {
            return "http://" + domain + ":" + web.http().port() + ConnectorSettings.Web.BOSH_PATH;
        }
        return null;
    }

    List<Link> links() {
        return links;
    }

    String xrd() {
        return xrd;
    }

    String jrd() {
        return jrd;
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;").replace("\"", "&quot;");
    }
}
