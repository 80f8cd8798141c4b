package io.switchboard.router.mod.mam;

import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.storage.ArchivePrefs;

import java.util.Set;

/**
 * Which messages go into a user archive: a pure function of the message and the owner's
 * preferences, so the rules can be tested line by line against the XEPs.
 */
final class ArchivingRules {
    private ArchivingRules() {
    }

    /** What the owner's preferences say about one message. */
    enum Verdict {
        ARCHIVE,
        SKIP,
        /** default='roster' and the other party is in neither list: depends on the owner's roster. */
        IF_IN_ROSTER
    }

    /** RFC 6121 §5.2.2: a missing or unknown message type means "normal". */
    static String messageType(String type) {
        if (type == null) {
            return "normal";
        }
        return switch (type) {
            case "chat", "error", "groupchat", "headline", "normal" -> type;
            default -> "normal";
        };
    }

    /**
     * Whether a message of this type can be archived at all, decided from the routing header
     * alone: XEP-0313 §6.1.1 user archives hold 'chat' and 'normal' messages; this server never
     * archives 'groupchat' (left to the implementation since XEP-0313 0.8), 'headline' (not
     * suggested) or 'error'.
     */
    static boolean archivableType(String type) {
        String t = messageType(type);
        return t.equals("chat") || t.equals("normal");
    }

    /**
     * XEP-0313 §6.1.1 with XEP-0334 hints: a chat or normal message is archived if it has a
     * {@code <body/>}, unless it carries {@code <no-store/>} or {@code <no-permanent-store/>}
     * (XEP-0334 §4.2/§4.3, both rule out a permanent archive); {@code <store/>} (§4.4) makes a
     * body-less one archived too.
     */
    static boolean archivable(String type, XmlElement message) {
        if (!archivableType(type)) {
            return false;
        }
        if (message.child("no-store", MamNamespaces.HINTS) != null
                || message.child("no-permanent-store", MamNamespaces.HINTS) != null) {
            return false;
        }
        return message.child("body", Namespaces.CLIENT) != null
                || message.child("store", MamNamespaces.HINTS) != null;
    }

    /**
     * XEP-0441 §2 (formerly XEP-0313 §6.1): 'never' wins over 'always', both over the default.
     * A listed bare JID matches every resource of the target; a listed full JID only that one
     * (XEP-0441 "JID matching").
     *
     * @param target the other party: the 'to' of an outgoing message, the 'from' of an incoming one
     */
    static Verdict verdict(ArchivePrefs prefs, Jid target) {
        if (listed(prefs.never(), target)) {
            return Verdict.SKIP;
        }
        if (listed(prefs.always(), target)) {
            return Verdict.ARCHIVE;
        }
        return switch (prefs.defaultMode()) {
            case ALWAYS -> Verdict.ARCHIVE;
            case NEVER -> Verdict.SKIP;
            case ROSTER -> Verdict.IF_IN_ROSTER;
        };
    }

    private static boolean listed(Set<String> list, Jid target) {
        if (list.isEmpty()) {
            return false;
        }
        return list.contains(target.bare().toString()) || (target.resource() != null && list.contains(target.toString()));
    }
}
