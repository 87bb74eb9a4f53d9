package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rule.yml's optional {@code clauses:} (ISO/IEC 27001:2022 clauses a nonconformity breaches) beside {@code requirement:}. */
class RuleMetadataReaderTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final String ID = "sshd_root_login_disabled";
    private static final String DISPLAY = "rules/technological/c8_05_secure_authentication/" + ID + "/rule.yml";

    /** Line 9 is where the tests add their field. */
    private static final String RULE_YML = """
            id: sshd_root_login_disabled
            title: SSH does not let root log in directly
            controls:
              iso27002:2022: ["8.5"]
            severity: high
            sources: [sshd_config]
            rationale: A direct root login leaves no trace of which person used the account.
            remediation: Set "PermitRootLogin no" in sshd_config.
            """;

    @TempDir
    Path work;

    private final List<Problem> problems = new ArrayList<>();

    @Test
    void withoutClausesTheListIsEmptyAndTheRequirementIsAnnexA() throws IOException {
        RuleDefinition rule = read(RULE_YML).orElseThrow();
        assertThat(rule.clauses()).isEmpty();
        assertThat(rule.requirement()).isEqualTo("A.8.5");
    }

    @Test
    void clausesAreReadAsWrittenInOrder() throws IOException {
        RuleDefinition rule = read(RULE_YML + "clauses: [\"8.1\", 6.1.3, 10.2]\n").orElseThrow();
        assertThat(rule.clauses()).containsExactly("8.1", "6.1.3", "10.2");
        assertThat(rule.requirement()).as("requirement is not touched by clauses").isEqualTo("A.8.5");
    }

    @Test
    void clausesAndRequirementAreIndependent() throws IOException {
        RuleDefinition rule = read(RULE_YML + "requirement: \"9.1\"\nclauses:\n  - \"9.1\"\n  - \"8.1\"\n").orElseThrow();
        assertThat(rule.requirement()).isEqualTo("9.1");
        assertThat(rule.clauses()).containsExactly("9.1", "8.1");
    }

    @Test
    void anUnknownClauseIsReportedWhereItIsWritten() throws IOException {
        assertThat(read(RULE_YML + "clauses: [\"8.1\", \"8.4\"]\n")).isEmpty();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(DISPLAY);
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.column()).isEqualTo("clauses: [\"8.1\", ".length() + 1);
            assertThat(p.message()).contains("'8.4' is not an ISO/IEC 27001:2022 clause");
        });
    }

    @Test
    void anAnnexAControlIsNotAClause() throws IOException {
        assertThat(read(RULE_YML + "clauses:\n  - A.8.5\n")).isEmpty();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(10);
            assertThat(p.column()).isEqualTo(5);
            assertThat(p.message()).contains("'A.8.5'").contains("'controls'");
        });
    }

    @Test
    void aClauseListedTwiceIsReported() throws IOException {
        assertThat(read(RULE_YML + "clauses: [\"8.1\", 8.1]\n")).isEmpty();
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.message()).contains("clause 8.1 is listed twice");
        });
    }

    @Test
    void overlapsIsOneRuleOrAList() throws IOException {
        assertThat(read(RULE_YML).orElseThrow().overlaps()).isEmpty();
        assertThat(read(RULE_YML + "overlaps: sshd_password_authentication_disabled\n").orElseThrow().overlaps())
                .containsExactly("sshd_password_authentication_disabled");
        assertThat(read(RULE_YML + "# why, for the reader\noverlaps: [a_rule, another_rule]\n").orElseThrow().overlaps())
                .containsExactly("a_rule", "another_rule");
    }

    @Test
    void aRuleDoesNotOverlapItselfNorTheSameRuleTwice() throws IOException {
        assertThat(read(RULE_YML + "overlaps: [a_rule, " + ID + ", a_rule]\n")).isEmpty();
        assertThat(problems).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
                "9:20 a rule does not overlap itself; 'overlaps' names the other rules that read the same configuration"
                        + " for the same control",
                "9:46 rule a_rule is listed twice in 'overlaps'");
    }

    @Test
    void anEmptyListOrASingleValueIsReported() throws IOException {
        assertThat(read(RULE_YML + "clauses: []\n")).isEmpty();
        assertThat(read(RULE_YML + "clauses: \"8.1\"\n")).isEmpty();
        assertThat(problems).hasSize(2).allSatisfy(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.column()).isEqualTo("clauses: ".length() + 1);
            assertThat(p.message()).contains("'clauses' must be a non-empty list");
        });
    }

    @Test
    void everyEarlierConstructorStillGivesNoClauses() {
        Path folder = work.resolve(ID);
        RuleDefinition twelve = new RuleDefinition(ID, "t", List.of("8.5"), Severity.HIGH, List.of(), "r", "m", Map.of(),
                folder, "p", Map.of(), "9.1");
        RuleDefinition eleven = new RuleDefinition(ID, "t", List.of("8.5"), Severity.HIGH, List.of(), "r", "m", Map.of(),
                folder, "p", Map.of());
        RuleDefinition ten = new RuleDefinition(ID, "t", List.of("8.5"), Severity.HIGH, List.of(), "r", "m", Map.of(), folder, "p");
        assertThat(List.of(twelve, eleven, ten)).allSatisfy(rule -> assertThat(rule.clauses()).isEmpty());
        assertThat(twelve.requirement()).isEqualTo("9.1");
        assertThat(new RuleDefinition(ID, "t", List.of("8.5"), Severity.HIGH, List.of(), "r", "m", Map.of(), folder, "p",
                Map.of(), null, null).clauses()).isEmpty();
    }

    private Optional<RuleDefinition> read(String yml) throws IOException {
        Path folder = Files.createDirectories(work.resolve("case-" + System.nanoTime()).resolve(ID));
        Path file = Files.writeString(folder.resolve("rule.yml"), yml);
        return new RuleMetadataReader(CATALOG).read(file, DISPLAY, "technological.c8_05_secure_authentication." + ID, problems);
    }
}
