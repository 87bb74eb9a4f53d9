package io.annexa.ingestion.accounts;

import io.annexa.evidence.Account;
import io.annexa.evidence.AssetNames;
import io.annexa.evidence.InvalidInputException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The contract between the accounts query ({@value AccountQuerySettings#QUERY}) and {@link Account}: the
 * result has these columns, found by name whatever their case or order (alias them:
 * {@code select login as user_name ...}); other columns are ignored.
 * <table>
 * <caption>columns</caption>
 * <tr><td>asset</td><td>text, not null</td><td>the system the account lives on</td></tr>
 * <tr><td>user_name</td><td>text, not null</td><td>the account's login name</td></tr>
 * <tr><td>enabled</td><td>boolean, not null</td><td>can log in (true/false, t/f, yes/no, 1/0)</td></tr>
 * <tr><td>privileged</td><td>boolean, not null</td><td>has administrative rights</td></tr>
 * <tr><td>last_login</td><td>timestamp or date, null allowed</td><td>null: never, or unknown</td></tr>
 * <tr><td>owner</td><td>text, null allowed</td><td>who answers for the account</td></tr>
 * <tr><td>uid</td><td>integer, null allowed</td><td>numeric user id</td></tr>
 * </table>
 * Every column must be present even when the source has no such data ({@code null as owner}): a misspelt
 * alias must be an error, not every account silently without owner.
 * A timestamp without time zone is read as UTC.
 *
 * <p>A row with a value that breaks the contract (a null user name, a boolean that is null) is rejected
 * alone with {@link RejectedRow}; a missing column rejects the whole query.
 */
final class AccountColumns {

    static final List<String> NAMES = List.of("asset", "user_name", "enabled", "privileged", "last_login", "owner", "uid");
    private static final Set<Integer> TEXT_TYPES = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR,
            Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB);
    private static final Set<Integer> TIME_TYPES = Set.of(Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE, Types.DATE, Types.NULL);

    /** A row that breaks the contract; the other rows still count. */
    static final class RejectedRow extends Exception {
        RejectedRow(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Map<String, Integer> index;
    private final ColumnValues.TimeKind lastLoginKind;

    private AccountColumns(Map<String, Integer> index, ColumnValues.TimeKind lastLoginKind) {
        this.index = index;
        this.lastLoginKind = lastLoginKind;
    }

    static AccountColumns of(ResultSetMetaData metadata) throws SQLException, InvalidInputException {
        Map<String, Integer> found = new LinkedHashMap<>();
        for (int column = metadata.getColumnCount(); column >= 1; column--) {
            // from the last, so the first of two equally named columns wins, as in SQL's own lookup by name
            found.put(metadata.getColumnLabel(column).toLowerCase(Locale.ROOT), column);
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (String name : NAMES) {
            Integer column = found.get(name);
            if (column == null) {
                throw new InvalidInputException(AccountQuerySettings.QUERY, 0, "the query returns no column '" + name
                        + "' (it returns " + String.join(", ", found.keySet().stream().sorted().toList()) + "); every one of "
                        + String.join(", ", NAMES) + " is needed, alias a column to it or select null as " + name);
            }
            index.put(name, column);
        }
        int lastLogin = index.get("last_login");
        int type = metadata.getColumnType(lastLogin);
        String typeName = String.valueOf(metadata.getColumnTypeName(lastLogin)).toLowerCase(Locale.ROOT);
        if (!TIME_TYPES.contains(type) && !TEXT_TYPES.contains(type)) {
            throw new InvalidInputException(AccountQuerySettings.QUERY, 0, "column 'last_login' is a " + typeName
                    + ", not a timestamp, a date or ISO-8601 text");
        }
        return new AccountColumns(index, ColumnValues.TimeKind.of(type, typeName));
    }

    Account account(ResultSet row, String source, Instant observedAt) throws SQLException, RejectedRow {
        String user = ColumnValues.text(row, index.get("user_name"));
        if (user == null || user.isBlank()) {
            throw new RejectedRow("user_name is " + (user == null ? "null" : "empty"));
        }
        String asset = ColumnValues.text(row, index.get("asset"));
        try {
            asset = AssetNames.validate("column 'asset'", asset);
        } catch (IllegalArgumentException e) {
            throw new RejectedRow("user '" + AssetNames.shown(user) + "': " + (asset == null ? "column 'asset' is null" : e.getMessage()));
        }
        try {
            return new Account(asset, source, user.strip(), ColumnValues.bool(row, index.get("enabled"), "enabled"),
                    ColumnValues.bool(row, index.get("privileged"), "privileged"),
                    ColumnValues.instant(row, index.get("last_login"), lastLoginKind, "last_login"),
                    ColumnValues.text(row, index.get("owner")), ColumnValues.integer(row, index.get("uid"), "uid"), observedAt);
        } catch (RejectedRow e) {
            throw new RejectedRow("user '" + user + "' on " + asset + ": " + e.getMessage());
        }
    }
}
