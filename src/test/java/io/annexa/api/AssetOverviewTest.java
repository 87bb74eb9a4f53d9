package io.annexa.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleMetadata;
import io.annexa.evaluation.Severity;
import io.annexa.evidence.EvidenceScope;
import io.annexa.evidence.SourceSilent;
import io.annexa.register.ActionRequest;
import io.annexa.register.LifecycleAction;
import io.annexa.register.policy.AssetInventory;
import io.annexa.register.policy.AssetInventoryReader;
import io.annexa.register.policy.AssetRecord;
import io.annexa.register.policy.Criticality;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/assets}: the inventory beside what sources report, with what is still open per asset. */
class AssetOverviewTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path directory;

    @Test
    void inventoryEntriesCountWhatIsUnfixedAndUnregisteredAssetsAreListedSorted() {
        AssetRecord web = new AssetRecord("web-01.sample", "web-team", Criticality.HIGH, "internal", List.of("web", "sample"), false);
        AssetRecord databases = new AssetRecord("db-*", "dba-team", Criticality.CRITICAL, "", List.of(), false);
        AssetRecord retired = new AssetRecord("old-01", "platform-team", Criticality.LOW, "", List.of(), true);
        AssetInventory inventory = new AssetInventory(List.of(web, databases, retired));
        try (RegisterFixture fixture = new RegisterFixture(directory, inventory, NOW)) {
            RuleDefinition root = fixture.rule("sshd_root_login_disabled", "No root", Severity.HIGH, "8.5");
            RuleDefinition passwords = fixture.rule("sshd_password_authentication_disabled", "No passwords", Severity.HIGH, "8.5");
            fixture.evaluate(List.of(
                    RegisterFixture.finding(root, "web-01.sample", "PermitRootLogin yes"),
                    RegisterFixture.finding(passwords, "web-01.sample", "PasswordAuthentication yes"),
                    RegisterFixture.finding(root, "db-01", "PermitRootLogin yes"),
                    RegisterFixture.finding(root, "db-02", "PermitRootLogin yes"),
                    RegisterFixture.finding(root, "zeta-9", "PermitRootLogin yes"),
                    RegisterFixture.finding(root, "alpha-1", "PermitRootLogin yes")), "bastion-01");
            // an accepted risk is not fixed, but it is not open either: it leaves the count
            long accepted = fixture.repository.findActive().stream().filter(nc -> nc.getAsset().equals("db-02")).findFirst()
                    .orElseThrow().getId();
            fixture.act(accepted, LifecycleAction.ACCEPT_RISK, RegisterFixture.acceptRisk("bob", "jump host only",
                    NOW.plus(Duration.ofDays(30))), "alice");

            Map<String, Instant> reported = fixture.register.reportedAssets();
            AssetResource.Overview overview = AssetResource.overview(inventory, reported, fixture.repository.findActive());

            assertThat(overview.inventory()).hasSize(3);
            AssetResource.Entry webEntry = overview.inventory().get(0);
            assertThat(webEntry).isEqualTo(new AssetResource.Entry("web-01.sample", null, "web-team", "high", "internal",
                    List.of("web", "sample"), false, 2, NOW));
            AssetResource.Entry dbEntry = overview.inventory().get(1);
            assertThat(dbEntry.name()).isNull();
            assertThat(dbEntry.match()).isEqualTo("db-*");
            assertThat(dbEntry.openNonconformities()).isEqualTo(1);
            assertThat(dbEntry.lastReported()).isNull();
            assertThat(overview.inventory().get(2)).satisfies(e -> {
                assertThat(e.decommissioned()).isTrue();
                assertThat(e.openNonconformities()).isZero();
                assertThat(e.lastReported()).isNull();
            });

            assertThat(overview.unregistered()).containsExactly(
                    new AssetResource.Unregistered("alpha-1", NOW, 1),
                    new AssetResource.Unregistered("bastion-01", NOW, 0),
                    new AssetResource.Unregistered("zeta-9", NOW, 1));
        }
    }

    @Test
    void anAssetKnownOnlyByItsNonconformitiesIsUnregisteredToo() {
        try (RegisterFixture fixture = new RegisterFixture(directory, AssetInventory.empty(), NOW)) {
            RuleDefinition root = fixture.rule("sshd_root_login_disabled", "No root", Severity.HIGH, "8.5");
            fixture.evaluate(List.of(RegisterFixture.finding(root, "web-9", "PermitRootLogin yes")));
            long id = fixture.repository.findActive().get(0).getId();
            fixture.act(id, LifecycleAction.ACKNOWLEDGE, ActionRequest.comment("seen"), "alice");

            // after a restart, before any source delivered again, nothing has been reported
            AssetResource.Overview overview = AssetResource.overview(AssetInventory.empty(), Map.of(), fixture.repository.findActive());

            assertThat(overview.inventory()).isEmpty();
            assertThat(overview.unregistered()).containsExactly(new AssetResource.Unregistered("web-9", null, 1));
        }
    }

    /** A route that stopped delivering has its monitoring gap raised under the route's id, which names no asset. */
    @Test
    void aSilentRouteIsNoAssetThoughItsMonitoringGapIsOpen() {
        AssetInventory inventory = new AssetInventory(List.of(
                new AssetRecord("web-01", "web-team", Criticality.HIGH, "internal", List.of(), false)));
        try (RegisterFixture fixture = new RegisterFixture(directory, inventory, NOW)) {
            RuleDefinition root = fixture.rule("sshd_root_login_disabled", "No root", Severity.HIGH, "8.5");
            RuleDefinition silent = fixture.rule(RuleMetadata.of("technological/c8_16_monitoring_activities/source_reporting_on_schedule"));
            fixture.evaluate(List.of(
                    RegisterFixture.finding(silent, "accounts-query", "route accounts-query (accounts) is expected to deliver every 10m"),
                    RegisterFixture.finding(root, "web-02", "PermitRootLogin yes")), Set.of(
                    new EvidenceScope(SourceSilent.SOURCE, "accounts-query"),
                    new EvidenceScope(RegisterFixture.SOURCE, "web-01"), new EvidenceScope(RegisterFixture.SOURCE, "web-02")));
            assertThat(fixture.repository.findActive()).extracting(nc -> nc.getRuleId() + " " + nc.getAsset())
                    .containsExactlyInAnyOrder("source_reporting_on_schedule accounts-query", "sshd_root_login_disabled web-02");

            Map<String, Instant> reported = fixture.register.reportedAssets();
            AssetResource.Overview overview = AssetResource.overview(inventory, reported, fixture.repository.findActive());

            assertThat(reported).containsOnlyKeys("web-01", "web-02");
            assertThat(overview.unregistered()).containsExactly(new AssetResource.Unregistered("web-02", NOW, 1));
            assertThat(overview.inventory()).singleElement().satisfies(e -> {
                assertThat(e.openNonconformities()).isZero();
                assertThat(e.lastReported()).isEqualTo(NOW);
            });
        }
    }

    @Test
    void theShippedInventoryNamesTheSampleHostsOwners() throws Exception {
        AssetInventory shipped = AssetInventoryReader.read(ProjectFiles.root().resolve("config/assets.yml"));

        assertThat(shipped.find("web-01.sample")).hasValueSatisfying(r -> assertThat(r.owner()).isEqualTo("web-team"));
        assertThat(shipped.find("bastion-01.sample")).hasValueSatisfying(r -> assertThat(r.owner()).isEqualTo("platform-team"));
    }
}
