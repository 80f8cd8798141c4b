package io.switchboard.connector.sm;

import io.switchboard.cluster.bus.StanzaKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Everything a XEP-0198 session is, as one immutable value: what {@link SessionHandover} carries
 * from one connector node to another when a client resumes elsewhere (as JSON on the event bus).
 *
 * @param resumptionId      the 'id' of {@code <enabled/>}; null when the client did not ask for resumption
 * @param bareJid           the account the session (and the id) is bound to: only it may resume
 * @param fullJid           the bound full JID, kept by the resumed stream
 * @param sessionId         the connection id the session directory and routers know the session by; it
 *                          stays the same across resumptions, on this node or another
 * @param inboundHandled    'h' of the client's stanzas the server has handled (mod 2^32)
 * @param outboundAcked     the last 'h' the client acknowledged of the server's stanzas (mod 2^32)
 * @param unacked           stanzas sent (or queued while detached) after {@code outboundAcked}, in order
 * @param available         whether the session sent available presence (it gets an unavailable on its
 *                          behalf when it ends)
 * @param resumptionSeconds how long the session stays resumable after its connection drops
 */
public record SmState(String resumptionId, String bareJid, String fullJid, String sessionId, long inboundHandled,
                      long outboundAcked, List<Unacked> unacked, boolean available, long resumptionSeconds) {

    public SmState {
        unacked = List.copyOf(unacked);
    }

    /** 'h' the server will have sent once every queued stanza is written: outboundAcked + queue length. */
    public long outboundSent() {
        return (outboundAcked + unacked.size()) & SmElements.MASK;
    }

    public JsonObject toJson() {
        return new JsonObject().put("resumptionId", resumptionId).put("bareJid", bareJid).put("fullJid", fullJid)
                .put("sessionId", sessionId).put("inboundHandled", inboundHandled).put("outboundAcked", outboundAcked)
                .put("unacked", unackedToJson(unacked)).put("available", available)
                .put("resumptionSeconds", resumptionSeconds);
    }

    public static SmState fromJson(JsonObject json) {
        return new SmState(json.getString("resumptionId"), json.getString("bareJid"), json.getString("fullJid"),
                json.getString("sessionId"), json.getLong("inboundHandled"), json.getLong("outboundAcked"),
                unackedFromJson(json.getJsonArray("unacked")), json.getBoolean("available"),
                json.getLong("resumptionSeconds"));
    }

    static JsonArray unackedToJson(List<Unacked> unacked) {
        JsonArray array = new JsonArray();
        for (Unacked u : unacked) {
            array.add(new JsonObject().put("kind", u.kind().name())
                    .put("xml", Base64.getEncoder().encodeToString(u.xml())).put("ingress", u.ingressMicros()));
        }
        return array;
    }

    static List<Unacked> unackedFromJson(JsonArray array) {
        List<Unacked> unacked = new ArrayList<>(array == null ? 0 : array.size());
        if (array != null) {
            for (int i = 0; i < array.size(); i++) {
                JsonObject u = array.getJsonObject(i);
                unacked.add(new Unacked(StanzaKind.valueOf(u.getString("kind")),
                        Base64.getDecoder().decode(u.getString("xml")), u.getLong("ingress")));
            }
        }
        return unacked;
    }

    /** One stanza written to (or queued for) the client and not yet acknowledged. */
    public record Unacked(StanzaKind kind, byte[] xml, long ingressMicros) {
    }
}
