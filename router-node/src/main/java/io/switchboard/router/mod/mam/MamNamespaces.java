package io.switchboard.router.mod.mam;

/** The XML namespaces and disco features the archive speaks. */
final class MamNamespaces {
    /** XEP-0313 Message Archive Management (queries, results, fin) and XEP-0441 preferences. */
    static final String MAM = "urn:xmpp:mam:2";
    /** XEP-0313 §7: before-id/after-id/ids, flipped pages and the metadata query. */
    static final String MAM_EXTENDED = "urn:xmpp:mam:2#extended";
    /** XEP-0359 Unique and Stable Stanza IDs. */
    static final String SID = "urn:xmpp:sid:0";
    /** XEP-0059 Result Set Management. */
    static final String RSM = "http://jabber.org/protocol/rsm";
    /** XEP-0297 Stanza Forwarding. */
    static final String FORWARD = "urn:xmpp:forward:0";
    /** XEP-0004 Data Forms. */
    static final String DATA = "jabber:x:data";
    /** XEP-0122 Data Forms Validation. */
    static final String DATA_VALIDATE = "http://jabber.org/protocol/xdata-validate";
    /** XEP-0334 Message Processing Hints. */
    static final String HINTS = "urn:xmpp:hints";

    private MamNamespaces() {
    }
}
