package io.annexa.evaluation;

/**
 * Something wrong with a rule: where (file, line, column; 0 when unknown) and what. Its
 * {@link #toString()} is the line an analyst reads: {@code rules/.../x.drl:12:8: error: ...}.
 */
public record Problem(String file, int line, int column, Level level, String message) {

    public enum Level { ERROR, WARNING }

    public static Problem error(String file, int line, int column, String message) {
        return new Problem(file, line, column, Level.ERROR, message);
    }

    public static Problem error(String file, String message) {
        return error(file, 0, 0, message);
    }

    public static Problem warning(String file, int line, int column, String message) {
        return new Problem(file, line, column, Level.WARNING, message);
    }

    public boolean isError() {
        return level == Level.ERROR;
    }

    @Override
    public String toString() {
        StringBuilder where = new StringBuilder(file);
        if (line > 0) {
            where.append(':').append(line);
            if (column > 0) {
                where.append(':').append(column);
            }
        }
        return where + ": " + level.name().toLowerCase() + ": " + message;
    }
}
