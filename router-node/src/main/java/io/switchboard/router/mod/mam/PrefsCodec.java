package io.switchboard.router.mod.mam;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.jid.JidFormatException;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.ArchivePrefs;

import java.util.Set;
import java.util.TreeSet;

/**
 * XEP-0441 (formerly XEP-0313 §6.1) {@code <prefs xmlns='urn:xmpp:mam:2'/>}: parse a set and
 * write the current preferences. Pure functions.
 */
final class PrefsCodec {
    /** The most JIDs one list may hold, so one user cannot make every message pay for a huge list. */
    static final int MAX_JIDS_PER_LIST = 1000;

    private PrefsCodec() {
    }

    /**
     * @throws StanzaErrorException bad-request for a missing or unknown 'default', a malformed
     *                              JID or an over-long list
     */
    static ArchivePrefs parse(XmlElement prefs) {
        ArchivePrefs.Mode mode = ArchivePrefs.Mode.fromXml(prefs.attribute("default"));
        if (mode == null) {
            throw bad("'default' must be one of always, never, roster");
        }
        return new ArchivePrefs(mode, list(prefs.child("always", MamNamespaces.MAM)),
                list(prefs.child("never", MamNamespaces.MAM)));
    }

    /** XEP-0441 §2: the default, and both lists even when empty. Lists are sorted for a stable answer. */
    static XmlElement write(ArchivePrefs prefs) {
        return XmlElement.builder("prefs", MamNamespaces.MAM).attribute("default", prefs.defaultMode().xmlValue())
                .child(writeList("always", prefs.always())).child(writeList("never", prefs.never())).build();
    }

    private static Set<String> list(XmlElement list) {
        Set<String> jids = new TreeSet<>();
        if (list == null) {
            return jids; // XEP-0441: a missing list is an empty one
        }
        for (XmlElement jid : list.children("jid", MamNamespaces.MAM)) {
            try {
                // A bare JID matches every resource, a full one only itself (XEP-0441 "JID matching").
                jids.add(Jid.of(jid.text().trim()).toString());
            } catch (JidFormatException e) {
                throw bad("not a valid JID in <" + list.name() + "/>");
            }
        }
        if (jids.size() > MAX_JIDS_PER_LIST) {
            throw bad("at most " + MAX_JIDS_PER_LIST + " JIDs per list");
        }
        return jids;
    }

    private static XmlElement writeList(String name, Set<String> jids) {
        XmlElement.Builder list = XmlElement.builder(name, MamNamespaces.MAM);
        for (String jid : new TreeSet<>(jids)) {
            list.child(XmlElement.builder("jid", MamNamespaces.MAM).text(jid).build());
        }
        return list.build();
    }

    private static StanzaErrorException bad(String text) {
        return new StanzaErrorException(StanzaErrorCondition.BAD_REQUEST, text);
    }
}
