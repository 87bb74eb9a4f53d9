package io.annexa.ingestion.accounts;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** One column value as the type {@link io.annexa.evidence.Account} needs, whatever the driver returns. */
final class ColumnValues {

    /** How to read the last_login column; decided once per query from the column's type. */
    enum TimeKind {
        WITH_ZONE, WITHOUT_ZONE, DATE, TEXT;

        static TimeKind of(int sqlType, String typeName) {
            // PostgreSQL reports timestamptz as Types.TIMESTAMP; only its type name tells the two apart
            if (sqlType == Types.TIMESTAMP_WITH_TIMEZONE || typeName.contains("tz") || typeName.contains("time zone")) {
                return WITH_ZONE;
            }
            return switch (sqlType) {
                case Types.TIMESTAMP -> WITHOUT_ZONE;
                case Types.DATE -> DATE;
                default -> TEXT;
            };
        }
    }

    private ColumnValues() {
    }

    static String text(ResultSet row, int column) throws SQLException {
        return row.getString(column);
    }

    static boolean bool(ResultSet row, int column, String name) throws SQLException, AccountColumns.RejectedRow {
        Object value = row.getObject(column);
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n && (n.intValue() == 0 || n.intValue() == 1) && n.doubleValue() == n.intValue()) {
            return n.intValue() == 1;
        }
        if (value instanceof String s) {
            switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "true", "t", "yes", "y", "1":
                    return true;
                case "false", "f", "no", "n", "0":
                    return false;
                default:
                    break;
            }
        }
        throw new AccountColumns.RejectedRow(name + " is " + (value == null ? "null" : "'" + value + "'") + ", not true or false");
    }

    static Integer integer(ResultSet row, int column, String name) throws SQLException, AccountColumns.RejectedRow {
        Object value = row.getObject(column);
        if (value == null) {
            return null;
        }
        try {
            return new BigDecimal(value.toString().strip()).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new AccountColumns.RejectedRow(name + " is '" + value + "', not a whole number up to " + Integer.MAX_VALUE);
        }
    }

    static Instant instant(ResultSet row, int column, TimeKind kind, String name) throws SQLException, AccountColumns.RejectedRow {
        if (row.getObject(column) == null) {
            return null;
        }
        return switch (kind) {
            case WITH_ZONE -> row.getObject(column, OffsetDateTime.class).toInstant();
            case WITHOUT_ZONE -> row.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
            case DATE -> row.getObject(column, LocalDate.class).atStartOfDay(ZoneOffset.UTC).toInstant();
            case TEXT -> parse(row.getString(column), name);
        };
    }

    /** ISO-8601 with offset ({@code 2026-01-02T03:04:05Z}) or without (read as UTC). */
    private static Instant parse(String text, String name) throws AccountColumns.RejectedRow {
        String value = text.strip();
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new AccountColumns.RejectedRow(name + " is '" + text + "', not an ISO-8601 timestamp");
            }
        }
    }
}
