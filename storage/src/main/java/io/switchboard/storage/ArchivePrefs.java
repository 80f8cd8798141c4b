package io.switchboard.storage;

import java.util.Objects;
import java.util.Set;

/**
 * A user's archiving preferences (XEP-0313 §6.1): which messages the server archives for them.
 *
 * @param defaultMode what happens to messages with JIDs in neither list
 * @param always      JIDs whose messages are always archived: a bare JID covers all its
 *                    resources, a full JID only itself (XEP-0441); opaque to storage
 * @param never       JIDs whose messages are never archived (wins over {@code always})
 */
public record ArchivePrefs(Mode defaultMode, Set<String> always, Set<String> never) {

    /** XEP-0313 {@code default} attribute values. */
    public enum Mode {
        /** Archive everything. */
        ALWAYS,
        /** Archive nothing. */
        NEVER,
        /** Archive messages with contacts in the user's roster only. */
        ROSTER;

        public String xmlValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** @return null for anything XEP-0313 does not define */
        public static Mode fromXml(String value) {
            for (Mode m : values()) {
                if (m.xmlValue().equals(value)) {
                    return m;
                }
            }
            return null;
        }
    }

    /** What a user gets before setting anything. */
    public static final ArchivePrefs DEFAULT = new ArchivePrefs(Mode.ALWAYS, Set.of(), Set.of());

    public ArchivePrefs {
        Objects.requireNonNull(defaultMode, "defaultMode");
        always = Set.copyOf(always);
        never = Set.copyOf(never);
    }
}
