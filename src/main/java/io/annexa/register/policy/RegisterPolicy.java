package io.annexa.register.policy;

import io.annexa.evaluation.Severity;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How the nonconformity register grades, escalates and closes nonconformities ({@code config/register.yml}).
 * Every value has a default, so an absent file or key means {@link #defaults()}.
 */
public final class RegisterPolicy {

    /** Rows by rule severity, columns by asset criticality, both in declaration order (low first). */
    private static final Grade[][] DEFAULT_MATRIX = {
        /* low      */ {Grade.OBSERVATION, Grade.OBSERVATION, Grade.OBSERVATION, Grade.MINOR},
        /* medium   */ {Grade.OBSERVATION, Grade.MINOR, Grade.MINOR, Grade.MAJOR},
        /* high     */ {Grade.MINOR, Grade.MAJOR, Grade.MAJOR, Grade.MAJOR},
        /* critical */ {Grade.MAJOR, Grade.MAJOR, Grade.MAJOR, Grade.MAJOR},
    };

    private static final RegisterPolicy DEFAULTS = new Builder().build();

    private final Grade[][] matrix;
    private final Criticality defaultCriticality;
    private final Grade overdueGrade;
    private final Grade recurrenceGrade;
    private final Duration recurrenceWindow;
    private final Duration effectivenessPeriod;
    private final Duration maxRiskAcceptance;
    private final Duration riskExpiryWarning;
    private final List<String> controlNotOperatingClauses;
    private final List<String> monitoringGapClauses;

    private RegisterPolicy(Builder b) {
        this.matrix = copy(b.matrix);
        this.defaultCriticality = b.defaultCriticality;
        this.overdueGrade = b.overdueGrade;
        this.recurrenceGrade = b.recurrenceGrade;
        this.recurrenceWindow = b.recurrenceWindow;
        this.effectivenessPeriod = b.effectivenessPeriod;
        this.maxRiskAcceptance = b.maxRiskAcceptance;
        this.riskExpiryWarning = b.riskExpiryWarning;
        this.controlNotOperatingClauses = List.copyOf(b.controlNotOperatingClauses);
        this.monitoringGapClauses = List.copyOf(b.monitoringGapClauses);
    }

    public static RegisterPolicy defaults() {
        return DEFAULTS;
    }

    /** The grade of a nonconformity found by a rule of {@code severity} on an asset of {@code criticality}. */
    public Grade grade(Severity severity, Criticality criticality) {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(criticality, "criticality");
        return matrix[severity.ordinal()][criticality.ordinal()];
    }

    /** The criticality of an asset the inventory does not list. */
    public Criticality defaultCriticality() {
        return defaultCriticality;
    }

    /** The grade a nonconformity takes when it is still open after its due date. */
    public Grade overdueGrade() {
        return overdueGrade;
    }

    /** The grade a nonconformity takes when it recurs within {@link #recurrenceWindow()} of being closed. */
    public Grade recurrenceGrade() {
        return recurrenceGrade;
    }

    public Duration recurrenceWindow() {
        return recurrenceWindow;
    }

    /** How long a resolved nonconformity must stay away before it is closed as effectively corrected. */
    public Duration effectivenessPeriod() {
        return effectivenessPeriod;
    }

    /** The longest a risk may be accepted for before it must be decided again. */
    public Duration maxRiskAcceptance() {
        return maxRiskAcceptance;
    }

    /** How long before a risk acceptance expires its owner is warned. */
    public Duration riskExpiryWarning() {
        return riskExpiryWarning;
    }

    /** ISO/IEC 27001:2022 clauses breached when a control does not operate (a rule finds something). */
    public List<String> controlNotOperatingClauses() {
        return controlNotOperatingClauses;
    }

    /** ISO/IEC 27001:2022 clauses breached when monitoring itself has a gap (a source went silent). */
    public List<String> monitoringGapClauses() {
        return monitoringGapClauses;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegisterPolicy p && Arrays.deepEquals(matrix, p.matrix)
                && defaultCriticality == p.defaultCriticality && overdueGrade == p.overdueGrade
                && recurrenceGrade == p.recurrenceGrade && recurrenceWindow.equals(p.recurrenceWindow)
                && effectivenessPeriod.equals(p.effectivenessPeriod) && maxRiskAcceptance.equals(p.maxRiskAcceptance)
                && riskExpiryWarning.equals(p.riskExpiryWarning)
                && controlNotOperatingClauses.equals(p.controlNotOperatingClauses)
                && monitoringGapClauses.equals(p.monitoringGapClauses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(matrix), defaultCriticality, overdueGrade, recurrenceGrade,
                recurrenceWindow, effectivenessPeriod, maxRiskAcceptance, riskExpiryWarning,
                controlNotOperatingClauses, monitoringGapClauses);
    }

    @Override
    public String toString() {
        StringBuilder grading = new StringBuilder();
        for (Severity severity : Severity.values()) {
            grading.append(severity.label()).append('=');
            for (Criticality criticality : Criticality.values()) {
                grading.append(grade(severity, criticality).label().charAt(0));
            }
            grading.append(' ');
        }
        return "RegisterPolicy[grading " + grading + "default " + defaultCriticality.label()
                + ", overdue " + overdueGrade.label() + ", recurrence " + recurrenceGrade.label() + " within "
                + recurrenceWindow + ", effectiveness " + effectivenessPeriod + ", risk acceptance " + maxRiskAcceptance
                + " warned " + riskExpiryWarning + ", clauses " + controlNotOperatingClauses + " / " + monitoringGapClauses + "]";
    }

    private static Grade[][] copy(Grade[][] matrix) {
        return Arrays.stream(matrix).map(Grade[]::clone).toArray(Grade[][]::new);
    }

    /** The defaults, changed key by key as {@link RegisterPolicyReader} reads them. */
    static final class Builder {
        final Grade[][] matrix = copy(DEFAULT_MATRIX);
        Criticality defaultCriticality = Criticality.MEDIUM;
        Grade overdueGrade = Grade.MAJOR;
        Grade recurrenceGrade = Grade.MAJOR;
        Duration recurrenceWindow = Duration.ofDays(30);
        Duration effectivenessPeriod = Duration.ofDays(7);
        Duration maxRiskAcceptance = Duration.ofDays(365);
        Duration riskExpiryWarning = Duration.ofDays(7);
        List<String> controlNotOperatingClauses = List.of("6.1.3", "8.1");
        List<String> monitoringGapClauses = List.of("9.1");

        void grade(Severity severity, Criticality criticality, Grade grade) {
            matrix[severity.ordinal()][criticality.ordinal()] = grade;
        }

        RegisterPolicy build() {
            return new RegisterPolicy(this);
        }
    }
}
