package io.annexa.register.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evaluation.Severity;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The register's defaults, and the small vocabularies it is written in. */
class RegisterPolicyTest {

    /** The default matrix as config/register.yml documents it, row by row. */
    private static final Map<Severity, Grade[]> DEFAULT_GRADES = new EnumMap<>(Map.of(
            Severity.CRITICAL, new Grade[] {Grade.MAJOR, Grade.MAJOR, Grade.MAJOR, Grade.MAJOR},
            Severity.HIGH, new Grade[] {Grade.MINOR, Grade.MAJOR, Grade.MAJOR, Grade.MAJOR},
            Severity.MEDIUM, new Grade[] {Grade.OBSERVATION, Grade.MINOR, Grade.MINOR, Grade.MAJOR},
            Severity.LOW, new Grade[] {Grade.OBSERVATION, Grade.OBSERVATION, Grade.OBSERVATION, Grade.MINOR}));

    @Test
    void everyCellOfTheDefaultMatrix() {
        RegisterPolicy policy = RegisterPolicy.defaults();
        int cells = 0;
        for (Severity severity : Severity.values()) {
            Criticality[] columns = {Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.CRITICAL};
            for (int i = 0; i < columns.length; i++) {
                assertThat(policy.grade(severity, columns[i])).as("%s × %s", severity, columns[i])
                        .isEqualTo(DEFAULT_GRADES.get(severity)[i]);
                cells++;
            }
        }
        assertThat(cells).isEqualTo(16);
    }

    @Test
    void theOtherDefaults() {
        RegisterPolicy policy = RegisterPolicy.defaults();
        assertThat(policy.defaultCriticality()).isEqualTo(Criticality.MEDIUM);
        assertThat(policy.overdueGrade()).isEqualTo(Grade.MAJOR);
        assertThat(policy.recurrenceGrade()).isEqualTo(Grade.MAJOR);
        assertThat(policy.recurrenceWindow()).isEqualTo(Duration.ofDays(30));
        assertThat(policy.effectivenessPeriod()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.maxRiskAcceptance()).isEqualTo(Duration.ofDays(365));
        assertThat(policy.riskExpiryWarning()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.controlNotOperatingClauses()).containsExactly("6.1.3", "8.1");
        assertThat(policy.monitoringGapClauses()).containsExactly("9.1");
    }

    @Test
    void theDefaultClausesAreClausesOfTheCatalog() {
        RegisterPolicy policy = RegisterPolicy.defaults();
        assertThat(policy.controlNotOperatingClauses()).allSatisfy(id -> assertThat(Clauses.problem(id)).isEmpty());
        assertThat(policy.monitoringGapClauses()).allSatisfy(id -> assertThat(Clauses.problem(id)).isEmpty());
    }

    @Test
    void majorIsWorstObservationLeast() {
        assertThat(Grade.MAJOR.worseThan(Grade.MINOR)).isTrue();
        assertThat(Grade.MINOR.worseThan(Grade.OBSERVATION)).isTrue();
        assertThat(Grade.MAJOR.worseThan(Grade.OBSERVATION)).isTrue();
        assertThat(Grade.MINOR.worseThan(Grade.MAJOR)).isFalse();
        assertThat(Grade.OBSERVATION.worseThan(Grade.MINOR)).isFalse();
        assertThat(Grade.MAJOR.worseThan(Grade.MAJOR)).isFalse();
    }

    @Test
    void labelsParseBackIgnoringCaseAndSpace() {
        for (Grade grade : Grade.values()) {
            assertThat(Grade.parse(grade.label())).isEqualTo(grade);
            assertThat(Grade.parse(" " + grade.label().toUpperCase() + " ")).isEqualTo(grade);
        }
        for (Criticality criticality : Criticality.values()) {
            assertThat(Criticality.parse(criticality.label())).isEqualTo(criticality);
        }
        assertThat(Criticality.parse("Critical")).isEqualTo(Criticality.CRITICAL);
    }

    @Test
    void anUnknownValueNamesTheAllowedOnes() {
        assertThatThrownBy(() -> Grade.parse("severe")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'severe'").hasMessageContaining("major, minor, observation");
        assertThatThrownBy(() -> Criticality.parse("urgent")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'urgent'").hasMessageContaining("low, medium, high, critical");
        assertThatThrownBy(() -> Criticality.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
