package io.switchboard.router.mod.mam;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.jid.JidFormatException;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchiveQuery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@code <query xmlns='urn:xmpp:mam:2'/>} (XEP-0313 §4) with its XEP-0004 form and
 * XEP-0059 {@code <set/>} into a {@link MamRequest}, or fails with the stanza error the XEPs ask
 * for. Pure: no storage access (whether named ids exist is checked by the caller).
 */
final class MamQueryParser {
    /** XEP-0059 page size when the client gives no {@code <max/>}. */
    static final int DEFAULT_PAGE_SIZE = 50;
    /** The largest page a client gets, whatever it asks for (XEP-0313 §4.3: servers MAY limit). */
    static final int MAX_PAGE_SIZE = 250;
    /** The most ids one 'ids' query may name. */
    static final int MAX_IDS = MAX_PAGE_SIZE;

    private MamQueryParser() {
    }

    static MamRequest parse(XmlElement query) {
        if (query.attribute("node") != null) {
            // Reserved for pubsub archives (XEP-0313 §6.1.3, XEP-0442): not served here.
            throw error(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "pubsub node archives are not supported");
        }
        Form form = form(query.child("x", MamNamespaces.DATA));
        Paging paging = paging(query.child("set", MamNamespaces.RSM));

        List<Long> cursors = new ArrayList<>(4);
        Long afterId = tighterLow(paging.after, form.afterId);
        Long beforeId = tighterHigh(paging.before, form.beforeId);
        addIfPresent(cursors, paging.after);
        addIfPresent(cursors, paging.before);
        addIfPresent(cursors, form.afterId);
        addIfPresent(cursors, form.beforeId);
        int limit = Math.max(1, paging.max); // max 0: ask for one to learn whether anything matches
        ArchiveQuery q = new ArchiveQuery(form.with, form.start, form.end, afterId, beforeId, limit, paging.last);
        boolean flip = query.child("flip-page", MamNamespaces.MAM) != null;
        return new MamRequest(query.attribute("queryid"), q, paging.max, cursors, form.ids, flip);
    }

    // ---- XEP-0004 form -----------------------------------------------------------------------

    private record Form(String with, Instant start, Instant end, Long afterId, Long beforeId, List<Long> ids) {
    }

    private static Form form(XmlElement x) {
        if (x == null) {
            return new Form(null, null, null, null, null, null);
        }
        String type = x.attribute("type");
        if (type != null && !type.equals("submit")) {
            throw error(StanzaErrorCondition.BAD_REQUEST, "the query form must be of type 'submit'");
        }
        String with = null;
        Instant start = null;
        Instant end = null;
        Long afterId = null;
        Long beforeId = null;
        List<Long> ids = null;
        Set<String> seen = new HashSet<>();
        for (XmlElement field : x.children("field", MamNamespaces.DATA)) {
            String var = field.attribute("var");
            if (var == null || !seen.add(var)) {
                throw error(StanzaErrorCondition.BAD_REQUEST, var == null ? "a form field without 'var'"
                        : "field '" + var + "' given twice");
            }
            List<String> values = values(field);
            switch (var) {
                case "FORM_TYPE" -> {
                    if (!values.equals(List.of(MamNamespaces.MAM))) {
                        throw error(StanzaErrorCondition.BAD_REQUEST, "FORM_TYPE must be " + MamNamespaces.MAM);
                    }
                }
                case "with" -> with = jid(single(var, values));
                case "start" -> start = timestamp(var, single(var, values));
                case "end" -> end = timestamp(var, single(var, values));
                case "after-id" -> afterId = archiveId(single(var, values));
                case "before-id" -> beforeId = archiveId(single(var, values));
                case "ids" -> ids = idList(values);
                // XEP-0313 §4.1.5: a field the server does not recognise is feature-not-implemented.
                default -> throw error(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported field '" + var + "'");
            }
        }
        return new Form(with, start, end, afterId, beforeId, ids);
    }

    private static List<String> values(XmlElement field) {
        List<String> values = new ArrayList<>(1);
        for (XmlElement v : field.children("value", MamNamespaces.DATA)) {
            String text = v.text().trim();
            if (!text.isEmpty()) {
                values.add(text);
            }
        }
        return values;
    }

    /** A single-valued field's value, or null when it was sent empty. */
    private static String single(String var, List<String> values) {
        if (values.size() > 1) {
            throw error(StanzaErrorCondition.BAD_REQUEST, "field '" + var + "' takes one value");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static String jid(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Jid.of(value).toString(); // normalised, as archived 'with' values are
        } catch (JidFormatException e) {
            throw error(StanzaErrorCondition.BAD_REQUEST, "'with' is not a valid JID");
        }
    }

    /**
     * XEP-0082 §3.3 DateTime, {@code CCYY-MM-DDThh:mm:ss[.sss]TZD} with a mandatory time zone
     * ('Z' or an offset): anything else, a time without zone included, is bad-request.
     */
    static Instant timestamp(String var, String value) {
        if (value == null) {
            return null;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            if (t.getYear() < 0 || t.getYear() > 9999) {
                throw error(StanzaErrorCondition.BAD_REQUEST, "'" + var + "' is out of range");
            }
            return t.toInstant();
        } catch (DateTimeParseException e) {
            throw error(StanzaErrorCondition.BAD_REQUEST, "'" + var + "' is not a XEP-0082 DateTime");
        }
    }

    private static List<Long> idList(List<String> values) {
        if (values.size() > MAX_IDS) {
            throw error(StanzaErrorCondition.BAD_REQUEST, "at most " + MAX_IDS + " ids per query");
        }
        List<Long> ids = new ArrayList<>(values.size());
        for (String v : values) {
            Long id = archiveId(v);
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /**
     * An archive id the client sent back. One that is not even well-formed cannot be in the
     * archive, so it is item-not-found (XEP-0313 §4.1.3, §4.3; XEP-0059 §2.5), like an unknown one.
     */
    static Long archiveId(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ArchiveId.parse(value);
        } catch (IllegalArgumentException e) {
            throw error(StanzaErrorCondition.ITEM_NOT_FOUND, "no such message in the archive");
        }
    }

    // ---- XEP-0059 set ------------------------------------------------------------------------

    private record Paging(int max, Long after, Long before, boolean last) {
    }

    private static Paging paging(XmlElement set) {
        if (set == null) {
            return new Paging(DEFAULT_PAGE_SIZE, null, null, false);
        }
        if (set.child("index", MamNamespaces.RSM) != null) {
            // XEP-0059 §2.4 out-of-order pages need positions; ids are what this archive pages by.
            throw error(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "paging by index is not supported");
        }
        int max = DEFAULT_PAGE_SIZE;
        String maxText = set.childText("max", MamNamespaces.RSM);
        if (maxText != null) {
            try {
                max = Integer.parseInt(maxText.trim());
            } catch (NumberFormatException e) {
                throw error(StanzaErrorCondition.BAD_REQUEST, "<max/> is not a number");
            }
            if (max < 0) {
                throw error(StanzaErrorCondition.BAD_REQUEST, "<max/> is negative");
            }
            max = Math.min(max, MAX_PAGE_SIZE);
        }
        Long after = null;
        XmlElement afterElement = set.child("after", MamNamespaces.RSM);
        if (afterElement != null) {
            String text = afterElement.text().trim();
            if (text.isEmpty()) {
                throw error(StanzaErrorCondition.BAD_REQUEST, "<after/> needs an id");
            }
            after = archiveId(text);
        }
        Long before = null;
        XmlElement beforeElement = set.child("before", MamNamespaces.RSM);
        if (beforeElement != null) {
            String text = beforeElement.text().trim();
            before = text.isEmpty() ? null : archiveId(text); // empty <before/>: the last page (XEP-0059 §2.5)
        }
        return new Paging(max, after, before, beforeElement != null);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static Long tighterLow(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }

    private static Long tighterHigh(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
    }

    private static void addIfPresent(List<Long> list, Long id) {
        if (id != null && !list.contains(id)) {
            list.add(id);
        }
    }

    static StanzaErrorException error(StanzaErrorCondition condition, String text) {
        return new StanzaErrorException(condition, text);
    }
}
