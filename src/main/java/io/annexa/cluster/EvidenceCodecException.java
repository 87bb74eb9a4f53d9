package io.annexa.cluster;

import io.annexa.evidence.AssetNames;

/**
 * A record value or key the codec refuses: it does not decode (truncated, not JSON, a field of the wrong shape, an
 * unknown version or fact type, a fact its own constructor refuses, too large), or a value it will not encode. The
 * message starts with the path of the field at fault ({@code facts[3].value: ...}), because records come from the
 * network and the person reading a dead-letter has to find what was wrong in it.
 */
public final class EvidenceCodecException extends Exception {

    /** How much of a refused value a message shows. */
    static final int SHOWN = 80;

    private final String field;

    /**
     * @param field the path of the field at fault ({@code facts[3].value}), {@code (record)} for the record as a whole
     */
    public EvidenceCodecException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The path of the field at fault: {@code facts[3].value}, {@code (record)}, {@code (record key)}. */
    public String field() {
        return field;
    }

    /** A value from the input, cut short and with control characters escaped, for a message. */
    static String shown(String value) {
        return "'" + AssetNames.shown(value, SHOWN) + "'";
    }
}
