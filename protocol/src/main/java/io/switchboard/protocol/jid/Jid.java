package io.switchboard.protocol.jid;

import java.util.Objects;
import java.util.Optional;
import rocks.xmpp.precis.PrecisProfiles;

/**
 * An immutable, normalised XMPP address (RFC 7622): {@code [localpart@]domainpart[/resourcepart]}.
 *
 * <p>Every instance has already been prepared and enforced, so two addresses that differ only in
 * ways the RFC considers insignificant (case of the localpart and domainpart, a trailing dot,
 * width variants, Unicode normalisation) compare equal and print identically.
 *
 * <p>Parsing runs for almost every stanza, so the common case of a plain ASCII address bypasses
 * the PRECIS machinery; the fast paths accept exactly what the PRECIS profiles would accept for
 * those inputs and produce the same output.
 */
public final class Jid implements Comparable<Jid> {

    static final int MAX_PART_OCTETS = 1023;

    /*
     * Upper bound on the raw input, checked before any preparation work. Preparation can shrink
     * a string (NFC composes, width mapping joins), but never by more than a small factor, so
     * anything longer than this cannot become a valid address and is not worth normalising.
     */
    private static final int MAX_RAW_CHARS = 4 * (3 * MAX_PART_OCTETS + 2);

    private final String local;
    private final String domain;
    private final String resource;
    private final String string;

    private Jid(String local, String domain, String resource) {
        this.local = local;
        this.domain = domain;
        this.resource = resource;
        StringBuilder sb = new StringBuilder(
                domain.length() + (local == null ? 0 : local.length() + 1) + (resource == null ? 0 : resource.length() + 1));
        if (local != null) {
            sb.append(local).append('@');
        }
        sb.append(domain);
        if (resource != null) {
            sb.append('/').append(resource);
        }
        this.string = sb.toString();
    }

    /**
     * Parses and normalises an address.
     *
     * @throws JidFormatException if {@code jid} is not a valid address
     */
    public static Jid of(String jid) {
        Objects.requireNonNull(jid, "jid");
        if (jid.length() > MAX_RAW_CHARS) {
            throw new JidFormatException("address is too long");
        }
        // RFC 7622 §3.1: the first '/' starts the resourcepart, so an '@' after it belongs to
        // the resource and does not delimit a localpart.
        int slash = jid.indexOf('/');
        int end = slash < 0 ? jid.length() : slash;
        int at = jid.indexOf('@');
        if (at >= end) {
            at = -1;
        }
        String rawLocal = at < 0 ? null : jid.substring(0, at);
        String rawDomain = jid.substring(at + 1, end);
        String rawResource = slash < 0 ? null : jid.substring(slash + 1);
        return create(rawLocal, rawDomain, rawResource);
    }

    /**
     * Builds an address from its parts, preparing each one.
     *
     * @param local    the localpart, or null for none
     * @param domain   the domainpart
     * @param resource the resourcepart, or null for none
     * @throws JidFormatException if any part is invalid (an empty string is invalid, not "absent")
     */
    public static Jid of(String local, String domain, String resource) {
        Objects.requireNonNull(domain, "domain");
        if ((local != null && local.length() > MAX_RAW_CHARS)
                || domain.length() > MAX_RAW_CHARS
                || (resource != null && resource.length() > MAX_RAW_CHARS)) {
            throw new JidFormatException("address is too long");
        }
        return create(local, domain, resource);
    }

    /** Parses an address, returning empty for null or invalid input instead of throwing. */
    public static Optional<Jid> tryParse(String jid) {
        if (jid == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(of(jid));
        } catch (JidFormatException e) {
            return Optional.empty();
        }
    }

    private static Jid create(String rawLocal, String rawDomain, String rawResource) {
        String domain = Domainpart.prepare(rawDomain);
        String local = rawLocal == null ? null : prepareLocal(rawLocal);
        String resource = rawResource == null ? null : prepareResource(rawResource);
        return new Jid(local, domain, resource);
    }

    /** RFC 7622 §3.3: UsernameCaseMapped plus the XMPP-specific disallowed characters. */
    static String prepareLocal(String raw) {
        if (raw.isEmpty()) {
            throw new JidFormatException("localpart is empty");
        }
        String prepared = asciiLocal(raw);
        if (prepared == null) {
            try {
                prepared = PrecisProfiles.USERNAME_CASE_MAPPED.enforce(raw);
            } catch (IllegalArgumentException e) {
                throw new JidFormatException("localpart is invalid: " + e.getMessage(), e);
            }
            // Checked after enforcement because width mapping turns e.g. U+FF20 into '@'.
            for (int i = 0; i < prepared.length(); i++) {
                char c = prepared.charAt(i);
                if (isLocalpartExcluded(c)) {
                    throw new JidFormatException("localpart contains disallowed character " + Domainpart.describe(c));
                }
            }
        }
        checkLength("localpart", prepared);
        return prepared;
    }

    /**
     * Printable ASCII is PVALID in the PRECIS IdentifierClass and UsernameCaseMapped only lower
     * cases it, so for such input the profile reduces to this. Returns null when the input needs
     * the full profile (or is invalid, which the profile will then report).
     */
    private static String asciiLocal(String raw) {
        boolean upper = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return null;
            }
            if (isLocalpartExcluded(c)) {
                throw new JidFormatException("localpart contains disallowed character " + Domainpart.describe(c));
            }
            upper |= c >= 'A' && c <= 'Z';
        }
        if (!upper) {
            return raw;
        }
        char[] chars = raw.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private static boolean isLocalpartExcluded(char c) {
        return c == '"' || c == '&' || c == '\'' || c == '/' || c == ':' || c == '<' || c == '>' || c == '@';
    }

    /** RFC 7622 §3.4: OpaqueString, which preserves case. */
    static String prepareResource(String raw) {
        if (raw.isEmpty()) {
            throw new JidFormatException("resourcepart is empty");
        }
        String prepared = raw;
        // ASCII space and printable ASCII are valid in the FreeformClass and OpaqueString maps
        // none of them, so such input is already in its enforced form.
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c >= 0x7F) {
                try {
                    prepared = PrecisProfiles.OPAQUE_STRING.enforce(raw);
                } catch (IllegalArgumentException e) {
                    throw new JidFormatException("resourcepart is invalid: " + e.getMessage(), e);
                }
                break;
            }
        }
        checkLength("resourcepart", prepared);
        return prepared;
    }

    private static void checkLength(String part, String prepared) {
        if (prepared.length() > MAX_PART_OCTETS || Domainpart.utf8Length(prepared) > MAX_PART_OCTETS) {
            throw new JidFormatException(part + " is longer than " + MAX_PART_OCTETS + " octets");
        }
    }

    /** The localpart, or null if there is none. */
    public String local() {
        return local;
    }

    public String domain() {
        return domain;
    }

    /** The resourcepart, or null if there is none. */
    public String resource() {
        return resource;
    }

    public boolean isBare() {
        return resource == null;
    }

    public boolean isFull() {
        return resource != null;
    }

    public boolean isDomainJid() {
        return local == null && resource == null;
    }

    /** This address without its resourcepart. */
    public Jid bare() {
        return resource == null ? this : new Jid(local, domain, null);
    }

    /**
     * This address with its resourcepart replaced by {@code resource}.
     *
     * @throws JidFormatException if the resource is invalid
     */
    public Jid withResource(String resource) {
        Objects.requireNonNull(resource, "resource");
        if (resource.length() > MAX_RAW_CHARS) {
            throw new JidFormatException("resourcepart is too long");
        }
        return new Jid(local, domain, prepareResource(resource));
    }

    /** The address of this address's domain alone. */
    public Jid domainJid() {
        return isDomainJid() ? this : new Jid(null, domain, null);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Jid other && string.equals(other.string));
    }

    @Override
    public int hashCode() {
        return string.hashCode();
    }

    @Override
    public int compareTo(Jid other) {
        return string.compareTo(other.string);
    }

    /** The normalised form {@code local@domain/resource}. */
    @Override
    public String toString() {
        return string;
    }
}
