package io.annexa.register;

import static io.annexa.register.RegisterRules.ROOT_LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.register.NonconformityRegister.Change;
import io.annexa.register.NonconformityRegister.ChangeKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A register made before migrations existed, with the table the persistence provider generated (times serialized as
 * Java objects, ids from its sequence table), brought up to date by {@link DatabaseMigrations}: on H2 and on
 * PostgreSQL, nothing recorded is lost.
 */
class RegisterMigrationTest {

    @Nested
    class OnH2 extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) {
            return TestDatabase.h2(directory);
        }
    }

    /** An older provider or H2 could have made the binary columns BLOBs: read through another JDBC type. */
    @Nested
    class OnH2WithBlobColumns extends Contract {
        @Override
        TestDatabase createDatabase(Path directory) {
            return TestDatabase.h2(directory);
        }

        @Override
        String binaryColumn() {
            return "BLOB";
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

        private static final Instant OPEN_FIRST = Instant.parse("2026-01-05T08:00:00Z");
        private static final Instant OPEN_LAST = Instant.parse("2026-02-28T23:00:00Z");
        private static final Instant FIXED_FIRST = Instant.parse("2026-01-10T10:00:00Z");
        private static final Instant FIXED_LAST = Instant.parse("2026-01-20T10:00:00Z");
        private static final Instant FIXED_AT = Instant.parse("2026-01-21T09:30:00Z");
        private static final String OPEN_EVIDENCE = "root may log in over SSH: PermitRootLogin yes (/etc/ssh/sshd_config:32)";

        @Override
        boolean openAtStart() {
            return false;
        }

        /** The type the persistence provider gave a serialized {@code Instant}: {@code byte[]} on each database. */
        String binaryColumn() {
            return database.isPostgres() ? "BYTEA" : "LONGVARBINARY";
        }

        /**
         * The table as the persistence provider created it from the entity of that time (commit 07e26cd): unquoted
         * names, the two indexes it declared, serialized {@code Instant}s in a binary column, and its id table.
         */
        private void legacyRegister() throws Exception {
            String binary = binaryColumn();
            database.execute("CREATE TABLE nonconformity (ID BIGINT NOT NULL, asset VARCHAR(255) NOT NULL,"
                    + " control_id VARCHAR(10) NOT NULL, controls VARCHAR(200) NOT NULL, evidence VARCHAR(8000) NOT NULL,"
                    + " first_seen " + binary + " NOT NULL, incident BOOLEAN, last_seen " + binary + " NOT NULL,"
                    + " requirement VARCHAR(20), resolved_at " + binary + ", rule_id VARCHAR(200) NOT NULL,"
                    + " rule_title VARCHAR(500) NOT NULL, severity VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL,"
                    + " VERSION BIGINT, PRIMARY KEY (ID))");
            database.execute("CREATE INDEX nonconformity_status ON nonconformity (status)");
            database.execute("CREATE INDEX nonconformity_rule_asset ON nonconformity (rule_id, asset)");
            database.execute("CREATE TABLE id_sequence (SEQ_NAME VARCHAR(50) NOT NULL, SEQ_COUNT NUMERIC(38), PRIMARY KEY (SEQ_NAME))");
            database.execute("INSERT INTO id_sequence (SEQ_NAME, SEQ_COUNT) VALUES ('nonconformity', 20)");
            try (Connection connection = database.connect();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO nonconformity (ID, asset, control_id, controls,"
                         + " evidence, first_seen, incident, last_seen, requirement, resolved_at, rule_id, rule_title, severity,"
                         + " status, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                // stored before requirements and incidents were recorded: both null
                row(insert, 7, "web1", "8.5", "8.5,8.2", OPEN_EVIDENCE, OPEN_FIRST, null, OPEN_LAST, null, null,
                        ROOT_LOGIN.id(), ROOT_LOGIN.title(), "high", "OPEN");
                row(insert, 12, "web2", "8.5", "8.5", "PasswordAuthentication yes", FIXED_FIRST, false, FIXED_LAST, "A.8.5", FIXED_AT,
                        "sshd_password_authentication_disabled", "SSH refuses password logins", "medium", "RESOLVED");
                row(insert, 15, "inbox-sshd", "8.16", "8.16", "no file for 3h", OPEN_FIRST, false, OPEN_LAST, "9.1", null,
                        "source_reporting_on_schedule", "Every monitored evidence source delivers", "medium", "OPEN");
                row(insert, 19, "web1", "8.16", "8.16,8.5", "203.0.113.5: 5 failed logins", OPEN_FIRST, true, OPEN_FIRST, "A.8.16",
                        null, "ssh_brute_force_detected", "Repeated failed SSH logins", "medium", "OPEN");
            }
        }

        private static void row(PreparedStatement insert, long id, String asset, String control, String controls, String evidence,
                                Instant firstSeen, Boolean incident, Instant lastSeen, String requirement, Instant resolvedAt,
                                String ruleId, String title, String severity, String status) throws SQLException, IOException {
            insert.setLong(1, id);
            insert.setString(2, asset);
            insert.setString(3, control);
            insert.setString(4, controls);
            insert.setString(5, evidence);
            insert.setBytes(6, serialized(firstSeen));
            insert.setObject(7, incident, java.sql.Types.BOOLEAN);
            insert.setBytes(8, serialized(lastSeen));
            insert.setString(9, requirement);
            insert.setBytes(10, resolvedAt == null ? null : serialized(resolvedAt));
            insert.setString(11, ruleId);
            insert.setString(12, title);
            insert.setString(13, severity);
            insert.setString(14, status);
            insert.setLong(15, 1);
            insert.executeUpdate();
        }

        /** How the persistence provider stored an {@code Instant} it had no column type for. */
        private static byte[] serialized(Instant at) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(at);
            }
            return bytes.toByteArray();
        }

        @Test
        void aLegacyRegisterIsCarriedOverWithItsIdsStatusesTimesAndEvidence() throws Exception {
            legacyRegister();

            openRegister();

            Nonconformity open = find(7);
            assertThat(open.getStatus()).isEqualTo(NonconformityStatus.OPEN);
            assertThat(open.getRuleId()).isEqualTo(ROOT_LOGIN.id());
            assertThat(open.getRuleTitle()).isEqualTo(ROOT_LOGIN.title());
            assertThat(open.getControl()).isEqualTo("8.5");
            assertThat(open.getControls()).containsExactly("8.5", "8.2");
            assertThat(open.getTheme()).isEqualTo("technological");
            assertThat(open.getAnnexA()).isEqualTo("A.8.5");
            assertThat(open.getClauses()).containsExactly("6.1.3", "8.1");
            assertThat(open.getAsset()).isEqualTo("web1");
            assertThat(open.getSeverity()).isEqualTo("high");
            assertThat(open.getGrade()).isEqualTo("major");
            assertThat(open.isIncident()).isFalse();
            assertThat(open.getFirstSeen()).isEqualTo(OPEN_FIRST);
            assertThat(open.getLastSeen()).isEqualTo(OPEN_LAST);
            assertThat(open.getRaisedAt()).isEqualTo(OPEN_FIRST);
            assertThat(open.getResolvedAt()).isNull();
            assertThat(open.getOccurrenceCount()).isEqualTo(1);
            assertThat(open.getEvidenceSummary()).isEqualTo(OPEN_EVIDENCE);
            assertThat(occurrences(7)).singleElement().satisfies(o -> {
                assertThat(o.getSummary()).isEqualTo(OPEN_EVIDENCE);
                assertThat(o.getContentHash()).isEqualTo(sha256(OPEN_EVIDENCE));
                assertThat(o.getObservedAt()).isEqualTo(OPEN_LAST);
                assertThat(o.getParts()).isEqualTo(1);
            });

            Nonconformity fixed = find(12);
            assertThat(fixed.getStatus()).isEqualTo(NonconformityStatus.RESOLVED);
            assertThat(fixed.getResolvedAt()).isEqualTo(FIXED_AT);
            assertThat(fixed.getFirstSeen()).isEqualTo(FIXED_FIRST);
            assertThat(fixed.getLastSeen()).isEqualTo(FIXED_LAST);
            assertThat(fixed.getGrade()).isEqualTo("minor");
            assertThat(occurrences(12)).extracting(Occurrence::getSummary).containsExactly("PasswordAuthentication yes");

            Nonconformity gap = find(15);
            assertThat(gap.getRequirement()).isEqualTo("9.1");
            assertThat(gap.getClauses()).containsExactly("9.1");
            Nonconformity incident = find(19);
            assertThat(incident.isIncident()).isTrue();
            assertThat(incident.getControls()).containsExactly("8.16", "8.5");

            assertThat(tables()).doesNotContain("nonconformity_v0", "id_sequence");
            AuditTrail.Verification verification = repository.verifyAuditTrail();
            assertThat(verification.valid()).isTrue();
            assertThat(verification.entries()).isZero();

            // started again: nothing left to migrate, nothing changed
            List<Nonconformity> before = all();
            assertThat(DatabaseMigrations.migrate(database.settings()).migrationsExecuted).isZero();
            assertThat(all()).extracting(Nonconformity::getId, Nonconformity::getStatus, Nonconformity::getFirstSeen,
                    Nonconformity::getResolvedAt).isEqualTo(before.stream()
                    .map(nc -> tuple(nc.getId(), nc.getStatus(), nc.getFirstSeen(), nc.getResolvedAt())).toList());
        }

        @Test
        void theRegisterGoesOnFromACarriedOverOne() throws Exception {
            legacyRegister();
            openRegister();
            assertThat(register.activeCount()).isEqualTo(4);

            // the same evidence again: the same nonconformity, and not a second occurrence; it learns what it rests
            // on, which the old register did not record
            List<Change> changes = cycle().finding(ROOT_LOGIN, "web1", OPEN_EVIDENCE).read(ROOT_LOGIN, "web1").reconcile();

            assertThat(changes).extracting(Change::kind, c -> c.nonconformity().getId()).containsExactlyInAnyOrder(
                    tuple(ChangeKind.UPDATED, 7L),
                    // the resolved one closes: its effectiveness period is long over
                    tuple(ChangeKind.CLOSED, 12L));
            assertThat(find(7).getLastSeen()).isEqualTo(clock.instant());
            assertThat(find(7).getEvidenceSources()).containsExactly("sshd_config");
            assertThat(find(7).getOccurrenceCount()).isEqualTo(1);
            assertThat(occurrences(7)).hasSize(1);

            // new ones are numbered above every carried-over id, and so are their occurrences
            later(Duration.ofMinutes(1));
            long web3 = opened(cycle().finding(ROOT_LOGIN, "web1", OPEN_EVIDENCE).finding(ROOT_LOGIN, "web3", OPEN_EVIDENCE)
                    .read(ROOT_LOGIN, "web3").reconcile());
            assertThat(web3).isGreaterThan(19);
            restart();
            later(Duration.ofMinutes(1));
            long web4 = opened(cycle().finding(ROOT_LOGIN, "web1", OPEN_EVIDENCE).finding(ROOT_LOGIN, "web3", OPEN_EVIDENCE)
                    .finding(ROOT_LOGIN, "web4", OPEN_EVIDENCE).read(ROOT_LOGIN, "web4").reconcile());
            assertThat(web4).isGreaterThan(19).isNotEqualTo(web3);
            assertThat(occurrences(web3)).hasSize(1);
            assertThat(occurrences(web4)).hasSize(1);
            assertThat(register.rejectedRows()).isZero();

            // and the carried-over one resolves on fresh evidence, under its old id
            later(Duration.ofMinutes(1));
            assertThat(cycle().read(ROOT_LOGIN, "web1").reconcile()).extracting(Change::kind, c -> c.nonconformity().getId())
                    .containsExactly(tuple(ChangeKind.RESOLVED, 7L));
            assertThat(repository.verifyAuditTrail().valid()).isTrue();
        }

        private static long opened(List<Change> changes) {
            assertThat(changes).extracting(Change::kind).containsExactly(ChangeKind.OPENED);
            return changes.get(0).nonconformity().getId();
        }

        private List<String> tables() throws SQLException {
            List<String> names = new ArrayList<>();
            try (Connection connection = database.connect()) {
                DatabaseMetaData meta = connection.getMetaData();
                try (ResultSet tables = meta.getTables(null, connection.getSchema(), "%", new String[] {"TABLE"})) {
                    while (tables.next()) {
                        names.add(tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
            assertThat(names).contains("nonconformity", "occurrence", "audit_entry");
            return names;
        }

        private static String sha256(String text) throws Exception {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
