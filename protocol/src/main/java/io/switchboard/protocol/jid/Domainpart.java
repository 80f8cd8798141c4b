package io.switchboard.protocol.jid;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Preparation and validation of the domainpart (RFC 7622 §3.2).
 *
 * <p>The result is the U-label form: lower case, NFC, full stops as label separators, no trailing
 * dot. IDNA2008 is only approximated (the JDK has no IDNA2008 tables): a non-ASCII code point must
 * be a lower-case or other letter, a mark or a decimal digit and stable under NFKC and lower
 * casing, which is how RFC 5892 derives most PVALID code points; {@link IDN#toASCII} with STD3
 * rules is run on top as a second opinion.
 */
final class Domainpart {

    static final int MAX_OCTETS = 1023;
    private static final int MAX_LABEL_OCTETS = 63;
    private static final String ACE_PREFIX = "xn--";

    private Domainpart() {
    }

    static String prepare(String raw) {
        if (raw.isEmpty()) {
            throw new JidFormatException("domainpart is empty");
        }
        String domain;
        if (raw.charAt(0) == '[') {
            domain = Ipv6Literal.prepare(raw);
        } else if (isAscii(raw)) {
            domain = prepareLabels(stripTrailingDot(raw.toLowerCase(Locale.ROOT)));
        } else {
            domain = prepareLabels(stripTrailingDot(mapUnicode(raw)));
        }
        if (domain.length() > MAX_OCTETS || utf8Length(domain) > MAX_OCTETS) {
            throw new JidFormatException("domainpart is longer than " + MAX_OCTETS + " octets");
        }
        return domain;
    }

    /** The RFC 5895 mappings that RFC 7622 §3.2.2 asks for: width, case, NFC, dots. */
    private static String mapUnicode(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        raw.codePoints().forEach(cp -> {
            if (cp == '\u3002' || cp == '\uFF0E' || cp == '\uFF61') {
                sb.append('.');
            } else if (cp >= 0xFF00 && cp <= 0xFFEF) {
                // Only the width forms get compatibility mapping; full NFKC would also fold
                // characters IDNA2008 wants rejected (e.g. U+2163) into valid ones.
                sb.append(Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return Normalizer.normalize(sb.toString().toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
    }

    private static String stripTrailingDot(String domain) {
        if (domain.endsWith(".")) {
            return domain.substring(0, domain.length() - 1);
        }
        return domain;
    }

    private static String prepareLabels(String domain) {
        if (domain.isEmpty()) {
            throw new JidFormatException("domainpart is empty");
        }
        // Labels are checked in place; a copy is only built once an A-label has to be replaced.
        StringBuilder out = null;
        int start = 0;
        while (true) {
            int dot = domain.indexOf('.', start);
            int end = dot < 0 ? domain.length() : dot;
            String replacement = prepareLabel(domain, start, end);
            if (replacement != null && out == null) {
                out = new StringBuilder(domain.length() + 16).append(domain, 0, start);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(domain, start, end);
                }
                if (dot >= 0) {
                    out.append('.');
                }
            }
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        return out == null ? domain : out.toString();
    }

    /** Validates {@code domain[start, end)}; returns its U-label if it is an A-label, else null. */
    private static String prepareLabel(String domain, int start, int end) {
        if (start == end) {
            throw new JidFormatException("domainpart contains an empty label");
        }
        if (!isAscii(domain, start, end)) {
            checkULabel(domain.substring(start, end));
            return null;
        }
        for (int i = start; i < end; i++) {
            char c = domain.charAt(i);
            if (!isLdh(c)) {
                throw new JidFormatException("domainpart contains disallowed character " + describe(c));
            }
        }
        checkHyphens(domain, start, end);
        if (domain.startsWith(ACE_PREFIX, start)) {
            return aLabelToULabel(domain.substring(start, end));
        }
        if (end - start > MAX_LABEL_OCTETS) {
            throw new JidFormatException("domainpart label is longer than " + MAX_LABEL_OCTETS + " octets");
        }
        return null;
    }

    private static boolean isLdh(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }

    // RFC 5891 §4.2.3.1; "--" in positions 3 and 4 is reserved for ACE prefixes like "xn--".
    private static void checkHyphens(String domain, int start, int end) {
        if (domain.charAt(start) == '-' || domain.charAt(end - 1) == '-') {
            throw new JidFormatException("domainpart label starts or ends with a hyphen");
        }
        if (end - start >= 4 && domain.charAt(start + 2) == '-' && domain.charAt(start + 3) == '-'
                && !domain.startsWith(ACE_PREFIX, start)) {
            throw new JidFormatException("domainpart label has hyphens in the reserved 3rd and 4th positions");
        }
    }

    private static String aLabelToULabel(String aLabel) {
        String uLabel;
        try {
            uLabel = Punycode.decode(aLabel.substring(ACE_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new JidFormatException("domainpart contains an invalid A-label", e);
        }
        if (isAscii(uLabel)) {
            throw new JidFormatException("domainpart contains an A-label that decodes to ASCII");
        }
        checkULabel(uLabel);
        // Rejects non-canonical encodings so that one U-label has exactly one A-label.
        if (!(ACE_PREFIX + Punycode.encode(uLabel)).equals(aLabel)) {
            throw new JidFormatException("domainpart contains a non-canonical A-label");
        }
        return uLabel;
    }

    private static void checkULabel(String label) {
        checkHyphens(label, 0, label.length());
        int first = label.codePointAt(0);
        if (isMark(Character.getType(first))) {
            throw new JidFormatException("domainpart label starts with a combining mark");
        }
        label.codePoints().forEach(Domainpart::checkCodePoint);
        if (!Normalizer.isNormalized(label, Normalizer.Form.NFC)) {
            throw new JidFormatException("domainpart label is not in NFC");
        }
        if (ACE_PREFIX.length() + Punycode.encode(label).length() > MAX_LABEL_OCTETS) {
            throw new JidFormatException("domainpart label is longer than " + MAX_LABEL_OCTETS + " octets as an A-label");
        }
        try {
            IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES | IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new JidFormatException("domainpart label is not a valid IDN", e);
        }
    }

    private static void checkCodePoint(int cp) {
        if (cp < 0x80) {
            if (!isLdh(cp)) {
                throw new JidFormatException("domainpart contains disallowed character " + describe(cp));
            }
            return;
        }
        if (isPvalidException(cp)) {
            return;
        }
        int type = Character.getType(cp);
        boolean letterMarkOrDigit = type == Character.LOWERCASE_LETTER
                || type == Character.OTHER_LETTER
                || type == Character.MODIFIER_LETTER
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.DECIMAL_DIGIT_NUMBER;
        if (!letterMarkOrDigit || !isStable(cp)) {
            throw new JidFormatException("domainpart contains disallowed character " + describe(cp));
        }
    }

    // RFC 5892 §2.6 exceptions that are PVALID although their category would say otherwise.
    private static boolean isPvalidException(int cp) {
        return cp == 0x06FD || cp == 0x06FE || cp == 0x0F0B || cp == 0x3007;
    }

    // RFC 5892 §2.2 "Unstable": characters that NFKC or case folding would change are
    // disallowed, since their canonical spelling is something else.
    private static boolean isStable(int cp) {
        String s = new String(Character.toChars(cp));
        return Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).equals(s);
    }

    private static boolean isMark(int type) {
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    static boolean isAscii(String s) {
        return isAscii(s, 0, s.length());
    }

    private static boolean isAscii(String s, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static int utf8Length(String s) {
        int octets = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                octets += 1;
            } else if (c < 0x800) {
                octets += 2;
            } else if (Character.isHighSurrogate(c)) {
                // A surrogate pair is one supplementary code point: four octets in UTF-8.
                octets += 4;
                i++;
            } else {
                octets += 3;
            }
        }
        return octets;
    }

    static String describe(int cp) {
        String hex = String.format(Locale.ROOT, "U+%04X", cp);
        if (cp > 0x20 && cp < 0x7F) {
            return "'" + (char) cp + "' (" + hex + ")";
        }
        return hex;
    }

    /** IP-literal per RFC 3986 §3.2.2, IPv6 only (IPvFuture is not accepted). */
    private static final class Ipv6Literal {

        private Ipv6Literal() {
        }

        static String prepare(String raw) {
            if (raw.length() < 3 || raw.charAt(raw.length() - 1) != ']') {
                throw new JidFormatException("domainpart IP literal is not enclosed in brackets");
            }
            String address = raw.substring(1, raw.length() - 1).toLowerCase(Locale.ROOT);
            if (!isIpv6(address)) {
                throw new JidFormatException("domainpart is not a valid IPv6 literal");
            }
            return "[" + address + "]";
        }

        private static boolean isIpv6(String s) {
            int doubleColon = s.indexOf("::");
            if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
                return false;
            }
            if (doubleColon < 0) {
                return groupCount(s, false) == 8;
            }
            String head = s.substring(0, doubleColon);
            String tail = s.substring(doubleColon + 2);
            int headGroups = head.isEmpty() ? 0 : groupCount(head, true);
            int tailGroups = tail.isEmpty() ? 0 : groupCount(tail, false);
            return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
        }

        /** Number of 16-bit groups in a colon-separated run, or -1 if malformed. */
        private static int groupCount(String s, boolean beforeDoubleColon) {
            String[] parts = s.split(":", -1);
            int groups = 0;
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean last = i == parts.length - 1;
                if (last && !beforeDoubleColon && part.indexOf('.') >= 0) {
                    if (!isIpv4(part)) {
                        return -1;
                    }
                    groups += 2;
                } else if (isHexGroup(part)) {
                    groups += 1;
                } else {
                    return -1;
                }
            }
            return groups;
        }

        private static boolean isHexGroup(String part) {
            if (part.isEmpty() || part.length() > 4) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (Character.digit(part.charAt(i), 16) < 0 || part.charAt(i) >= 0x80) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isIpv4(String s) {
            String[] octets = s.split("\\.", -1);
            if (octets.length != 4) {
                return false;
            }
            for (String octet : octets) {
                if (octet.isEmpty() || octet.length() > 3 || (octet.length() > 1 && octet.charAt(0) == '0')) {
                    return false;
                }
                for (int i = 0; i < octet.length(); i++) {
                    if (octet.charAt(i) < '0' || octet.charAt(i) > '9') {
                        return false;
                    }
                }
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
    }
}
