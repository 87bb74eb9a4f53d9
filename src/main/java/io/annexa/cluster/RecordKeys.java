package io.annexa.cluster;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidAssetNameException;
import java.util.Objects;

/**
 * Evidence keys as record keys of a compacted topic: {@code asset|source|origin}. The asset comes first and never holds
 * the separator (asset names are {@code [a-z0-9._-]}), so a partitioner can take everything before the first {@code |}
 * to keep an asset's records together. In source and origin, {@code %} is written {@code %25} and {@code |} is written
 * {@code %7C}, and nothing else is escaped: each key has exactly one spelling, so two keys never share a record key
 * and compaction never merges two keys' evidence.
 */
final class RecordKeys {

    static final String FIELD = "(record key)";
    private static final char SEPARATOR = '|';

    private RecordKeys() {
    }

    static String of(EvidenceKey key) {
        Objects.requireNonNull(key.source(), "an evidence key without a source has no record key");
        Objects.requireNonNull(key.origin(), "an evidence key without an origin has no record key");
        StringBuilder out = new StringBuilder(key.asset().length() + key.source().length() + key.origin().length() + 2);
        out.append(key.asset()).append(SEPARATOR);
        escape(key.source(), out);
        out.append(SEPARATOR);
        escape(key.origin(), out);
        return out.toString();
    }

    static EvidenceKey parse(String recordKey) throws EvidenceCodecException {
        if (recordKey == null) {
            throw new EvidenceCodecException(FIELD, "missing: a record of evidence needs its key");
        }
        int first = recordKey.indexOf(SEPARATOR);
        int second = first < 0 ? -1 : recordKey.indexOf(SEPARATOR, first + 1);
        if (second < 0 || recordKey.indexOf(SEPARATOR, second + 1) >= 0) {
            throw new EvidenceCodecException(FIELD, EvidenceCodecException.shown(recordKey)
                    + " is not asset|source|origin (with '|' in source and origin written %7C)");
        }
        String asset = recordKey.substring(0, first);
        try {
            if (!AssetNames.normalize(asset).equals(asset)) {
                throw new EvidenceCodecException(FIELD, "the asset " + EvidenceCodecException.shown(asset)
                        + " is not written as asset names are (" + AssetNames.normalize(asset) + ")");
            }
        } catch (InvalidAssetNameException e) {
            throw new EvidenceCodecException(FIELD, e.getMessage());
        }
        return new EvidenceKey(unescape(recordKey.substring(first + 1, second), "source"), asset,
                unescape(recordKey.substring(second + 1), "origin"));
    }

    private static void escape(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                out.append("%25");
            } else if (c == SEPARATOR) {
                out.append("%7C");
            } else {
                out.append(c);
            }
        }
    }

    private static String unescape(String text, String part) throws EvidenceCodecException {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (text.startsWith("%25", i)) {
                out.append('%');
                i += 2;
            } else if (text.startsWith("%7C", i)) {
                out.append(SEPARATOR);
                i += 2;
            } else {
                throw new EvidenceCodecException(FIELD, "the " + part + " " + EvidenceCodecException.shown(text)
                        + " has a '%' that is neither %25 nor %7C at position " + (i + 1));
            }
        }
        return out.toString();
    }
}
