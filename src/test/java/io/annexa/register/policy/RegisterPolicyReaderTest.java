package io.annexa.register.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config/register.yml}: every key optional with its default, every given key checked. */
class RegisterPolicyReaderTest {

    /** Every cell differs from the default, so a cell read into the wrong place shows. */
    private static final String INVERTED_MATRIX = """
            grading:
              matrix:
                critical: {low: observation, medium: observation, high: minor,       critical: minor}
                high:     {low: observation, medium: minor,       high: observation, critical: minor}
                medium:   {low: major,       medium: major,       high: major,       critical: minor}
                low:      {low: minor,       medium: major,       high: minor,       critical: major}
            """;

    @TempDir
    Path dir;

    @Test
    void theShippedFileHoldsExactlyTheDefaults() throws RegisterConfigException {
        Path shipped = ProjectFiles.root().resolve("config").resolve("register.yml");
        assertThat(shipped).isRegularFile();
        assertThat(RegisterPolicyReader.read(shipped)).isEqualTo(RegisterPolicy.defaults());
    }

    @Test
    void aMissingFileMeansTheDefaults() throws RegisterConfigException {
        assertThat(RegisterPolicyReader.read(dir.resolve("register.yml"))).isEqualTo(RegisterPolicy.defaults());
    }

    @Test
    void anEmptyFileOrEmptySectionsMeanTheDefaults() throws Exception {
        assertThat(RegisterPolicyReader.read(write(""))).isEqualTo(RegisterPolicy.defaults());
        assertThat(RegisterPolicyReader.read(write("# all defaults\n"))).isEqualTo(RegisterPolicy.defaults());
        assertThat(RegisterPolicyReader.read(write("""
                requirements:
                grading:
                escalation: {}
                lifecycle:
                  # max-risk-acceptance: 90d
                """))).isEqualTo(RegisterPolicy.defaults());
    }

    @Test
    void oneKeyChangesOnlyItself() throws Exception {
        RegisterPolicy policy = RegisterPolicyReader.read(write("""
                escalation:
                  overdue: minor
                """));
        assertThat(policy.overdueGrade()).isEqualTo(Grade.MINOR);
        assertThat(policy.recurrenceGrade()).isEqualTo(Grade.MAJOR);
        assertThat(policy.recurrenceWindow()).isEqualTo(Duration.ofDays(30));
        assertThat(policy.grade(Severity.HIGH, Criticality.HIGH)).isEqualTo(Grade.MAJOR);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        RegisterPolicy policy = RegisterPolicyReader.read(write("""
                requirements:
                  control-not-operating: ["8.1"]
                  monitoring-gap: [9.1, "9.2.1"]
                grading:
                  default-criticality: high
                escalation:
                  overdue: minor
                  recurrence: observation
                  recurrence-window: 12h
                lifecycle:
                  effectiveness-period: PT36H
                  max-risk-acceptance: 366d
                  risk-expiry-warning: 45s
                """));
        assertThat(policy.controlNotOperatingClauses()).containsExactly("8.1");
        assertThat(policy.monitoringGapClauses()).containsExactly("9.1", "9.2.1");
        assertThat(policy.defaultCriticality()).isEqualTo(Criticality.HIGH);
        assertThat(policy.overdueGrade()).isEqualTo(Grade.MINOR);
        assertThat(policy.recurrenceGrade()).isEqualTo(Grade.OBSERVATION);
        assertThat(policy.recurrenceWindow()).isEqualTo(Duration.ofHours(12));
        assertThat(policy.effectivenessPeriod()).isEqualTo(Duration.ofHours(36));
        assertThat(policy.maxRiskAcceptance()).isEqualTo(Duration.ofDays(366));
        assertThat(policy.riskExpiryWarning()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void everyDurationFormIsAccepted() throws Exception {
        for (var form : List.of(List.of("30d", Duration.ofDays(30)), List.of("12h", Duration.ofHours(12)),
                List.of("15m", Duration.ofMinutes(15)), List.of("45s", Duration.ofSeconds(45)),
                List.of("P30D", Duration.ofDays(30)), List.of("PT12H", Duration.ofHours(12)))) {
            RegisterPolicy policy = RegisterPolicyReader.read(write("escalation: {recurrence-window: " + form.get(0) + "}\n"));
            assertThat(policy.recurrenceWindow()).as("%s", form.get(0)).isEqualTo(form.get(1));
        }
    }

    @Test
    void theWholeMatrixIsRead() throws Exception {
        RegisterPolicy policy = RegisterPolicyReader.read(write(INVERTED_MATRIX));
        Grade[][] expected = {
            {Grade.MINOR, Grade.MAJOR, Grade.MINOR, Grade.MAJOR},
            {Grade.MAJOR, Grade.MAJOR, Grade.MAJOR, Grade.MINOR},
            {Grade.OBSERVATION, Grade.MINOR, Grade.OBSERVATION, Grade.MINOR},
            {Grade.OBSERVATION, Grade.OBSERVATION, Grade.MINOR, Grade.MINOR},
        };
        for (Severity severity : Severity.values()) {
            for (Criticality criticality : Criticality.values()) {
                assertThat(policy.grade(severity, criticality)).as("%s × %s", severity, criticality)
                        .isEqualTo(expected[severity.ordinal()][criticality.ordinal()])
                        .isNotEqualTo(RegisterPolicy.defaults().grade(severity, criticality));
            }
        }
    }

    @Test
    void aPartialMatrixNamesTheMissingCells() throws Exception {
        Path file = write("""
                grading:
                  matrix:
                    critical: {low: major, medium: major, high: major, critical: major}
                    high:     {low: minor, medium: major, critical: major}
                    medium:
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:5: grading.matrix: ")
                .contains("missing cells").contains("low.low, low.medium, low.high, low.critical")
                .contains("medium.low, medium.medium, medium.high, medium.critical").contains("high.high")
                .doesNotContain("high.low").doesNotContain("critical."));
    }

    @Test
    void aBadCellAndAnUnknownRowAreReportedWithTheirPlace() throws Exception {
        Path file = write(INVERTED_MATRIX.replace("high:     {low: observation", "high:     {low: serious")
                .replace("    low:      {", "    lowest:   {"));
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":4:21: grading.matrix.high.low: ")
                        .contains("'serious'").contains("major, minor, observation"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":6:5: grading.matrix.lowest: ").contains("unknown key"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":3:5: grading.matrix: ").contains("low.low"));
    }

    @Test
    void badDurationsAreReported() throws Exception {
        Path file = write("""
                escalation:
                  recurrence-window: 0d
                lifecycle:
                  effectiveness-period: -2h
                  max-risk-acceptance: 367d
                  risk-expiry-warning: a week
                """);
        assertThat(problems(file)).hasSize(4)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:22: escalation.recurrence-window: ").contains("longer than zero"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":4:25: lifecycle.effectiveness-period: ").contains("longer than zero"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":5:24: lifecycle.max-risk-acceptance: ").contains("366 days"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":6:24: lifecycle.risk-expiry-warning: ")
                        .contains("'a week'").contains("30d, 12h, 15m, 45s").contains("P30D"));
    }

    @Test
    void aDurationBeyondTenYearsOrOverflowingIsReported() throws Exception {
        Path file = write("""
                escalation:
                  recurrence-window: 3651d
                lifecycle:
                  effectiveness-period: 99999999999999999999d
                  risk-expiry-warning: PT-1S
                """);
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:22: escalation.recurrence-window: ").contains("3650 days"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":4:25: lifecycle.effectiveness-period: ").contains("not a duration"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":5:24: lifecycle.risk-expiry-warning: ").contains("longer than zero"));
    }

    @Test
    void unknownClausesAreReported() throws Exception {
        Path file = write("""
                requirements:
                  control-not-operating: ["8.1", "8.4", "A.8.5"]
                  monitoring-gap: ["9.1", "9.1"]
                """);
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:34: requirements.control-not-operating[1]: ")
                        .contains("'8.4' is not an ISO/IEC 27001:2022 clause"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:41: requirements.control-not-operating[2]: ")
                        .contains("'A.8.5'").contains("Annex A"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":3:27: requirements.monitoring-gap[1]: ").contains("twice"));
    }

    @Test
    void anEmptyOrScalarClauseListIsReported() throws Exception {
        Path file = write("""
                requirements:
                  control-not-operating: []
                  monitoring-gap: "9.1"
                """);
        assertThat(problems(file)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:26: requirements.control-not-operating: ").contains("non-empty list"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":3:19: requirements.monitoring-gap: ").contains("non-empty list"));
    }

    @Test
    void unknownSectionsAndKeysAreReported() throws Exception {
        Path file = write("""
                grading:
                  default-criticality: medium
                  default-severity: high
                alerts:
                  email: isms@example.org
                """);
        assertThat(problems(file)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":3:3: grading.default-severity: ")
                        .contains("unknown key").contains("default-criticality, matrix"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":4:1: alerts: ")
                        .contains("escalation, grading, lifecycle, requirements"));
    }

    @Test
    void badGradesAndCriticalityAreReported() throws Exception {
        Path file = write("""
                grading:
                  default-criticality: urgent
                escalation:
                  overdue: severe
                  recurrence:
                """);
        assertThat(problems(file)).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(file + ":2:24: grading.default-criticality: ").contains("low, medium, high, critical"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":4:12: escalation.overdue: ").contains("major, minor, observation"))
                .anySatisfy(p -> assertThat(p).startsWith(file + ":5:14: escalation.recurrence: ").contains("no value"));
    }

    @Test
    void aSectionThatIsNotAMappingIsReported() throws Exception {
        Path file = write("""
                lifecycle: 7d
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":1:12: lifecycle: ").contains("effectiveness-period, max-risk-acceptance, risk-expiry-warning"));
    }

    @Test
    void aKeyGivenTwiceIsReported() throws Exception {
        Path file = write("""
                escalation:
                  overdue: major
                  overdue: minor
                """);
        assertThat(problems(file)).singleElement().satisfies(p -> assertThat(p)
                .startsWith(file + ":3:3: escalation.overdue: ").contains("twice").contains("line 2"));
    }

    @Test
    void invalidYamlAndAnOversizedFileAreReported() throws Exception {
        Path broken = write("escalation: {overdue: major\n");
        assertThat(problems(broken)).singleElement().satisfies(p -> assertThat(p)
                .matches(java.util.regex.Pattern.quote(broken.toString()) + ":[1-9]\\d*:[1-9]\\d*: \\(file\\): not valid YAML.*"));
        Path large = write("#".repeat((int) RegisterPolicyReader.MAX_BYTES + 1));
        assertThat(problems(large)).singleElement().satisfies(p -> assertThat(p).startsWith(large + ":0:0: (file): ").contains("bytes"));
    }

    private Path write(String content) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("config-" + System.nanoTime()));
        return Files.writeString(sub.resolve("register.yml"), content);
    }

    private static List<String> problems(Path file) {
        RegisterConfigException e = catchThrowableOfType(RegisterConfigException.class, () -> RegisterPolicyReader.read(file));
        assertThat(e).as("reading %s must fail", file).isNotNull();
        return e.problems();
    }
}
