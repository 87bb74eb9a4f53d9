package io.annexa.ingestion.accounts;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * An identity table as a directory's SQL view would offer it, in a fresh schema of the PostgreSQL server on
 * this machine (database {@code test}, user {@code postgres}, trust authentication); dropped on close.
 * Its column names are not the contract's, so the queries must alias them, as real ones do.
 */
final class PostgresIdentities implements AutoCloseable {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    final String schema = "accounts_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);

    PostgresIdentities() throws SQLException {
        execute("create schema " + schema);
        execute("create table " + schema + ".identities (id serial primary key, host text, login text, active boolean,"
                + " is_admin boolean, last_seen timestamptz, responsible text, unix_uid integer)");
    }

    /** The contract's columns from the table, in insertion order. */
    String query() {
        return "select host as asset, login as user_name, active as enabled, is_admin as privileged,"
                + " last_seen as last_login, responsible as owner, unix_uid as uid from " + schema + ".identities order by id";
    }

    PostgresIdentities add(String host, String login, Boolean active, Boolean admin, Instant lastSeen, String responsible,
                           Integer uid) throws SQLException {
        try (Connection connection = connect(); PreparedStatement insert = connection.prepareStatement("insert into " + schema
                + ".identities (host, login, active, is_admin, last_seen, responsible, unix_uid) values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, host);
            insert.setString(2, login);
            insert.setObject(3, active);
            insert.setObject(4, admin);
            insert.setTimestamp(5, lastSeen == null ? null : Timestamp.from(lastSeen));
            insert.setString(6, responsible);
            insert.setObject(7, uid);
            insert.executeUpdate();
        }
        return this;
    }

    long rows() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             var result = statement.executeQuery("select count(*) from " + schema + ".identities")) {
            result.next();
            return result.getLong(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(SERVER, USER, "");
    }

    @Override
    public void close() throws SQLException {
        execute("drop schema if exists " + schema + " cascade");
    }
}
