package io.annexa.register;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A database the register's contract runs on, fresh for each test: the embedded H2 file database Annexa uses by
 * default, or a schema of its own on the PostgreSQL server of this machine. Public for the tests of what other
 * packages (the API's reports) make of the register.
 */
public abstract class TestDatabase {

    public static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    public abstract DatabaseSettings settings();

    public abstract boolean isPostgres();

    public void drop() throws SQLException {
    }

    /** A plain JDBC connection beside the register's, for what only a person with database access could do. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(settings().url(), settings().user(), settings().password());
    }

    public void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public static TestDatabase h2(Path directory) {
        DatabaseSettings settings = DatabaseSettings.embedded(directory);
        return new TestDatabase() {
            @Override
            public DatabaseSettings settings() {
                return settings;
            }

            @Override
            public boolean isPostgres() {
                return false;
            }
        };
    }

    public static TestDatabase postgres() throws SQLException {
        String schema = "annexa_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        }
        DatabaseSettings settings = new DatabaseSettings(POSTGRES + "?currentSchema=" + schema, "postgres", "");
        return new TestDatabase() {
            @Override
            public DatabaseSettings settings() {
                return settings;
            }

            @Override
            public boolean isPostgres() {
                return true;
            }

            @Override
            public void drop() throws SQLException {
                try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
                     Statement statement = connection.createStatement()) {
                    statement.execute("drop schema if exists " + schema + " cascade");
                }
            }
        };
    }
}
