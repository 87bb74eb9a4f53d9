package io.annexa.ingestion.sudoers;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a sudoers file into statements as sudo's lexer ({@code plugins/sudoers/toke.l}) does: {@code #} starts a
 * comment unless it is quoted, escaped or a numeric id ({@code #1000}, {@code %#100}); a line ending in an unescaped
 * backslash goes on in the next one; {@code #include} and {@code #includedir} at the very start of a line followed by
 * a blank are the old spelling of {@code @include} and {@code @includedir}, not comments.
 */
final class Statements {

    /** One statement, numbered by the file line it starts on. */
    record Statement(int line, String text) {
    }

    private Statements() {
    }

    static List<Statement> of(List<String> lines) {
        List<Statement> statements = new ArrayList<>();
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            // sudo's lexer takes CRLF as a line end.
            String text = lines.get(i).endsWith("\r") ? lines.get(i).substring(0, lines.get(i).length() - 1) : lines.get(i);
            if (pending == null) {
                pending = new StringBuilder();
                start = i + 1;
                if (isOldInclude(text)) {
                    text = "@" + text.substring(1);
                }
            }
            int comment = commentStart(text);
            String content = stripEnd(text.substring(0, comment));
            boolean continues = comment == text.length() && endsWithUnescapedBackslash(content);
            if (continues) {
                content = content.substring(0, content.length() - 1) + " ";
            }
            pending.append(content);
            if (!continues) {
                if (!pending.toString().isBlank()) {
                    statements.add(new Statement(start, pending.toString().strip()));
                }
                pending = null;
            }
        }
        if (pending != null && !pending.toString().isBlank()) {
            statements.add(new Statement(start, pending.toString().strip()));
        }
        return statements;
    }

    private static boolean isOldInclude(String text) {
        for (String directive : List.of("#include", "#includedir")) {
            if (text.startsWith(directive) && text.length() > directive.length()
                    && (text.charAt(directive.length()) == ' ' || text.charAt(directive.length()) == '\t')) {
                return true;
            }
        }
        return false;
    }

    /** Where the comment starts, or the text's length when there is none. */
    private static int commentStart(String text) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted && !isNumericId(text, i)) {
                return i;
            }
        }
        return text.length();
    }

    /** {@code #1000} or {@code #-1}: a uid or gid, which the lexer reads as a word. */
    private static boolean isNumericId(String text, int hash) {
        int next = hash + 1;
        if (next < text.length() && text.charAt(next) == '-') {
            next++;
        }
        return next < text.length() && Character.isDigit(text.charAt(next));
    }

    private static boolean endsWithUnescapedBackslash(String content) {
        int backslashes = 0;
        for (int i = content.length() - 1; i >= 0 && content.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static String stripEnd(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(0, end);
    }
}
