package io.annexa.access;

import io.annexa.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.annexa.register.DatabaseMigrations;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.NonconformityRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users, passwords, tokens and throttling against a real database: the embedded H2 and the local
 * PostgreSQL, each migrated by Flyway from empty.
 */
class AccessControlTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String ADDRESS = "192.0.2.10";

    @Nested
    class OnH2 extends Contract {
        @TempDir
        Path dataDirectory;

        @Override
        DatabaseSettings createDatabase(String name) {
            return DatabaseSettings.embedded(dataDirectory.resolve(name));
        }
    }

    @Nested
    class OnPostgreSql extends Contract {
        private final String prefix = "annexa_access_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        private final java.util.List<String> schemas = new java.util.ArrayList<>();

        @Override
        DatabaseSettings createDatabase(String name) throws Exception {
            String schema = prefix + "_" + name;
            execute("create schema " + schema);
            schemas.add(schema);
            return new DatabaseSettings(POSTGRES + "?currentSchema=" + schema, "postgres", "");
        }

        @Override
        void dropDatabases() throws Exception {
            for (String schema : schemas) {
                execute("drop schema if exists " + schema + " cascade");
            }
        }

        private void execute(String sql) throws Exception {
            try (Connection c = DriverManager.getConnection(POSTGRES, "postgres", ""); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    abstract class Contract {
        DatabaseSettings settings;
        AccessStore store;
        Authenticator authenticator;
        AccessAdministration admin;
        ManualClock clock;

        @TempDir
        Path data;

        abstract DatabaseSettings createDatabase(String name) throws Exception;

        void dropDatabases() throws Exception {
        }

        @BeforeEach
        void open() throws Exception {
            settings = createDatabase("main");
            DatabaseMigrations.migrate(settings);
            store = AccessStore.open(settings.url(), settings.user(), settings.password());
            clock = new ManualClock(Instant.parse("2026-06-01T08:00:00Z"));
            PasswordHasher hasher = new PasswordHasher(1_000);
            authenticator = new Authenticator(store, hasher, new LoginThrottle(5, Duration.ofMinutes(5), clock),
                    new LoginThrottle(20, Duration.ofMinutes(5), clock),
                    new LoginSessions(Duration.ofMinutes(30), Duration.ofHours(8), clock), clock);
            admin = new AccessAdministration(store, hasher, authenticator, clock);
        }

        @AfterEach
        void close() throws Exception {
            store.close();
            dropDatabases();
        }

        private AuthOutcome basic(String user, String password) {
            return authenticator.authenticate("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)), ADDRESS);
        }

        private Caller caller(AuthOutcome outcome) {
            assertThat(outcome).isInstanceOf(AuthOutcome.Authenticated.class);
            return ((AuthOutcome.Authenticated) outcome).caller();
        }

        @Test
        void migrationsRunOnceEachAndAnEmptyDatabaseGetsThemAll() throws Exception {
            // a register made before migrations existed is carried over: see the register's migration tests
            assertThat(DatabaseMigrations.migrate(settings).migrationsExecuted).isZero();
            DatabaseSettings older = createDatabase("older");
            assertThat(DatabaseMigrations.migrate(older).migrationsExecuted)
                    .isEqualTo(7); // access, register, alerts, alert reminders, partition leases, alert claims, cluster members
            NonconformityRepository.open(older).close();
            try (AccessStore second = AccessStore.open(older.url(), older.user(), older.password())) {
                assertThat(second.countUsers()).isZero();
            }
        }

        @Test
        void basicCredentialsSignInWithTheUsersRole() {
            admin.createUser("alice", "correct horse battery", "analyst");

            Caller alice = caller(basic("alice", "correct horse battery"));

            assertThat(alice.name()).isEqualTo("alice");
            assertThat(alice.role()).isEqualTo(Role.ANALYST);
            assertThat(alice.may(Role.AUDITOR)).isTrue();
            assertThat(alice.may(Role.RULE_AUTHOR)).isFalse();
        }

        @Test
        void wrongPasswordUnknownUserAndDisabledUserAreRejectedAlike() {
            admin.createUser("alice", "correct horse battery", "viewer");
            admin.createUser("bob", "another long password", "admin");
            admin.updateUser("alice", null, null, true);

            assertThat(basic("bob", "wrong password here")).isInstanceOf(AuthOutcome.Rejected.class);
            assertThat(basic("nobody", "correct horse battery")).isInstanceOf(AuthOutcome.Rejected.class);
            AuthOutcome disabled = basic("alice", "correct horse battery");
            assertThat(disabled).isInstanceOf(AuthOutcome.Rejected.class);
            assertThat(((AuthOutcome.Rejected) disabled).message()).doesNotContain("correct horse battery");
        }

        @Test
        void aChangedPasswordStopsTheOldOneAtOnceDespiteTheRememberedCheck() {
            admin.createUser("alice", "correct horse battery", "viewer");
            caller(basic("alice", "correct horse battery"));

            admin.updateUser("alice", null, "a brand new password", null);

            assertThat(basic("alice", "correct horse battery")).isInstanceOf(AuthOutcome.Rejected.class);
            assertThat(caller(basic("alice", "a brand new password")).name()).isEqualTo("alice");
        }

        @Test
        void failedSignInsAreThrottledPerUserEvenForTheRightPasswordUntilTheWindowPasses() {
            admin.createUser("alice", "correct horse battery", "viewer");
            for (int i = 0; i < 5; i++) {
                assertThat(basic("alice", "guess number " + i)).isInstanceOf(AuthOutcome.Rejected.class);
            }

            AuthOutcome blocked = basic("alice", "correct horse battery");

            assertThat(blocked).isInstanceOf(AuthOutcome.Throttled.class);
            assertThat(((AuthOutcome.Throttled) blocked).retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
            clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            assertThat(caller(basic("alice", "correct horse battery")).name()).isEqualTo("alice");
        }

        @Test
        void failedSignInsAreThrottledPerAddressAcrossUserNames() {
            for (int i = 0; i < 20; i++) {
                basic("user" + i, "wrong password " + i);
            }
            admin.createUser("carol", "correct horse battery", "viewer");

            assertThat(basic("carol", "correct horse battery")).isInstanceOf(AuthOutcome.Throttled.class);
            AuthOutcome elsewhere = authenticator.authenticate("Basic " + Base64.getEncoder()
                    .encodeToString("carol:correct horse battery".getBytes(StandardCharsets.UTF_8)), "198.51.100.7");
            assertThat(caller(elsewhere).name()).isEqualTo("carol");
        }

        @Test
        void aValidTokenIsNotRefusedForAnAddressThatGuessedPasswordsButPasswordsFromThereAre() {
            admin.createUser("erin", "correct horse battery", "viewer");
            String bearer = "Bearer " + admin.createToken(new Caller("erin", Role.VIEWER, null), "ci", null, 30).secret();
            for (int i = 0; i < 20; i++) {
                basic("user" + i, "wrong password " + i);
            }

            assertThat(caller(authenticator.authenticate(bearer, ADDRESS)).name()).isEqualTo("erin");
            assertThat(basic("erin", "correct horse battery")).isInstanceOf(AuthOutcome.Throttled.class);
            assertThat(authenticator.signIn("erin", "correct horse battery", ADDRESS)).isInstanceOf(AuthOutcome.Throttled.class);
            // a wrong token from there is still refused, as wrong, and still counts against the address
            assertThat(authenticator.authenticate("Bearer anx_" + "A".repeat(43), ADDRESS)).isInstanceOf(AuthOutcome.Rejected.class);
        }

        @Test
        void failedSessionSignInsCountWithBasicPerUserAndPerAddress() {
            admin.createUser("alice", "correct horse battery", "viewer");
            for (int i = 0; i < 3; i++) {
                assertThat(authenticator.signIn("alice", "guess number " + i, ADDRESS)).isInstanceOf(AuthOutcome.Rejected.class);
            }
            for (int i = 3; i < 5; i++) {
                assertThat(basic("alice", "guess number " + i)).isInstanceOf(AuthOutcome.Rejected.class);
            }

            assertThat(authenticator.signIn("alice", "correct horse battery", ADDRESS)).isInstanceOf(AuthOutcome.Throttled.class);
            assertThat(basic("alice", "correct horse battery")).isInstanceOf(AuthOutcome.Throttled.class);

            for (int i = 0; i < 15; i++) {
                authenticator.signIn("nobody" + i, "wrong password " + i, ADDRESS);
            }
            admin.createUser("carol", "correct horse battery", "viewer");
            assertThat(authenticator.signIn("carol", "correct horse battery", ADDRESS)).isInstanceOf(AuthOutcome.Throttled.class);
            assertThat(caller(authenticator.signIn("carol", "correct horse battery", "198.51.100.7")).name()).isEqualTo("carol");
        }

        @Test
        void aSessionActsForItsUserWithTheRoleTheyHaveNow() {
            admin.createUser("alice", "correct horse battery", "analyst");
            Caller signedIn = caller(authenticator.signIn("alice", "correct horse battery", ADDRESS));
            LoginSessions.Started started = authenticator.sessions().start(signedIn.name());

            AuthOutcome outcome = authenticator.session(started.id());
            assertThat(caller(outcome)).isEqualTo(new Caller("alice", Role.ANALYST, null));
            assertThat(((AuthOutcome.Authenticated) outcome).session()).isSameAs(started.session());
            assertThat(((AuthOutcome.Authenticated) basic("alice", "correct horse battery")).session()).isNull();

            admin.updateUser("alice", "viewer", null, null);
            assertThat(caller(authenticator.session(started.id())).role()).isEqualTo(Role.VIEWER);

            assertThat(authenticator.session("not-a-session")).isInstanceOf(AuthOutcome.Rejected.class);
            assertThat(authenticator.signIn("alice", null, ADDRESS)).isInstanceOf(AuthOutcome.Rejected.class);
            assertThat(authenticator.signIn("", "correct horse battery", ADDRESS)).isInstanceOf(AuthOutcome.Rejected.class);
        }

        @Test
        void aNewPasswordOrDisablingSignsTheUserOutEverywhere() {
            admin.createUser("alice", "correct horse battery", "viewer");
            admin.createUser("bob", "correct horse battery", "viewer");
            String alice = authenticator.sessions().start("alice").id();
            String bob = authenticator.sessions().start("bob").id();

            admin.updateUser("alice", "auditor", null, null);
            assertThat(caller(authenticator.session(alice)).role()).isEqualTo(Role.AUDITOR);

            admin.updateUser("alice", null, "a brand new password", null);
            assertThat(authenticator.session(alice)).isInstanceOf(AuthOutcome.Rejected.class);

            admin.updateUser("bob", null, null, true);
            assertThat(authenticator.session(bob)).isInstanceOf(AuthOutcome.Rejected.class);
            admin.updateUser("bob", null, null, false);
            assertThat(authenticator.session(bob)).as("enabling again does not revive it").isInstanceOf(AuthOutcome.Rejected.class);
        }

        @Test
        void aSignInWhosePasswordWasReadBeforeAChangeDoesNotOutliveIt() {
            admin.createUser("alice", "correct horse battery", "viewer");
            Instant checkStarted = clock.instant();
            clock.advance(Duration.ofMillis(300)); // the hash is being computed
            admin.updateUser("alice", null, "a brand new password", null);
            clock.advance(Duration.ofMillis(1));

            // the sign-in that was checking the old password finishes now: its session is void at once
            String late = authenticator.sessions().start("alice", checkStarted).id();
            assertThat(authenticator.session(late)).isInstanceOf(AuthOutcome.Rejected.class);
            assertThat(authenticator.signInToSession("alice", "correct horse battery", ADDRESS).outcome())
                    .isInstanceOf(AuthOutcome.Rejected.class);

            Authenticator.SessionSignIn fresh = authenticator.signInToSession("alice", "a brand new password", ADDRESS);
            assertThat(caller(fresh.outcome()).name()).isEqualTo("alice");
            assertThat(caller(authenticator.session(fresh.started().id())).name()).isEqualTo("alice");
        }

        @Test
        void aTokenActsForItsUserWithItsOwnRoleAndIsStoredOnlyAsADigest() throws Exception {
            admin.createUser("erin", "correct horse battery", "rule-author");
            Caller erin = caller(basic("erin", "correct horse battery"));

            AccessAdministration.NewToken made = admin.createToken(erin, "ci pipeline", "auditor", 30);
            Caller viaToken = caller(authenticator.authenticate("Bearer " + made.secret(), ADDRESS));

            assertThat(made.secret()).startsWith("anx_").hasSize(47);
            assertThat(viaToken).isEqualTo(new Caller("erin", Role.AUDITOR, made.token().getId()));
            assertThat(store.token(made.token().getId()).orElseThrow().getLastUsedAt()).isEqualTo(clock.instant());
            assertThat(databaseText()).doesNotContain(made.secret()).doesNotContain("correct horse battery");
        }

        @Test
        void aTokenNeverOutranksItsUserAndStopsWhenExpiredDeletedOrItsUserDisabled() {
            admin.createUser("erin", "correct horse battery", "rule-author");
            admin.createUser("root", "correct horse battery", "admin");
            Caller erin = caller(basic("erin", "correct horse battery"));
            assertThatIllegalArgumentException().isThrownBy(() -> admin.createToken(erin, "too strong", "admin", 30))
                    .withMessageStartingWith("role:");
            AccessAdministration.NewToken made = admin.createToken(erin, "ci", null, 1);
            String bearer = "Bearer " + made.secret();

            admin.updateUser("erin", "viewer", null, null);
            assertThat(caller(authenticator.authenticate(bearer, ADDRESS)).role()).isEqualTo(Role.VIEWER);

            admin.updateUser("erin", null, null, true);
            assertThat(authenticator.authenticate(bearer, ADDRESS)).isInstanceOf(AuthOutcome.Rejected.class);
            admin.updateUser("erin", null, null, false);

            clock.advance(Duration.ofDays(1));
            assertThat(((AuthOutcome.Rejected) authenticator.authenticate(bearer, ADDRESS)).message()).contains("expired");

            AccessAdministration.NewToken other = admin.createToken(erin, "other", null, 5);
            assertThat(admin.deleteToken(erin, other.token().getId())).isTrue();
            assertThat(authenticator.authenticate("Bearer " + other.secret(), ADDRESS)).isInstanceOf(AuthOutcome.Rejected.class);
        }

        @Test
        void onlyAdminsSeeAndDeleteOtherUsersTokens() {
            admin.createUser("erin", "correct horse battery", "viewer");
            admin.createUser("root", "correct horse battery", "admin");
            Caller erin = new Caller("erin", Role.VIEWER, null);
            Caller root = new Caller("root", Role.ADMIN, null);
            long rootsToken = admin.createToken(root, "backup", null, 10).token().getId();
            admin.createToken(erin, "mine", null, 10);

            assertThat(admin.tokensVisibleTo(erin)).extracting(ApiToken::getName).containsExactly("mine");
            assertThat(admin.tokensVisibleTo(root)).hasSize(2);
            assertThat(admin.deleteToken(erin, rootsToken)).isFalse();
            assertThat(store.token(rootsToken)).isPresent();
        }

        @Test
        void theLastEnabledAdminCannotBeDisabledOrDemoted() {
            admin.createUser("root", "correct horse battery", "admin");

            assertThatIllegalStateException().isThrownBy(() -> admin.updateUser("root", "viewer", null, null)).withMessageContaining("last enabled admin");
            assertThatIllegalStateException().isThrownBy(() -> admin.updateUser("root", null, null, true)).withMessageContaining("last enabled admin");

            admin.createUser("second", "correct horse battery", "admin");
            assertThat(admin.updateUser("root", "viewer", null, null).getRole()).isEqualTo(Role.VIEWER);
        }

        @Test
        void badUserInputIsRefusedNamingTheField() {
            assertThatIllegalArgumentException().isThrownBy(() -> admin.createUser("Robert'); drop table", "correct horse battery", "viewer"))
                    .withMessageStartingWith("name:");
            assertThatIllegalArgumentException().isThrownBy(() -> admin.createUser("dave", "short", "viewer"))
                    .withMessageStartingWith("password:");
            assertThatIllegalArgumentException().isThrownBy(() -> admin.createUser("dave", "correct horse battery", "superuser"))
                    .withMessageStartingWith("role:").withMessageContaining("rule-author");
            admin.createUser("dave", "correct horse battery", "viewer");
            assertThatIllegalStateException().isThrownBy(() -> admin.createUser("dave", "correct horse battery", "viewer"));
        }

        @Test
        void firstStartCreatesAdminWithARandomPasswordInAnOwnerOnlyFileAndNeverAgain() throws Exception {
            Optional<Path> file = BootstrapAdmin.ensure(admin, store, Optional.empty(), data);

            assertThat(file).contains(data.resolve(BootstrapAdmin.PASSWORD_FILE));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.get()))).isEqualTo("rw-------");
            String password = Files.readString(file.get()).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            Caller first = caller(basic("admin", password));
            assertThat(first.role()).isEqualTo(Role.ADMIN);

            assertThat(BootstrapAdmin.ensure(admin, store, Optional.of("another password given"), data)).isEmpty();
            assertThat(store.users()).hasSize(1);
        }

        @Test
        void firstStartTakesTheGivenPasswordAndWritesNoFile() throws Exception {
            BootstrapAdmin.ensure(admin, store, Optional.of("automation password 42"), data);

            assertThat(data.resolve(BootstrapAdmin.PASSWORD_FILE)).doesNotExist();
            assertThat(caller(basic("admin", "automation password 42")).role()).isEqualTo(Role.ADMIN);
        }

        private String databaseText() throws Exception {
            StringBuilder text = new StringBuilder();
            try (Connection c = DriverManager.getConnection(settings.url(), settings.user(), settings.password());
                 Statement s = c.createStatement()) {
                for (String table : new String[] {"annexa_user", "api_token"}) {
                    try (ResultSet rows = s.executeQuery("select * from " + table)) {
                        while (rows.next()) {
                            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                                text.append(rows.getString(i)).append('|');
                            }
                        }
                    }
                }
            }
            return text.toString();
        }
    }
}
