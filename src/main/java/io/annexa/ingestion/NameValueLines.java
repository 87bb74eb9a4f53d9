package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The flat {@code name = value} files of Linux-PAM's modules ({@code pwquality.conf}, {@code faillock.conf}), read
 * as their C code reads them: {@code #} starts a comment anywhere, the name runs to the first blank or {@code =},
 * blanks and at most one {@code =} separate it from the value ({@code minlen = 14}, {@code minlen=14},
 * {@code minlen 14}), and the value is the rest of the line without the blanks around it. Each module then gives the
 * names and values its own meaning.
 */
public final class NameValueLines {

    /** C's isspace: what the modules skip. */
    private static final String SPACE = " \t\n\u000B\f\r";

    /** One setting line: its number, the name as written, and its value (empty when the line has none). */
    public record Setting(int line, String name, String value) {
    }

    private NameValueLines() {
    }

    /**
     * @param kind what the file should be ({@code "a faillock.conf"})
     * @param maxLineBytes the module's fgets buffer less one; a longer line is refused
     * @param tooLong what the module does with such a file, for the message
     */
    public static List<Setting> read(Path path, String kind, int maxLineBytes, String tooLong)
            throws InvalidInputException, IOException {
        String file = path.toString();
        List<String> lines = ConfigLines.read(path, kind);
        List<Setting> settings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int line = i + 1;
            String text = lines.get(i);
            if (text.getBytes(StandardCharsets.UTF_8).length > maxLineBytes) {
                throw new InvalidInputException(file, line, "line longer than " + maxLineBytes + " bytes: " + tooLong);
            }
            int comment = text.indexOf('#');
            text = strip(comment < 0 ? text : text.substring(0, comment));
            if (text.isEmpty()) {
                continue;
            }
            int end = 0;
            while (end < text.length() && SPACE.indexOf(text.charAt(end)) < 0 && text.charAt(end) != '=') {
                end++;
            }
            if (end == 0) {
                throw new InvalidInputException(file, line, "'=' without a setting name");
            }
            settings.add(new Setting(line, text.substring(0, end), afterEquals(text, end)));
        }
        return settings;
    }

    private static String afterEquals(String text, int i) {
        boolean equals = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '=' && !equals) {
                equals = true;
            } else if (SPACE.indexOf(c) < 0) {
                break;
            }
            i++;
        }
        return text.substring(i);
    }

    private static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && SPACE.indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && SPACE.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(start, end);
    }
}
