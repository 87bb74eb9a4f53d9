package io.annexa.register;

import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The journal hears that its changes committed as soon as they did, so the service can wake the alert dispatcher then:
 * another connection already sees the rows, and only changes the journal recorded are announced.
 */
class ChangeJournalCommitTest {

    @Nested
    class OnH2 extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) {
            return TestDatabase.h2(directory);
        }
    }

    @Nested
    class OnPostgreSql extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) throws Exception {
            return TestDatabase.postgres();
        }
    }

    abstract static class Contract extends RegisterFixture {

        private final List<String> heard = new ArrayList<>();

        @Override
        void openRegister() {
            DatabaseMigrations.migrate(database.settings());
            repository = NonconformityRepository.open(database.settings());
            register = new NonconformityRegister(repository, policy, inventory, clock, new ChangeJournal() {
                @Override
                public void record(EntityManager em, List<NonconformityRegister.Change> changes, Instant at) {
                    heard.add("record " + changes.size());
                }

                @Override
                public void committed() {
                    heard.add("committed, rows seen by another connection: " + rowsSeenElsewhere());
                }
            });
        }

        private long rowsSeenElsewhere() {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("select count(*) from nonconformity")) {
                rows.next();
                return rows.getLong(1);
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }

        @Test
        void theJournalHearsOfTheCommitOnceTheRowsAreThere() {
            raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");

            assertThat(heard).containsExactly("record 1", "committed, rows seen by another connection: 1");
        }

        @Test
        void aCycleWithNothingForTheJournalAnnouncesNothing() {
            raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            heard.clear();
            later(Duration.ofHours(1));

            // seen again: last seen moves, nothing the journal records
            cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile();

            assertThat(heard).isEmpty();
        }
    }
}
