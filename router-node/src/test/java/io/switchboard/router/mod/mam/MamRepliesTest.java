package io.switchboard.router.mod.mam;

import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivedMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The wire format of what the archive sends back (XEP-0313 §4.2, §4.3, §4.1.5, §5). */
class MamRepliesTest {
    private static final long ID = ArchiveId.lowest(Instant.parse("2024-05-01T10:20:30.456Z")) + 7;

    private static ArchivedMessage archived(long id, String xml) {
        return new ArchivedMessage("juliet@capulet.lit", id, "romeo@montague.lit/orchard",
                xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("XEP-0313 §4.2: result = message from the archive to the requester, result(queryid, id), "
            + "forwarded (XEP-0297) with delay (XEP-0203) then the original message in jabber:client")
    void resultMessage() {
        XmlElement result = MamReplies.result("juliet@capulet.lit/chamber", "juliet@capulet.lit", "f27",
                archived(ID, "<message from='romeo@montague.lit/orchard' to='juliet@capulet.lit' type='chat'>"
                        + "<body>Hail</body></message>"));
        assertThat(result.toXml()).isEqualTo("<message to='juliet@capulet.lit/chamber' from='juliet@capulet.lit'>"
                + "<result xmlns='urn:xmpp:mam:2' queryid='f27' id='" + ArchiveId.format(ID) + "'>"
                + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-05-01T10:20:30.456Z'/>"
                + "<message xmlns='jabber:client' from='romeo@montague.lit/orchard' to='juliet@capulet.lit' "
                + "type='chat'><body>Hail</body></message></forwarded></result></message>");
    }

    @Test
    @DisplayName("XEP-0313 §4.2: without queryid, the result has none")
    void resultWithoutQueryId() {
        XmlElement result = MamReplies.result("j@c/x", "j@c", null, archived(ID, "<message><body>x</body></message>"));
        assertThat(result.child("result", MamNamespaces.MAM).attribute("queryid")).isNull();
    }

    @Test
    @DisplayName("XEP-0313 §4.3: fin names the first and last id of the page and whether it is complete")
    void fin() {
        List<ArchivedMessage> page = List.of(archived(ID, "<message/>"), archived(ID + 1, "<message/>"),
                archived(ID + 5, "<message/>"));
        assertThat(MamReplies.fin(page, false).toXml()).isEqualTo("<fin xmlns='urn:xmpp:mam:2' complete='false'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'><first>" + ArchiveId.format(ID) + "</first><last>"
                + ArchiveId.format(ID + 5) + "</last></set></fin>");
        assertThat(MamReplies.fin(page, true).attribute("complete")).isEqualTo("true");
    }

    @Test
    @DisplayName("XEP-0059 §2.7: an empty page has an empty set (no first/last, no count)")
    void emptyFin() {
        assertThat(MamReplies.fin(List.of(), true).toXml()).isEqualTo("<fin xmlns='urn:xmpp:mam:2' complete='true'>"
                + "<set xmlns='http://jabber.org/protocol/rsm'/></fin>");
    }

    @Test
    @DisplayName("XEP-0313 §4.1.5: the form lists FORM_TYPE, with/start/end and the #extended fields, none required")
    void form() {
        XmlElement x = MamReplies.queryForm().child("x", MamNamespaces.DATA);
        assertThat(x.attribute("type")).isEqualTo("form");
        assertThat(x.children("field", MamNamespaces.DATA)).extracting(f -> f.attribute("var") + ":" + f.attribute("type"))
                .containsExactly("FORM_TYPE:hidden", "with:jid-single", "start:text-single", "end:text-single",
                        "before-id:text-single", "after-id:text-single", "ids:list-multi");
        assertThat(x.toXml()).doesNotContain("required");
        XmlElement ids = x.children("field", MamNamespaces.DATA).get(6);
        assertThat(ids.child("validate", MamNamespaces.DATA_VALIDATE).child("open", MamNamespaces.DATA_VALIDATE))
                .as("the ids list is open (XEP-0122)").isNotNull();
    }

    @Test
    @DisplayName("XEP-0313 §5: metadata gives the first and last message; an empty archive an empty element")
    void metadata() {
        assertThat(MamReplies.metadata(null, null).toXml()).isEqualTo("<metadata xmlns='urn:xmpp:mam:2'/>");
        XmlElement m = MamReplies.metadata(archived(ID, "<message/>"), archived(ID + 1, "<message/>"));
        assertThat(m.child("start", MamNamespaces.MAM).attribute("id")).isEqualTo(ArchiveId.format(ID));
        assertThat(m.child("start", MamNamespaces.MAM).attribute("timestamp")).isEqualTo("2024-05-01T10:20:30.456Z");
        assertThat(m.child("end", MamNamespaces.MAM).attribute("id")).isEqualTo(ArchiveId.format(ID + 1));
    }
}
