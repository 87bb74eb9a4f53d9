package io.annexa.ingestion.pam;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PAM line into words as libpam's {@code _pam_StrTok} does: blanks separate words, and a word opening
 * with {@code [} runs to the first {@code ]} not written {@code \]}, blanks included, so that a control such as
 * {@code [success=1 default=ignore]} or an argument such as {@code [query=select x from y]} is one word.
 */
final class Tokens {

    /** A word; {@code bracketed} when it was written in brackets, which {@code text} no longer holds. */
    record Token(String text, boolean bracketed, boolean closed) {

        /** The word as it can be written again: brackets and escaped {@code ]} restored. */
        String written() {
            return bracketed ? "[" + text.replace("]", "\\]") + "]" : text;
        }
    }

    private static final String BLANKS = " \t\n";

    private Tokens() {
    }

    static List<Token> of(String line) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < line.length() && BLANKS.indexOf(line.charAt(i)) >= 0) {
                i++;
            }
            if (i == line.length()) {
                return tokens;
            }
            if (line.charAt(i) == '[') {
                StringBuilder text = new StringBuilder();
                for (i++; i < line.length() && line.charAt(i) != ']'; i++) {
                    if (line.charAt(i) == '\\' && i + 1 < line.length() && line.charAt(i + 1) == ']') {
                        i++;
                    }
                    text.append(line.charAt(i));
                }
                boolean closed = i < line.length();
                tokens.add(new Token(text.toString(), true, closed));
                // The closing bracket ends the word even when no blank follows it.
                i = closed ? i + 1 : i;
            } else {
                int start = i;
                while (i < line.length() && BLANKS.indexOf(line.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(new Token(line.substring(start, i), false, true));
            }
        }
    }
}
