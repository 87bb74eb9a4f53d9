package io.annexa.register;

import static io.annexa.register.RegisterRules.LOGIN_DEFS;
import static io.annexa.register.RegisterRules.OVERLONG;
import static io.annexa.register.RegisterRules.PASSWORDS;
import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the database guarantees under the register, on H2 and on PostgreSQL: the audit chain betrays a changed or
 * deleted entry, one active nonconformity per (rule, asset), and a row it refuses is left out without holding back
 * the others.
 */
class RegisterStorageTest {

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

        /** Every column of the nonconformity table the register writes (H2's generated key is not one). */
        private static final String COLUMNS = "version, rule_id, rule_title, control_id, controls, theme, annex_a, clauses, asset,"
                + " severity, grade, escalation, owner, incident, first_seen, last_seen, raised_at, claimed_at, resolved_at,"
                + " closed_at, due_at, occurrence_count, recurrence_count, root_cause, correction, corrective_action,"
                + " risk_requested_by, risk_approver, risk_justification, risk_expires_at, withdrawn_reason, previous_id,"
                + " evidence_sources, evidence_summary";

        // ------------------------------------------------------------ the audit chain

        /** Seven entries: two opened, one acknowledged, planned and resolved by evidence, the other acknowledged and claimed fixed. */
        private long history() throws SQLException {
            long[] raised = raiseBoth("web1", ROOT_LOGIN, "PermitRootLogin yes", PASSWORDS, "PasswordAuthentication yes");
            long first = raised[0];
            long second = raised[1];
            later(Duration.ofHours(1));
            act(first, LifecycleAction.ACKNOWLEDGE, comment("seen"), ANALYST);
            act(first, LifecycleAction.PLAN, plan("the image enables it", clock.instant().plus(Duration.ofDays(14))), ANALYST);
            cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").finding(PASSWORDS, "web1", "PasswordAuthentication yes")
                    .read(ROOT_LOGIN, "web1").reconcile();
            later(Duration.ofHours(1));
            cycle().finding(PASSWORDS, "web1", "PasswordAuthentication yes").read(ROOT_LOGIN, "web1").reconcile();
            act(second, LifecycleAction.ACKNOWLEDGE, comment("seen"), ANALYST);
            act(second, LifecycleAction.RESOLVE, comment("fixed"), ANALYST);
            assertThat(history(first)).containsExactly("system open null->open", "alice acknowledge open->acknowledged",
                    "alice plan acknowledged->action-planned", "system resolve action-planned->resolved");
            return count("select count(*) from audit_entry");
        }

        @Test
        void anUntouchedChainVerifiesWithEveryEntryCounted() throws SQLException {
            long entries = history();

            AuditTrail.Verification verification = repository.verifyAuditTrail();

            assertThat(entries).isEqualTo(7);
            assertThat(verification.valid()).isTrue();
            assertThat(verification.entries()).isEqualTo(entries);
            assertThat(verification.firstBroken()).isNull();
        }

        @Test
        void anEntryChangedInTheDatabaseBreaksTheChainThere() throws SQLException {
            history();

            database.execute("update audit_entry set actor = 'mallory' where id = 4");

            assertBroken(4);
        }

        @Test
        void aCommentChangedInTheDatabaseBreaksTheChainThere() throws SQLException {
            history();

            database.execute("update audit_entry set comment = 'nothing to see' where id = 2");

            assertBroken(2);
        }

        @Test
        void anEntryDeletedFromTheMiddleIsNamed() throws SQLException {
            history();

            database.execute("delete from audit_entry where id = 3");

            assertBroken(3);
        }

        @Test
        void theLastEntryDeletedBreaksTheChain() throws SQLException {
            long entries = history();

            database.execute("delete from audit_entry where id = " + entries);

            assertBroken(entries);
        }

        private void assertBroken(long firstBroken) {
            AuditTrail.Verification verification = repository.verifyAuditTrail();
            assertThat(verification.valid()).isFalse();
            assertThat(verification.firstBroken()).isEqualTo(firstBroken);
        }

        // ------------------------------------------------------------ one active per (rule, asset)

        @Test
        void theDatabaseRefusesASecondActiveNonconformityForOneRuleAndAsset() throws SQLException {
            long id = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");

            for (String active : List.of("open", "acknowledged", "resolved", "risk-accepted")) {
                SQLException refused = catchThrowableOfType(SQLException.class, () -> insertCopy(id, "x" + active, active));
                assertThat((Throwable) refused).as("a second %s one", active).isNotNull();
                assertThat(refused.getSQLState()).startsWith("23");
            }
            // ended ones of the same (rule, asset) sit beside the active one
            insertCopy(id, "closed", "closed");
            insertCopy(id, "withdrawn", "withdrawn");

            assertThat(count("select count(*) from nonconformity where rule_id = '" + ROOT_LOGIN.id() + "' and asset = 'web1'"))
                    .isEqualTo(3);
        }

        @Test
        void aClosedAndAnOpenNonconformityOfOneRuleAndAssetCoexist() {
            long first = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            later(Duration.ofHours(1));
            cycle().read(ROOT_LOGIN, "web1").reconcile();
            later(policy.effectivenessPeriod());
            register.tick();
            later(Duration.ofHours(1));

            long second = raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");

            assertThat(all()).extracting(Nonconformity::getId, Nonconformity::getStatus).containsExactly(
                    tuple(first, NonconformityStatus.CLOSED),
                    tuple(second, NonconformityStatus.OPEN));
        }

        @Test
        void twoInstancesSeeingTheSameFindingOpenOneNonconformity() {
            NonconformityRegister other = anotherInstance();

            raise(ROOT_LOGIN, "web1", "PermitRootLogin yes");
            // the other instance does not know it yet: the database refuses its copy
            List<Change> refused = cycle().finding(ROOT_LOGIN, "web1", "PermitRootLogin yes").read(ROOT_LOGIN, "web1").reconcile(other);

            assertThat(refused).isEmpty();
            assertThat(other.rejectedRows()).isEqualTo(1);
            assertThat(all()).hasSize(1);
            // it read the database again: the next cycle continues the one that exists
            later(Duration.ofHours(1));
            assertThat(cycle().read(ROOT_LOGIN, "web1").reconcile(other)).extracting(Change::kind).containsExactly(ChangeKind.RESOLVED);
            assertThat(all()).singleElement().extracting(Nonconformity::getStatus).isEqualTo(NonconformityStatus.RESOLVED);
            assertThat(repository.verifyAuditTrail().valid()).isTrue();
        }

        private void insertCopy(long id, String title, String status) throws SQLException {
            try (Connection connection = database.connect();
                 PreparedStatement insert = connection.prepareStatement("insert into nonconformity (id, status, " + COLUMNS
                         + ") select ?, ?, " + COLUMNS.replace("rule_title", "?") + " from nonconformity where id = ?")) {
                insert.setLong(1, 900_000 + Math.abs(title.hashCode() % 1000));
                insert.setString(2, status);
                insert.setString(3, title);
                insert.setLong(4, id);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
        }

        // ------------------------------------------------------------ refused rows

        @Test
        void aRowTheDatabaseRefusesIsLeftOutCountedAndNeverHoldsBackTheOthers() throws SQLException {
            List<Change> first = cycle()
                    .finding(OVERLONG, "web1", "too long a title")
                    .finding(ROOT_LOGIN, "web1", "PermitRootLogin yes")
                    .finding(PASSWORDS, "web2", "PasswordAuthentication yes")
                    .read(ROOT_LOGIN, "web1", "web2").reconcile();

            assertThat(first).extracting(c -> c.nonconformity().getRuleId())
                    .containsExactlyInAnyOrder(ROOT_LOGIN.id(), PASSWORDS.id());
            assertThat(register.rejectedRows()).isEqualTo(1);
            assertThat(all()).extracting(Nonconformity::getRuleId).containsExactlyInAnyOrder(ROOT_LOGIN.id(), PASSWORDS.id());
            assertThat(count("select count(*) from occurrence")).isEqualTo(2);
            assertThat(all()).extracting(Nonconformity::getOccurrenceCount).containsExactly(1, 1);

            // tried again each cycle, still refused; what is new is stored
            later(Duration.ofHours(1));
            List<Change> second = cycle()
                    .finding(OVERLONG, "web1", "too long a title")
                    .finding(ROOT_LOGIN, "web1", "PermitRootLogin yes")
                    .finding(PASSWORDS, "web2", "PasswordAuthentication yes")
                    .finding(LOGIN_DEFS, "web1", "PASS_MAX_DAYS 99999")
                    .read(ROOT_LOGIN, "web1", "web2").read(LOGIN_DEFS, "web1").reconcile();

            assertThat(second).extracting(Change::kind, c -> c.nonconformity().getRuleId())
                    .containsExactly(tuple(ChangeKind.OPENED, LOGIN_DEFS.id()));
            assertThat(register.rejectedRows()).isEqualTo(2);
            assertThat(register.activeCount()).isEqualTo(3);
            AuditTrail.Verification verification = repository.verifyAuditTrail();
            assertThat(verification.valid()).isTrue();
            assertThat(verification.entries()).isEqualTo(3);
        }

        @Test
        void idsStayUniqueAfterRefusedRowsAcrossManyNewNonconformitiesAndARestart() {
            Cycle refused = cycle().finding(OVERLONG, "web1", "too long a title").finding(ROOT_LOGIN, "web1", "PermitRootLogin yes")
                    .read(ROOT_LOGIN, "web1");
            refused.reconcile();
            later(Duration.ofMinutes(1));
            Cycle many = cycle();
            for (int i = 0; i < 120; i++) {
                many.finding(PASSWORDS, "host" + i, "PasswordAuthentication yes").read(PASSWORDS, "host" + i);
            }
            many.reconcile();
            restart();
            later(Duration.ofMinutes(1));
            raise(LOGIN_DEFS, "web1", "PASS_MAX_DAYS 99999");

            assertThat(all()).hasSize(122).extracting(Nonconformity::getId).doesNotHaveDuplicates();
            assertThat(register.rejectedRows()).isZero();
        }

        private long count(String sql) throws SQLException {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
