package io.annexa.ingestion.sudoers;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one sudoers statement from left to right; every problem names the statement's file and line. */
final class Cursor {

    /** What ends a name in a list: sudo's WORD excludes these. */
    private static final String NAME_ENDS = " \t,:=()!\"";
    /** An IPv6 address or network, the one host name that may hold ':'. */
    private static final Pattern IPV6 = Pattern.compile("(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:/[0-9]{1,3})?(?=[\\s,:=]|$)");

    private final String text;
    private final String file;
    private final int line;
    private int at;

    Cursor(String text, String file, int line) {
        this.text = text;
        this.file = file;
        this.line = line;
    }

    /** Skips blanks; true when nothing but blanks is left. */
    boolean atEnd() {
        skipBlanks();
        return at == text.length();
    }

    /** The next character after blanks; 0 at the end. */
    char peek() {
        skipBlanks();
        return at < text.length() ? text.charAt(at) : 0;
    }

    /** The next character, blanks included; 0 at the end. */
    char peekHere() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    void advance(int characters) {
        at += characters;
    }

    /** Consumes {@code c} if it is the next character after blanks. */
    boolean take(char c) {
        if (peek() == c) {
            at++;
            return true;
        }
        return false;
    }

    /** Consumes what {@code pattern} matches right here (after blanks), or nothing. */
    Matcher match(Pattern pattern) {
        skipBlanks();
        Matcher m = pattern.matcher(text).region(at, text.length());
        if (m.lookingAt()) {
            at = m.end();
            return m;
        }
        return null;
    }

    /** {@code !} written any number of times, blanks allowed between: an odd count negates. */
    String negation() {
        int count = 0;
        while (take('!')) {
            count++;
        }
        return count % 2 == 1 ? "!" : "";
    }

    /** Comma-separated names, at least one. */
    List<String> names(String what) throws InvalidInputException {
        List<String> names = new ArrayList<>();
        do {
            names.add(name(what));
        } while (take(','));
        return names;
    }

    /**
     * One user, group ({@code %sudo}, {@code %:domain users}, {@code %#100}), netgroup, uid, host, network,
     * alias or {@code ALL}, possibly negated, as written; a quoted name keeps its quotes.
     */
    String name(String what) throws InvalidInputException {
        String negation = negation();
        skipBlanks();
        int start = at;
        if (peekHere() == '"') {
            return negation + quoted();
        }
        Matcher ipv6 = IPV6.matcher(text).region(at, text.length());
        if (ipv6.lookingAt()) {
            at = ipv6.end();
            return negation + ipv6.group();
        }
        if (text.startsWith("%:", at)) {
            at += 2;
        }
        while (at < text.length() && NAME_ENDS.indexOf(text.charAt(at)) < 0) {
            at += text.charAt(at) == '\\' && at + 1 < text.length() ? 2 : 1;
        }
        if (at == start) {
            throw expected(what);
        }
        return negation + text.substring(start, at);
    }

    /** A double-quoted string as written, quotes included; a backslash escapes the next character. */
    String quoted() throws InvalidInputException {
        int start = at;
        for (at++; at < text.length() && text.charAt(at) != '"'; at++) {
            if (text.charAt(at) == '\\') {
                at++;
            }
        }
        if (at >= text.length()) {
            throw error("unterminated '\"'");
        }
        at++;
        return text.substring(start, at);
    }

    /** Up to (not including) the first unescaped character of {@code ends}, or the end. */
    String until(String ends) {
        int start = at;
        while (at < text.length() && ends.indexOf(text.charAt(at)) < 0) {
            at += text.charAt(at) == '\\' && at + 1 < text.length() ? 2 : 1;
        }
        return text.substring(start, at);
    }

    void skipBlanks() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }

    /** "expected a host before '('" or "... at the end of the line". */
    InvalidInputException expected(String what) {
        skipBlanks();
        return error("expected " + what + (at < text.length() ? " before '" + text.charAt(at) + "'" : " at the end of the line"));
    }

    /** Nothing may follow; otherwise what does is reported. */
    void requireEnd() throws InvalidInputException {
        if (!atEnd()) {
            char c = text.charAt(at);
            throw error(c == ')' ? "unbalanced ')'" : "unexpected '" + text.substring(at) + "'");
        }
    }

    String file() {
        return file;
    }

    int line() {
        return line;
    }

    InvalidInputException error(String reason) {
        return new InvalidInputException(file, line, reason);
    }

    /** A cursor over part of this statement, reporting at the same place. */
    Cursor over(String part) {
        return new Cursor(part, file, line);
    }
}
