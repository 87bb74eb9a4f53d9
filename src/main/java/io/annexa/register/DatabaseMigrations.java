package io.annexa.register;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the register database's schema up to date with the Flyway migrations in
 * {@code db/migration} before anything opens it. A database created before migrations existed (the
 * nonconformity table made by the persistence provider) is baselined at version 0, so every migration
 * still runs on it.
 */
public final class DatabaseMigrations {

    private DatabaseMigrations() {
    }

    public static MigrateResult migrate(DatabaseSettings settings) {
        return Flyway.configure(DatabaseMigrations.class.getClassLoader())
                .dataSource(settings.url(), settings.user(), settings.password())
                .locations("classpath:db/migration")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .javaMigrations(new V2__RegisterSchema())
                .load()
                .migrate();
    }
}
