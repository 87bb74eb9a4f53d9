package io.annexa.evidence;

/**
 * Input a source cannot turn into facts. The message always says what is wrong and where
 * ({@code /inbox/sshd_config/web1:14: 'PermitRootLogin' has no value}), because the person who reads
 * it has to find and fix the line.
 */
public class InvalidInputException extends Exception {

    private final String file;
    private final int line;
    private final String reason;

    /** @param line 1-based line number, or 0 when the problem is the whole file */
    public InvalidInputException(String file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String getFile() {
        return file;
    }

    public int getLine() {
        return line;
    }

    public String getReason() {
        return reason;
    }
}
