package io.annexa.ingestion.rsyslog;

import io.annexa.evidence.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cursor over one rsyslog configuration file that knows lines, comments and quoted strings the way rsyslog's
 * lexer does, so that every construct can be reported at the line it starts on.
 */
final class Scanner {

    private final String text;
    private final String file;
    private final int[] lineStarts;
    private int pos;

    Scanner(List<String> lines, String file) {
        this.text = String.join("\n", lines);
        this.file = file;
        this.lineStarts = new int[lines.size() + 1];
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            lineStarts[i] = start;
            start += lines.get(i).length() + 1;
        }
        lineStarts[lines.size()] = Integer.MAX_VALUE;
    }

    String file() {
        return file;
    }

    int line() {
        int found = Arrays.binarySearch(lineStarts, pos);
        return found >= 0 ? found + 1 : -found - 1;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    char peek() {
        return peek(0);
    }

    char peek(int ahead) {
        return pos + ahead < text.length() ? text.charAt(pos + ahead) : 0;
    }

    void advance(int count) {
        pos += count;
    }

    /** Skips white space, line ends, {@code #} comments and C comments. */
    void skipSpace() throws InvalidInputException {
        while (!atEnd()) {
            char c = peek();
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                skipToLineEnd();
            } else if (c == '/' && peek(1) == '*') {
                skipComment();
            } else {
                return;
            }
        }
    }

    /** Skips blanks on this line only. */
    void skipBlanks() {
        while (!atEnd() && peek() != '\n' && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    void skipComment() throws InvalidInputException {
        int line = line();
        int end = text.indexOf("*/", pos + 2);
        if (end < 0) {
            throw error(line, "comment '/*' never closed with '*/'");
        }
        pos = end + 2;
    }

    private void skipToLineEnd() {
        int end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length() : end;
    }

    /** Whether only blanks stand between the start of this line and the cursor. */
    boolean atLineStart() {
        for (int i = pos - 1; i >= 0 && text.charAt(i) != '\n'; i--) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The rest of the line without trailing white space; the cursor moves to the line end. */
    String restOfLine() {
        int end = text.indexOf('\n', pos);
        end = end < 0 ? text.length() : end;
        String rest = text.substring(pos, end).stripTrailing();
        pos = end;
        return rest;
    }

    /** The text the pattern matches at the cursor, consumed, or null. */
    String take(Pattern pattern) {
        Matcher m = pattern.matcher(text).region(pos, text.length());
        if (!m.lookingAt()) {
            return null;
        }
        pos = m.end();
        return m.group();
    }

    /** Whether the pattern matches at the cursor, without consuming. */
    boolean lookingAt(Pattern pattern) {
        return pattern.matcher(text).region(pos, text.length()).lookingAt();
    }

    /** A quoted string at the cursor, quotes and escapes as written; the quote character is the current one. */
    String quoted(String where) throws InvalidInputException {
        int line = line();
        char quote = peek();
        int i = pos + 1;
        while (i < text.length() && text.charAt(i) != quote) {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= text.length()) {
            throw error(line, "unterminated string in " + where);
        }
        String quoted = text.substring(pos, i + 1);
        pos = i + 1;
        return quoted;
    }

    InvalidInputException error(int line, String reason) {
        return new InvalidInputException(file, line, reason);
    }
}
