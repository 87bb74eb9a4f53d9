package io.annexa.evidence;

import java.util.Locale;

/**
 * One spelling per asset across sources, and the one check every asset name passes where it enters Annexa.
 *
 * <p>Host names are case-insensitive and may end with a root dot; both are normalised away. An asset name then
 * has at most {@value #MAX_LENGTH} characters (a DNS name's limit) of ASCII letters, digits, {@code .}, {@code -}
 * and {@code _}. Anything else is refused: asset names come from syslog senders, dropped file names and API
 * answers, and end up in file names, database columns, log lines and evidence text, where a control character,
 * a path separator or a look-alike letter from another script ({@code prоd-db} with a Cyrillic {@code о}) would
 * do harm or mislead.
 */
public final class AssetNames {

    public static final int MAX_LENGTH = 253;
    /** How much of a refused value an error message shows. */
    static final int SHOWN = 64;

    private AssetNames() {
    }

    /** A valid asset name in its one spelling; refused with {@link InvalidAssetNameException} otherwise. */
    public static String normalize(String raw) {
        return validate("asset name", raw);
    }

    /**
     * The same as {@link #normalize}, with {@code field} naming where the value came from in the error message
     * ({@code syslog HOSTNAME}, {@code file name}, {@code column 'asset'}).
     */
    public static String validate(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidAssetNameException(field, raw == null ? "" : raw, "is empty");
        }
        String name = raw.strip().toLowerCase(Locale.ROOT);
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            throw new InvalidAssetNameException(field, raw, "has no characters besides dots");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidAssetNameException(field, raw, "is " + name.length() + " characters long, more than "
                    + MAX_LENGTH);
        }
        // each file name, log line and database row yields its own copy, and every fact, key and finding keeps one
        name = SharedStrings.share(name);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                throw new InvalidAssetNameException(field, raw, "has " + describe(c) + " at position " + (i + 1)
                        + "; only letters a-z, digits, '.', '-' and '_' are allowed");
            }
        }
        return name;
    }

    /** True when {@link #validate} would accept {@code raw}. */
    public static boolean isValid(String raw) {
        try {
            validate("asset name", raw);
            return true;
        } catch (InvalidAssetNameException e) {
            return false;
        }
    }

    /**
     * An IP address as an asset name: IPv4 as it is, IPv6 with {@code -} for {@code :} (as Windows' {@code
     * ipv6-literal.net} names do), so a syslog sender without a trusted host name still has a valid asset name.
     */
    public static String ofAddress(String address) {
        return validate("sender address", address.replace(':', '-').replace('%', 's'));
    }

    /** A value for an error message: at most {@value #SHOWN} characters, control characters escaped. */
    public static String shown(String value) {
        return shown(value, SHOWN);
    }

    /** A value for an error message: at most {@code max} characters, control characters and line separators escaped. */
    public static String shown(String value, int max) {
        String head = value.length() > max ? value.substring(0, max) : value;
        StringBuilder out = new StringBuilder(head.length() + 16);
        head.codePoints().forEach(cp -> {
            // line and paragraph separators (U+2028, U+2029) break a message's line as a line feed does
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || Character.getType(cp) == Character.LINE_SEPARATOR || Character.getType(cp) == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return value.length() > max ? out + "… (" + value.length() + " characters)" : out.toString();
    }

    private static String describe(char c) {
        if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || Character.isWhitespace(c)) {
            return String.format("the character U+%04X", (int) c);
        }
        return String.format("'%c' (U+%04X)", c, (int) c);
    }
}
