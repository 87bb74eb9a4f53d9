package io.annexa.bench;

import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A fresh, migrated register database for one benchmark run, removed afterwards: the service's embedded default (an
 * H2 file database, here in a temporary directory) or a new schema on the PostgreSQL at 127.0.0.1:5432, database
 * {@code test}.
 */
final class BenchDatabase implements AutoCloseable {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    /** Held, or the logger and its level could be collected: Flyway reports every migration at INFO. */
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");

    static {
        FLYWAY.setLevel(Level.WARNING);
    }

    private final String kind;
    private final DatabaseSettings settings;
    private final Path directory;
    private final String schema;

    private BenchDatabase(String kind, DatabaseSettings settings, Path directory, String schema) {
        this.kind = kind;
        this.settings = settings;
        this.directory = directory;
        this.schema = schema;
    }

    /** {@code h2} or {@code postgres}; the schema is migrated as the service migrates it at start. */
    static BenchDatabase create(String kind) throws IOException, SQLException {
        BenchDatabase database = switch (kind) {
            case "h2" -> {
                Path directory = Files.createTempDirectory("annexa-register-bench");
                yield new BenchDatabase(kind, DatabaseSettings.embedded(directory), directory, null);
            }
            case "postgres" -> {
                String schema = "annexa_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
                execute("create schema " + schema);
                yield new BenchDatabase(kind, new DatabaseSettings(POSTGRES + "?currentSchema=" + schema, "postgres", ""), null, schema);
            }
            default -> throw new IllegalArgumentException("database '" + kind + "': use h2 or postgres");
        };
        DatabaseMigrations.migrate(database.settings);
        return database;
    }

    String kind() {
        return kind;
    }

    DatabaseSettings settings() {
        return settings;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
    }

    @Override
    public void close() throws IOException, SQLException {
        if (schema != null) {
            execute("drop schema if exists " + schema + " cascade");
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
