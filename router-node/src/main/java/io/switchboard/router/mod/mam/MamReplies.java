package io.switchboard.router.mod.mam;

import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivedMessage;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Builds what the archive sends back (XEP-0313 §4.2, §4.3, §5). Pure functions. */
final class MamReplies {
    private MamReplies() {
    }

    /**
     * XEP-0313 §4.2: one archived message, forwarded (XEP-0297) with the time it was archived
     * (XEP-0203 delay), inside a {@code <result/>} naming its archive id.
     *
     * @param to      the requesting resource
     * @param owner   the archive's address (the user's bare JID): clients check results come from it
     * @param queryId the client's queryid, or null
     */
    static XmlElement result(String to, String owner, String queryId, ArchivedMessage m) {
        XmlElement.Builder forwarded = XmlElement.builder("forwarded", MamNamespaces.FORWARD)
                .child(XmlElement.builder("delay", Namespaces.DELAY).attribute("stamp", stamp(m.timestamp())).build());
        XmlElement original = original(m);
        if (original != null) {
            forwarded.child(original);
        }
        XmlElement result = XmlElement.builder("result", MamNamespaces.MAM).attribute("queryid", queryId)
                .attribute("id", ArchiveId.format(m.id())).child(forwarded.build()).build();
        return XmlElement.builder("message", Namespaces.CLIENT).attribute("to", to).attribute("from", owner)
                .child(result).build();
    }

    /**
     * The archived stanza, or null if it cannot be read back (XEP-0313 §3.2 lets a result carry
     * no message rather than fail the whole query).
     */
    private static XmlElement original(ArchivedMessage m) {
        try {
            return StanzaParsing.parse(m.stanza());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * XEP-0313 §4.3 {@code <fin/>} with the XEP-0059 {@code <set/>} naming the first and last
     * ids of the page (in chronological order). An empty page has an empty set (XEP-0059 §2.7:
     * no first/last; this archive never sends {@code <count/>}, which XEP-0313 makes optional).
     *
     * @param page     the page in chronological order
     * @param complete XEP-0313 §4.3: true when nothing further matches in the paging direction
     */
    static XmlElement fin(List<ArchivedMessage> page, boolean complete) {
        XmlElement.Builder set = XmlElement.builder("set", MamNamespaces.RSM);
        if (!page.isEmpty()) {
            set.child(XmlElement.builder("first", MamNamespaces.RSM).text(ArchiveId.format(page.get(0).id())).build());
            set.child(XmlElement.builder("last", MamNamespaces.RSM)
                    .text(ArchiveId.format(page.get(page.size() - 1).id())).build());
        }
        return XmlElement.builder("fin", MamNamespaces.MAM).attribute("complete", Boolean.toString(complete))
                .child(set.build()).build();
    }

    /** XEP-0313 §4.1.5: the query form with every field this archive understands. */
    static XmlElement queryForm() {
        XmlElement.Builder x = XmlElement.builder("x", MamNamespaces.DATA).attribute("type", "form");
        x.child(XmlElement.builder("field", MamNamespaces.DATA).attribute("type", "hidden").attribute("var", "FORM_TYPE")
                .child(XmlElement.builder("value", MamNamespaces.DATA).text(MamNamespaces.MAM).build()).build());
        x.child(field("jid-single", "with"));
        x.child(field("text-single", "start"));
        x.child(field("text-single", "end"));
        x.child(field("text-single", "before-id"));
        x.child(field("text-single", "after-id"));
        // The list of ids is open (XEP-0313 §4.1.5, XEP-0122): the client names them.
        x.child(XmlElement.builder("field", MamNamespaces.DATA).attribute("type", "list-multi").attribute("var", "ids")
                .child(XmlElement.builder("validate", MamNamespaces.DATA_VALIDATE).attribute("datatype", "xs:string")
                        .child(XmlElement.of("open", MamNamespaces.DATA_VALIDATE)).build()).build());
        return XmlElement.builder("query", MamNamespaces.MAM).child(x.build()).build();
    }

    private static XmlElement field(String type, String var) {
        return XmlElement.builder("field", MamNamespaces.DATA).attribute("type", type).attribute("var", var).build();
    }

    /** XEP-0313 §5: the first and last message of the archive; empty for an empty archive. */
    static XmlElement metadata(ArchivedMessage first, ArchivedMessage last) {
        XmlElement.Builder metadata = XmlElement.builder("metadata", MamNamespaces.MAM);
        if (first != null && last != null) {
            metadata.child(XmlElement.builder("start", MamNamespaces.MAM).attribute("id", ArchiveId.format(first.id()))
                    .attribute("timestamp", stamp(first.timestamp())).build());
            metadata.child(XmlElement.builder("end", MamNamespaces.MAM).attribute("id", ArchiveId.format(last.id()))
                    .attribute("timestamp", stamp(last.timestamp())).build());
        }
        return metadata.build();
    }

    /** XEP-0082 DateTime in UTC with milliseconds when there are any. */
    static String stamp(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
