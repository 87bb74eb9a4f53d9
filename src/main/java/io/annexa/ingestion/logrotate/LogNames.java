package io.annexa.ingestion.logrotate;

import java.util.ArrayList;
import java.util.List;

/**
 * The log file names before a block's '{', split as logrotate splits them (poptParseArgvString): at white space,
 * with double or single quotes grouping and a backslash escaping the next character.
 */
final class LogNames {

    private LogNames() {
    }

    /** @throws IllegalArgumentException for an unterminated quote */
    static List<String> split(String text) {
        List<String> names = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        boolean started = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                name.append(text.charAt(++i));
                started = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    name.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                started = true;
            } else if (Character.isWhitespace(c)) {
                if (started) {
                    names.add(name.toString());
                    name.setLength(0);
                    started = false;
                }
            } else {
                name.append(c);
                started = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated " + (quote == '"' ? "double" : "single") + " quote");
        }
        if (started) {
            names.add(name.toString());
        }
        return names;
    }

    /** The scope of a block: its names separated by one space, a name holding white space in double quotes. */
    static String join(List<String> names) {
        List<String> written = new ArrayList<>();
        for (String name : names) {
            written.add(name.chars().anyMatch(Character::isWhitespace) ? '"' + name + '"' : name);
        }
        return String.join(" ", written);
    }
}
