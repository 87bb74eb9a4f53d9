package io.annexa.ingestion.pam;

import io.annexa.evidence.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins a PAM file's lines into the lines libpam parses ({@code _pam_assemble_line}): {@code #} ends a line's
 * content wherever it stands, a line ending in a backslash goes on in the next one (the backslash counts as a
 * blank), and a line holding a {@code #} never goes on, even if it ends in a backslash.
 */
final class LogicalLines {

    /** One line as libpam parses it, numbered by the file line it starts on. */
    record Line(int number, String text) {
    }

    private LogicalLines() {
    }

    static List<Line> of(List<String> physical, String file) throws InvalidInputException {
        List<Line> lines = new ArrayList<>();
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < physical.size(); i++) {
            String text = physical.get(i);
            if (text.indexOf('\r') >= 0) {
                throw new InvalidInputException(file, i + 1, "carriage return in the line (CRLF line ends?): libpam takes it"
                        + " as part of the last word");
            }
            int comment = text.indexOf('#');
            String content = strip(comment < 0 ? text : text.substring(0, comment));
            boolean continues = comment < 0 && content.endsWith("\\");
            if (continues) {
                content = content.substring(0, content.length() - 1) + " ";
            }
            if (pending == null) {
                pending = new StringBuilder();
                start = i + 1;
            }
            pending.append(content);
            if (!continues) {
                if (!pending.toString().isBlank()) {
                    lines.add(new Line(start, pending.toString()));
                }
                pending = null;
            }
        }
        if (pending != null) {
            throw new InvalidInputException(file, start, "line continued with '\\' but the file ends (libpam rejects the file)");
        }
        return lines;
    }

    /** Leading blanks go (libpam skips them); trailing ones too, so that a final backslash is seen behind them. */
    private static String strip(String text) {
        int begin = 0;
        int end = text.length();
        while (begin < end && (text.charAt(begin) == ' ' || text.charAt(begin) == '\t')) {
            begin++;
        }
        while (end > begin && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(begin, end);
    }
}
