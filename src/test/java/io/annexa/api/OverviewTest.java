package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.control.Applicability;
import io.annexa.control.ControlCatalog;
import io.annexa.control.MonitoringRule;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.Severity;
import io.annexa.register.LifecycleAction;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetRecord;
import io.annexa.register.policy.Criticality;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/overview}: each control's status as {@code /api/controls} reports it, its worst unfixed grade, counts by grade. */
class OverviewTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path directory;

    @Test
    void eachControlCarriesItsSoaStatusAndTheWorstGradeOfWhatIsNotYetFixed() {
        AssetInventory inventory = new AssetInventory(List.of(
                new AssetRecord("web-01", "web-team", Criticality.HIGH, "", List.of(), false),
                new AssetRecord("lab-01", "lab", Criticality.LOW, "", List.of(), false)));
        try (RegisterFixture fixture = new RegisterFixture(directory, inventory, NOW)) {
            RuleDefinition root = fixture.rule("sshd_root_login_disabled", "No root", Severity.HIGH, "8.5", "8.2");
            RuleDefinition banner = fixture.rule("sshd_banner_set", "Banner", Severity.LOW, "8.5");
            RuleDefinition ntp = fixture.rule("chrony_servers_set", "Time", Severity.LOW, "8.17");
            fixture.evaluate(List.of(
                    RegisterFixture.finding(root, "web-01", "PermitRootLogin yes"),
                    RegisterFixture.finding(banner, "lab-01", "no banner"),
                    RegisterFixture.finding(ntp, "lab-01", "one server"),
                    RegisterFixture.finding(ntp, "web-01", "one server")));
            // an accepted risk is not fixed, but it is not open either: it leaves the figures and the control
            long accepted = fixture.repository.findActive().stream()
                    .filter(nc -> nc.getRuleId().equals("chrony_servers_set") && nc.getAsset().equals("web-01")).findFirst().orElseThrow().getId();
            fixture.act(accepted, LifecycleAction.ACCEPT_RISK, RegisterFixture.acceptRisk("bob", "lab time only",
                    NOW.plus(Duration.ofDays(30))), "alice");
            Map<String, Applicability> decisions = Map.of("7.10", new Applicability("7.10", false, "No removable media.", null, ""));
            List<MonitoringRule> rules = List.of(new MonitoringRule(root.id(), root.controls(), NOW),
                    new MonitoringRule(banner.id(), banner.controls(), NOW), new MonitoringRule(ntp.id(), ntp.controls(), NOW),
                    new MonitoringRule("sshd_macs_strong", List.of("8.24"), NOW));
            var active = fixture.repository.findActive();
            var unfixed = fixture.repository.unfixed();
            assertThat(unfixed).extracting(NonconformityRepository.Unfixed::id).containsExactlyInAnyOrderElementsOf(
                    active.stream().filter(nc -> nc.getStatus().unfixed()).map(nc -> nc.getId()).toList());
            var soa = Soa.ofUnfixed(CATALOG, decisions, rules, unfixed, NOW);
            // the same Statement of Applicability as /api/controls builds from the entities
            assertThat(soa.entries()).isEqualTo(Soa.of(CATALOG, decisions, rules, active, NOW).entries());

            OverviewResource.Overview overview = OverviewResource.overview(soa, unfixed);

            assertThat(overview.controls()).hasSize(93);
            Map<String, OverviewResource.Cell> cells = overview.controls().stream()
                    .collect(Collectors.toMap(OverviewResource.Cell::id, Function.identity()));
            // the same status as /api/controls, control by control
            Map<String, String> soaStatus = soa.entries().stream().collect(Collectors.toMap(e -> e.control().id(), e -> e.status().label()));
            assertThat(cells.values()).allSatisfy(c -> assertThat(c.status()).isEqualTo(soaStatus.get(c.id())));
            // high severity on a high-criticality asset is major; low severity on a low-criticality one is an observation
            assertThat(cells.get("8.5")).isEqualTo(new OverviewResource.Cell("8.5", CATALOG.find("8.5").orElseThrow().title(),
                    "technological", "nonconforming", "automated", "major", 2));
            assertThat(cells.get("8.2").worstGrade()).isEqualTo("major");
            assertThat(cells.get("8.17").status()).isEqualTo("nonconforming");
            assertThat(cells.get("8.17").open()).isEqualTo(1);
            assertThat(cells.get("8.24")).satisfies(c -> {
                assertThat(c.status()).isEqualTo("compliant");
                assertThat(c.worstGrade()).isNull();
                assertThat(c.open()).isZero();
            });
            assertThat(cells.get("7.10").status()).isEqualTo("not_applicable");
            assertThat(cells.get("5.1")).satisfies(c -> {
                assertThat(c.status()).isEqualTo("not_evaluated");
                assertThat(c.monitoring()).isEqualTo("manual");
            });
            Map<String, Long> byGrade = active.stream().filter(nc -> nc.getStatus().unfixed())
                    .collect(Collectors.groupingBy(nc -> nc.getGrade(), Collectors.counting()));
            assertThat(overview.open()).isEqualTo(3);
            assertThat(overview.openByGrade()).containsOnlyKeys("major", "minor", "observation");
            byGrade.forEach((grade, count) -> assertThat(overview.openByGrade().get(grade)).isEqualTo(count.intValue()));
            assertThat(overview.openByGrade().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
        }
    }
}
