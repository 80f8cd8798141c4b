package io.switchboard.protocol.xml;

/**
 * A byte-level pre-scan that finds the markup RFC 6120 §11.1 forbids before Aalto ever sees it.
 *
 * <p>Why not rely on Aalto's events alone: the async Aalto reader does not report a DOCTYPE with an internal subset,
 * nor {@code <!ENTITY} in content, nor an unknown entity inside an attribute value as such; it fails with generic
 * well-formedness errors. XMPP wants {@code restricted-xml} for those, and scanning ourselves also guarantees that a
 * DTD never reaches the XML parser at all (no entity expansion, no external fetch, whatever the parser's settings).
 *
 * <p>The scanner tracks just enough lexical state to tell markup from character data: text, tags with quoted
 * attribute values, CDATA sections and references. It is not a validator; if the input is malformed in a way that
 * desynchronizes it, Aalto, which is always fed the bytes before any reported position, fails first with
 * {@code not-well-formed}.
 *
 * <p>Flagged: {@code <!} other than {@code <![CDATA[} (DOCTYPE, ENTITY, comments, ...); {@code <?} anywhere except at
 * the very start of the stream (the XML declaration; any other PI at that spot is reported by Aalto as a PI event
 * and rejected by the parser); {@code &name;} where name is not one of the five predefined entities.
 */
final class RestrictedXmlScanner {
    private static final int CONTENT = 0;
    private static final int LT = 1;
    private static final int BANG = 2;
    private static final int CDATA = 3;
    private static final int CDATA_BRACKET1 = 4;
    private static final int CDATA_BRACKET2 = 5;
    private static final int TAG = 6;
    private static final int TAG_SINGLE_QUOTED = 7;
    private static final int TAG_DOUBLE_QUOTED = 8;
    private static final int XML_DECLARATION = 9;
    private static final int REFERENCE_START = 10;
    private static final int ENTITY_NAME = 11;
    private static final int CHAR_REFERENCE = 12;

    private int state = CONTENT;
    /** Where to go after a reference ends: CONTENT or one of the quoted-attribute states. */
    private int referenceReturn;
    /** The first up-to-four chars of an entity name, for comparison against the predefined names. */
    private final char[] entityName = new char[4];
    private int entityNameLength;
    /** Bytes scanned since the stream (re)started. */
    private long position;
    private long lessThanPosition;
    private String violation;

    void reset() {
        state = CONTENT;
        position = 0;
        entityNameLength = 0;
        violation = null;
    }

    /** Why the last {@link #scan} stopped. */
    String violation() {
        return violation;
    }

    /**
     * Scans {@code data[from, to)}; returns the index of the byte that completes a forbidden construct, or -1.
     * All bytes before that index may be handed to the XML parser.
     */
    int scan(byte[] data, int from, int to) {
        int s = state;
        for (int i = from; i < to; i++) {
            int b = data[i];
            switch (s) {
                case CONTENT -> {
                    if (b == '<') {
                        s = LT;
                        lessThanPosition = position + (i - from);
                    } else if (b == '&') {
                        s = REFERENCE_START;
                        referenceReturn = CONTENT;
                    }
                }
                case LT -> {
                    if (b == '!') {
                        s = BANG;
                    } else if (b == '?') {
                        if (lessThanPosition != 0) {
                            return fail(i, s, "processing instruction");
                        }
                        s = XML_DECLARATION;
                    } else {
                        s = TAG;
                        i--; // re-examine as part of the tag (it may be a quote in malformed input)
                    }
                }
                case BANG -> {
                    if (b == '[') {
                        s = CDATA; // "<![" can only legally start "<![CDATA["; Aalto checks the rest
                    } else if (b == '-') {
                        return fail(i, s, "comment");
                    } else {
                        return fail(i, s, "DTD markup declaration (<!DOCTYPE, <!ENTITY, ...)");
                    }
                }
                case CDATA -> {
                    if (b == ']') {
                        s = CDATA_BRACKET1;
                    }
                }
                case CDATA_BRACKET1 -> s = b == ']' ? CDATA_BRACKET2 : CDATA;
                case CDATA_BRACKET2 -> {
                    if (b == '>') {
                        s = CONTENT;
                    } else if (b != ']') {
                        s = CDATA;
                    }
                }
                case TAG -> {
                    if (b == '>') {
                        s = CONTENT;
                    } else if (b == '\'') {
                        s = TAG_SINGLE_QUOTED;
                    } else if (b == '"') {
                        s = TAG_DOUBLE_QUOTED;
                    }
                }
                case TAG_SINGLE_QUOTED, TAG_DOUBLE_QUOTED -> {
                    if (b == (s == TAG_SINGLE_QUOTED ? '\'' : '"')) {
                        s = TAG;
                    } else if (b == '&') {
                        referenceReturn = s;
                        s = REFERENCE_START;
                    }
                }
                case XML_DECLARATION -> {
                    if (b == '>') {
                        s = CONTENT;
                    }
                }
                case REFERENCE_START -> {
                    if (b == '#') {
                        s = CHAR_REFERENCE;
                    } else {
                        entityNameLength = 0;
                        s = ENTITY_NAME;
                        i--;
                    }
                }
                case ENTITY_NAME -> {
                    if (b == ';') {
                        if (entityNameLength > 0 && !isPredefined()) {
                            return fail(i, s, "entity reference other than the predefined ones");
                        }
                        s = referenceReturn;
                    } else if (endsReference(b)) {
                        // Not a reference at all: malformed, Aalto will say so. Resume where we were.
                        s = referenceReturn;
                        i--;
                    } else {
                        if (entityNameLength < entityName.length) {
                            entityName[entityNameLength] = (char) b;
                        }
                        if (entityNameLength < Integer.MAX_VALUE) {
                            entityNameLength++;
                        }
                    }
                }
                case CHAR_REFERENCE -> {
                    if (b == ';') {
                        s = referenceReturn;
                    } else if (endsReference(b)) {
                        s = referenceReturn;
                        i--;
                    }
                }
                default -> throw new IllegalStateException("state " + s);
            }
        }
        position += to - from;
        state = s;
        return -1;
    }

    private int fail(int index, int s, String what) {
        state = s;
        violation = what;
        return index;
    }

    private static boolean endsReference(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '<' || b == '>' || b == '&'
                || b == '\'' || b == '"';
    }

    private boolean isPredefined() {
        char[] n = entityName;
        return switch (entityNameLength) {
            case 2 -> (n[0] == 'l' || n[0] == 'g') && n[1] == 't';
            case 3 -> n[0] == 'a' && n[1] == 'm' && n[2] == 'p';
            case 4 -> (n[0] == 'a' && n[1] == 'p' && n[2] == 'o' && n[3] == 's')
                    || (n[0] == 'q' && n[1] == 'u' && n[2] == 'o' && n[3] == 't');
            default -> false;
        };
    }
}
