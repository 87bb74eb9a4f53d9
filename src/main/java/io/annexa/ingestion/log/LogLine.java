package io.annexa.ingestion.log;

import java.nio.file.Path;

/** One complete line of a log file, with its 1-based number in that file (as an editor shows it). */
public record LogLine(Path file, long number, String text) {

    /** Where the line stands, as a dead letter or an error message names it: {@code /var/log/auth.log:17}. */
    public String place() {
        return file + ":" + number;
    }
}
