package io.annexa.alerting;

/** One thing wrong in an alert configuration file, at its 1-based line and column (0 when about the whole file). */
public record ConfigProblem(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
