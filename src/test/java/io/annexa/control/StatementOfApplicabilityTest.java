package io.annexa.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Statement of Applicability: the organisation's decisions joined with what monitoring says. */
class StatementOfApplicabilityTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant EARLIER = Instant.parse("2026-03-01T11:00:00Z");
    private static final Instant LATER = Instant.parse("2026-03-01T11:30:00Z");

    @Test
    void withNothingDecidedOrMonitoredEveryControlIsApplicableManualAndNotEvaluated() {
        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, Map.of(), List.of(), Map.of(), NOW);

        assertThat(soa.generatedAt()).isEqualTo(NOW);
        assertThat(soa.entries()).hasSize(93);
        assertThat(soa.entries()).extracting(e -> e.control().id())
                .containsExactlyElementsOf(CATALOG.all().stream().map(Control::id).toList());
        assertThat(soa.entries()).allSatisfy(e -> {
            assertThat(e.applicability()).isEqualTo(Applicability.byDefault(e.control().id()));
            assertThat(e.coverage()).isEqualTo(Coverage.MANUAL);
            assertThat(e.status()).isEqualTo(SoaStatus.NOT_EVALUATED);
            assertThat(e.rules()).isEmpty();
            assertThat(e.lastEvaluated()).isNull();
            assertThat(e.openNonconformities()).isEmpty();
            assertThat(e.problems()).isEmpty();
        });
        assertThat(soa.problems()).isEmpty();
    }

    @Test
    void coverageComesFromTheRulesAndTheirMainControl() {
        List<MonitoringRule> rules = List.of(
                new MonitoringRule("root_login", List.of("8.5", "8.2"), null),
                new MonitoringRule("password_auth", List.of("8.5"), null),
                new MonitoringRule("log_shipping", List.of("8.15", "8.16", "8.2"), null));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, Map.of(), rules, Map.of(), NOW);

        assertThat(entry(soa, "8.5").coverage()).isEqualTo(Coverage.AUTOMATED);
        assertThat(entry(soa, "8.5").rules()).containsExactly("root_login", "password_auth");
        assertThat(entry(soa, "8.15").coverage()).isEqualTo(Coverage.AUTOMATED);
        assertThat(entry(soa, "8.2").coverage()).isEqualTo(Coverage.PARTIAL);
        assertThat(entry(soa, "8.2").rules()).containsExactly("root_login", "log_shipping");
        assertThat(entry(soa, "8.16").coverage()).isEqualTo(Coverage.PARTIAL);
        assertThat(entry(soa, "5.1").coverage()).isEqualTo(Coverage.MANUAL);
        assertThat(soa.entries()).filteredOn(e -> e.coverage() == Coverage.MANUAL).hasSize(89);
        assertThat(soa.entries()).hasSize(93);
        // rules that never evaluated anything do not make a control compliant
        assertThat(entry(soa, "8.5").status()).isEqualTo(SoaStatus.NOT_EVALUATED);
    }

    @Test
    void coverageOfOneControl() {
        assertThat(StatementOfApplicability.coverage("8.5", List.of())).isEqualTo(Coverage.MANUAL);
        assertThat(StatementOfApplicability.coverage("8.2", List.of(new MonitoringRule("r", List.of("8.5", "8.2"), null))))
                .isEqualTo(Coverage.PARTIAL);
        assertThat(StatementOfApplicability.coverage("8.2", List.of(
                new MonitoringRule("r", List.of("8.5", "8.2"), null), new MonitoringRule("s", List.of("8.2"), null))))
                .isEqualTo(Coverage.AUTOMATED);
    }

    @Test
    void aControlIsCompliantOnlyOnceARuleEvaluatedIt() {
        List<MonitoringRule> rules = List.of(
                new MonitoringRule("root_login", List.of("8.5", "8.2"), EARLIER),
                new MonitoringRule("password_auth", List.of("8.5"), LATER),
                new MonitoringRule("never_ran", List.of("8.15"), null));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, Map.of(), rules, Map.of(), NOW);

        assertThat(entry(soa, "8.5").status()).isEqualTo(SoaStatus.COMPLIANT);
        assertThat(entry(soa, "8.5").lastEvaluated()).isEqualTo(LATER);
        assertThat(entry(soa, "8.2").status()).isEqualTo(SoaStatus.COMPLIANT);
        assertThat(entry(soa, "8.2").lastEvaluated()).isEqualTo(EARLIER);
        assertThat(entry(soa, "8.15").status()).isEqualTo(SoaStatus.NOT_EVALUATED);
        assertThat(entry(soa, "8.15").lastEvaluated()).isNull();
        assertThat(entry(soa, "5.1").status()).isEqualTo(SoaStatus.NOT_EVALUATED);
    }

    @Test
    void anOpenNonconformityMakesAControlNonconforming() {
        List<MonitoringRule> rules = List.of(new MonitoringRule("root_login", List.of("8.5", "8.2"), LATER));
        Map<String, List<Long>> open = Map.of("8.5", List.of(7L, 9L), "8.2", List.of(7L), "5.1", List.of(11L));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, Map.of(), rules, open, NOW);

        assertThat(entry(soa, "8.5").status()).isEqualTo(SoaStatus.NONCONFORMING);
        assertThat(entry(soa, "8.5").openNonconformities()).containsExactly(7L, 9L);
        assertThat(entry(soa, "8.2").status()).isEqualTo(SoaStatus.NONCONFORMING);
        // a nonconformity raised by hand against an unmonitored control counts too
        assertThat(entry(soa, "5.1").status()).isEqualTo(SoaStatus.NONCONFORMING);
        assertThat(entry(soa, "5.1").coverage()).isEqualTo(Coverage.MANUAL);
        assertThat(soa.entries()).hasSize(93);
    }

    @Test
    void anExcludedControlIsNotApplicableWhateverMonitoringSays() {
        Map<String, Applicability> decisions = Map.of(
                "7.10", new Applicability("7.10", false, "No removable media.", null, ""));
        Map<String, List<Long>> open = Map.of("7.10", List.of(3L));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, decisions, List.of(), open, NOW);

        SoaEntry media = entry(soa, "7.10");
        assertThat(media.status()).isEqualTo(SoaStatus.NOT_APPLICABLE);
        assertThat(media.applicability().justification()).isEqualTo("No removable media.");
        assertThat(media.problems()).isEmpty();
        assertThat(soa.problems()).isEmpty();
        assertThat(soa.entries()).hasSize(93);
    }

    @Test
    void anExclusionWithoutJustificationIsAProblem() {
        Map<String, Applicability> decisions = Map.of(
                "7.10", new Applicability("7.10", false, "", null, ""),
                "5.7", new Applicability("5.7", false, "  ", null, "we will get to it"),
                "6.7", new Applicability("6.7", false, "Nobody works remotely.", null, ""));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, decisions, List.of(), Map.of(), NOW);

        assertThat(entry(soa, "7.10").problems()).singleElement().asString().contains("7.10").contains("justification");
        assertThat(entry(soa, "5.7").problems()).singleElement().asString().contains("5.7").contains("justification");
        assertThat(entry(soa, "6.7").problems()).isEmpty();
        assertThat(soa.problems()).hasSize(2);
        assertThat(soa.entries()).filteredOn(e -> e.status() == SoaStatus.NOT_APPLICABLE).hasSize(3);
    }

    @Test
    void anExcludedControlThatRulesStillMonitorIsAProblem() {
        Map<String, Applicability> decisions = Map.of(
                "8.2", new Applicability("8.2", false, "No privileged accounts.", null, ""));
        List<MonitoringRule> rules = List.of(
                new MonitoringRule("root_login", List.of("8.5", "8.2"), LATER),
                new MonitoringRule("sudo_logged", List.of("8.15", "8.2"), LATER));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, decisions, rules, Map.of(), NOW);

        SoaEntry privileged = entry(soa, "8.2");
        assertThat(privileged.status()).isEqualTo(SoaStatus.NOT_APPLICABLE);
        assertThat(privileged.coverage()).isEqualTo(Coverage.PARTIAL);
        assertThat(privileged.problems()).singleElement().asString()
                .contains("8.2").contains("excluded").contains("root_login").contains("sudo_logged");
        assertThat(soa.problems()).containsExactlyElementsOf(privileged.problems());
    }

    @Test
    void bothProblemsAtOnce() {
        Map<String, Applicability> decisions = Map.of("8.5", new Applicability("8.5", false, "", null, ""));
        List<MonitoringRule> rules = List.of(new MonitoringRule("root_login", List.of("8.5"), null));

        StatementOfApplicability soa = StatementOfApplicability.of(CATALOG, decisions, rules, Map.of(), NOW);

        assertThat(entry(soa, "8.5").problems()).hasSize(2);
        assertThat(soa.problems()).hasSize(2);
    }

    @Test
    void decisionsAreCarriedThrough() {
        Map<String, Applicability> decisions = Map.of(
                "8.5", new Applicability("8.5", true, "Internet-facing SSH.", Implementation.IMPLEMENTED, "SSH keys only."));

        SoaEntry entry = entry(StatementOfApplicability.of(CATALOG, decisions, List.of(), Map.of(), NOW), "8.5");

        assertThat(entry.applicability()).isEqualTo(decisions.get("8.5"));
        assertThat(entry.status()).isEqualTo(SoaStatus.NOT_EVALUATED);
    }

    private static SoaEntry entry(StatementOfApplicability soa, String id) {
        return soa.entries().stream().filter(e -> e.control().id().equals(id)).findFirst().orElseThrow();
    }
}
