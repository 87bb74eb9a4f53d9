package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evaluation.Finding;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.register.ActionRequest;
import io.annexa.register.LifecycleAction;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.TestDatabase;
import io.annexa.register.policy.AssetInventory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The register's daily snapshot (table {@code register_snapshot}) and what {@code GET /api/nonconformities/trend} makes
 * of it, on H2 and on PostgreSQL: the unfixed nonconformities of each day by grade and theme, the day's last figures,
 * and nothing resolved, risk-accepted, closed or withdrawn.
 */
class RegisterTrendTest {

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

    abstract static class Contract {

        /** A Monday morning, UTC: the snapshot's day is the UTC date. */
        private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
        private static final LocalDate DAY1 = LocalDate.parse("2026-03-02");
        private static final LocalDate DAY2 = DAY1.plusDays(1);
        private static final LocalDate DAY3 = DAY1.plusDays(2);

        @TempDir
        Path directory;

        private TestDatabase database;
        private RegisterFixture fixture;
        /** The findings that hold, handed over again at every cycle as the engine does. */
        private final List<Finding> standing = new ArrayList<>();
        private RuleDefinition rootLogin;
        private RuleDefinition passwords;
        private RuleDefinition passwordAge;

        abstract TestDatabase createDatabase(Path directory) throws Exception;

        @BeforeEach
        void register() throws Exception {
            database = createDatabase(directory);
            // every asset of medium criticality (none in the inventory): high -> major, medium -> minor, low -> observation
            fixture = new RegisterFixture(database.settings(), AssetInventory.empty(), START);
            rootLogin = fixture.rule("sshd_root_login_disabled", "No root login", Severity.HIGH, "8.5");
            passwords = fixture.rule("sshd_password_authentication_disabled", "No passwords", Severity.MEDIUM, "8.5");
            passwordAge = fixture.rule("login_defs_password_max_age_limited", "Passwords age", Severity.LOW, "5.17");
        }

        @AfterEach
        void close() throws Exception {
            try {
                fixture.close();
            } finally {
                database.drop();
            }
        }

        private void holds(RuleDefinition rule, String asset) {
            standing.add(RegisterFixture.finding(rule, asset, rule.id() + " fails on " + asset));
        }

        private void fixed(RuleDefinition rule, String asset) {
            standing.removeIf(f -> f.getRuleId().equals(rule.id()) && f.getAsset().equals(asset));
        }

        /** One evaluation cycle: the standing findings, and every asset's evidence read again. */
        private void cycle(String... read) {
            fixture.evaluate(List.copyOf(standing), read);
        }

        private Nonconformity nc(RuleDefinition rule, String asset) {
            return fixture.repository.findActive().stream()
                    .filter(nc -> nc.getRuleId().equals(rule.id()) && nc.getAsset().equals(asset)).findFirst().orElseThrow();
        }

        private List<NonconformityResource.TrendPoint> trend(LocalDate today, String days) {
            return NonconformityResource.trend(fixture.repository, today, days);
        }

        @Test
        void eachDayCountsTheUnfixedByGradeAndThemeWithTheDaysLastFigures() {
            holds(rootLogin, "web-01");
            holds(rootLogin, "web-02");
            holds(rootLogin, "web-03");
            holds(passwords, "web-01");
            holds(passwords, "web-02");
            holds(passwordAge, "db-01");
            holds(passwordAge, "db-02");
            cycle();
            assertThat(nc(rootLogin, "web-01").getGrade()).isEqualTo("major");
            assertThat(nc(passwords, "web-01").getGrade()).isEqualTo("minor");
            assertThat(nc(passwordAge, "db-01").getGrade()).isEqualTo("observation");

            // the same day: web-03 fixed (resolved on fresh evidence), a risk accepted, a fix claimed but not verified yet,
            // one acknowledged: the resolved and the accepted leave the count, the other two stay in it
            fixed(rootLogin, "web-03");
            fixture.clock.advance(Duration.ofHours(1));
            cycle("web-03");
            assertThat(fixture.repository.find(nc(rootLogin, "web-03").getId()).orElseThrow().getStatus())
                    .isEqualTo(NonconformityStatus.RESOLVED);
            fixture.act(nc(passwords, "web-02").getId(), LifecycleAction.ACCEPT_RISK,
                    RegisterFixture.acceptRisk("bob", "legacy appliance, replaced in Q3", START.plus(Duration.ofDays(90))), "alice");
            fixture.act(nc(passwordAge, "db-02").getId(), LifecycleAction.RESOLVE, ActionRequest.comment("max age set to 90"), "alice");
            // its finding is gone, but its evidence was not read again yet: pending verification
            fixed(passwordAge, "db-02");
            fixture.act(nc(rootLogin, "web-02").getId(), LifecycleAction.ACKNOWLEDGE, ActionRequest.comment("seen"), "alice");
            fixture.clock.advance(Duration.ofHours(1));
            cycle();

            List<NonconformityResource.TrendPoint> day1 = trend(DAY1, "1");
            assertThat(day1).extracting(NonconformityResource.TrendPoint::day, NonconformityResource.TrendPoint::grade,
                    NonconformityResource.TrendPoint::theme, NonconformityResource.TrendPoint::open).containsExactly(
                    tuple(DAY1, "major", "technological", 2),
                    tuple(DAY1, "minor", "technological", 1),
                    tuple(DAY1, "observation", "organizational", 2));

            // the next day: web-01's root login fixed; the day before keeps its figures
            fixture.clock.set(START.plus(Duration.ofDays(1)));
            fixed(rootLogin, "web-01");
            cycle("web-01");
            // the day after: nothing changes, yet the day has its snapshot
            fixture.clock.set(START.plus(Duration.ofDays(2)));
            fixture.register.tick();

            assertThat(trend(DAY3, null)).extracting(p -> p.day() + " " + p.grade() + " " + p.theme() + " " + p.open())
                    .containsExactly(
                            DAY1 + " major technological 2", DAY1 + " minor technological 1", DAY1 + " observation organizational 2",
                            DAY2 + " major technological 1", DAY2 + " minor technological 1", DAY2 + " observation organizational 2",
                            DAY3 + " major technological 1", DAY3 + " minor technological 1", DAY3 + " observation organizational 2");
            assertThat(trend(DAY3, "2")).extracting(NonconformityResource.TrendPoint::day).containsOnly(DAY2, DAY3);
        }

        @Test
        void aDayWhoseLastNonconformityClosedHasNoPointAndTheDayBeforeKeepsItsOwn() {
            holds(passwords, "web-01");
            cycle();
            long id = nc(passwords, "web-01").getId();
            assertThat(trend(DAY1, "1")).extracting(NonconformityResource.TrendPoint::open).containsExactly(1);

            fixture.clock.set(START.plus(Duration.ofDays(1)));
            fixture.act(id, LifecycleAction.WITHDRAW, new ActionRequest("not a nonconformity after all", null, null, null, null,
                    null, null, null, null, "false-positive", null, null), "alice");
            fixed(passwords, "web-01");
            cycle();

            assertThat(trend(DAY2, "2")).extracting(p -> p.day() + " " + p.grade() + " " + p.open())
                    .containsExactly(DAY1 + " minor 1");
        }

        @Test
        void theSpanOfDaysIsCheckedAsTheApiReceivesIt() {
            assertThat(trend(DAY1, " ")).isEmpty();
            assertThat(trend(DAY1, "3660")).isEmpty();
            // refused as the API's bad request (400), never a server error
            assertThatThrownBy(() -> trend(DAY1, "0")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("query parameter days: between 1 and 3660, not 0");
            assertThatThrownBy(() -> trend(DAY1, "3661")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("query parameter days: between 1 and 3660, not 3661");
            assertThatThrownBy(() -> trend(DAY1, "ninety")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("query parameter days: 'ninety' is not a number");
        }
    }
}
