package io.annexa.ingestion.sudoers;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One command of a user specification or a {@code Cmnd_Alias}: optional digests, optional {@code !}, then
 * {@code ALL}, an alias, {@code sudoedit}/{@code list}, a full path or a {@code ^regex$}, with arguments up to the
 * next unescaped {@code ,} or {@code :}. Written back with single blanks and escapes as written.
 */
final class Commands {

    private static final Pattern DIGEST = Pattern.compile("(sha224|sha256|sha384|sha512)[ \\t]*:[ \\t]*([A-Za-z0-9+/=]+)");
    /** Digest sizes in bytes, to check the written length as sudo's lexer does. */
    private static final Map<String, Integer> DIGEST_BYTES = Map.of("sha224", 28, "sha256", 32, "sha384", 48, "sha512", 64);
    private static final Pattern WORD = Pattern.compile("(ALL|[A-Z][A-Z0-9_]*)(?![A-Za-z0-9_])");
    private static final Pattern BUILTIN = Pattern.compile("(sudoedit|list)(?=[\\s,:]|$)");

    private Commands() {
    }

    static String read(Cursor c) throws InvalidInputException {
        List<String> digests = digests(c);
        String negation = c.negation();
        String command = command(c);
        return (digests.isEmpty() ? "" : String.join(", ", digests) + " ") + negation + command;
    }

    private static List<String> digests(Cursor c) throws InvalidInputException {
        List<String> digests = new ArrayList<>();
        Matcher m = c.match(DIGEST);
        while (m != null) {
            String algorithm = m.group(1);
            String value = m.group(2);
            if (!hasDigestLength(DIGEST_BYTES.get(algorithm), value)) {
                throw c.error(algorithm + " digest '" + value + "' has the wrong length");
            }
            digests.add(algorithm + ":" + value);
            // After a digest, a comma can only lead to another digest of the same command.
            m = null;
            if (c.take(',')) {
                m = c.match(DIGEST);
                if (m == null) {
                    throw c.expected("another digest");
                }
            }
        }
        return digests;
    }

    private static boolean hasDigestLength(int bytes, String value) {
        boolean hex = value.matches("[0-9A-Fa-f]+");
        int base64 = value.endsWith("=") ? 4 * ((bytes + 2) / 3) : (4 * bytes + 2) / 3;
        return (hex && value.length() == bytes * 2) || value.length() == base64;
    }

    private static String command(Cursor c) throws InvalidInputException {
        Matcher word = c.match(WORD);
        if (word != null) {
            return word.group();
        }
        Matcher builtin = c.match(BUILTIN);
        if (builtin != null) {
            return builtin.group() + arguments(c);
        }
        char first = c.peek();
        if (first == '/') {
            return c.until(" \t,:=") + arguments(c);
        }
        if (first == '^') {
            String regex = c.until("$");
            if (c.peekHere() != '$') {
                throw c.error("unterminated regular expression '" + regex + "': it must end with '$'");
            }
            c.advance(1);
            return regex + "$" + arguments(c);
        }
        throw first == 0 ? c.expected("a command")
                : c.error("'" + c.until(" \t,:") + "' is not a command: give a full path, sudoedit, an alias or ALL");
    }

    /** The arguments, blanks collapsed; empty when there are none. */
    private static String arguments(Cursor c) throws InvalidInputException {
        String args = c.until(",:=").strip().replaceAll("[ \\t]+", " ");
        if (c.peekHere() == '=') {
            throw c.error("'=' in a command's arguments must be written '\\='");
        }
        return args.isEmpty() ? "" : " " + args;
    }
}
