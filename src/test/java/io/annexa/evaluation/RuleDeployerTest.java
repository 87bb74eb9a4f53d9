package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.register.DatabaseSettings;
import io.annexa.register.DatabaseMigrations;
import io.annexa.register.NonconformityQuery;
import io.annexa.register.NonconformityRegister;
import io.annexa.register.NonconformityRepository;
import io.annexa.register.NonconformityStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules change while Annexa runs: the new library is swapped in without a restart, current evidence
 * carries over, and the register neither duplicates nor wrongly resolves nonconformities.
 */
class RuleDeployerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ROOT_LOGIN = "technological/c8_05_secure_authentication/sshd_root_login_disabled";
    private static final String BASELINE_RULE = "technological/c8_09_configuration_management/config_matches_baseline";

    @TempDir
    Path home;

    private final ControlCatalog catalog = ControlCatalog.load();
    private final List<EvaluationResult> results = new CopyOnWriteArrayList<>();
    private Path rules;
    private Path settings;
    private NonconformityRepository repository;
    private EvaluationEngine engine;
    private RuleDeployer deployer;

    @BeforeEach
    void start() throws Exception {
        rules = home.resolve("rules");
        ProjectFiles.rulesSubset(rules, ProjectFiles.SSHD_RULES);
        settings = Files.createDirectories(home.resolve("config")).resolve("rules.yml");
        DatabaseSettings database = DatabaseSettings.embedded(home.resolve("data"));
        DatabaseMigrations.migrate(database);
        repository = NonconformityRepository.open(database);
        NonconformityRegister register = new NonconformityRegister(repository, io.annexa.register.policy.RegisterPolicy.defaults(),
                io.annexa.register.policy.AssetInventory.empty(), java.time.Clock.systemUTC());
        RuleLibrary library = RuleLibrary.load(rules, settings, catalog);
        engine = new EvaluationEngine(library, result -> {
            register.reconcile(result, id -> engine.library().enabledRule(id));
            results.add(result);
        }, Thread::new);
        deployer = new RuleDeployer(rules, settings, catalog, engine, Thread::new, 100);
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("PermitRootLogin yes\nPasswordAuthentication no\n"));
        await().atMost(DEADLINE).until(() -> open("sshd_root_login_disabled").size() == 1);
    }

    @AfterEach
    void stop() {
        deployer.close();
        engine.close();
        repository.close();
    }

    @Test
    void aChangedRuleIsDeployedWithoutRestartAndTheOpenNonconformityIsKept() throws IOException {
        long id = open("sshd_root_login_disabled").get(0).getId();
        Path drl = rules.resolve(ROOT_LOGIN).resolve("sshd_root_login_disabled.drl");
        Files.writeString(drl, Files.readString(drl).replace("root may log in over SSH: ", "root login allowed: "));

        await().atMost(DEADLINE).until(() -> open("sshd_root_login_disabled").stream()
                .anyMatch(nc -> nc.getEvidenceSummary().startsWith("root login allowed: ")));
        assertThat(open("sshd_root_login_disabled")).singleElement().satisfies(nc -> assertThat(nc.getId()).isEqualTo(id));
        assertThat(deployer.lastDeployment().deployed()).isTrue();
        // one row: the same nonconformity, neither resolved nor opened again by the swap
        assertThat(repository.page(NonconformityQuery.all()).items()).hasSize(1);
    }

    @Test
    void aRuleThatDoesNotCompileNeverReplacesTheWorkingOnes() throws IOException {
        String before = engine.library().contentHash();
        Path drl = rules.resolve(ROOT_LOGIN).resolve("sshd_root_login_disabled.drl");
        Files.writeString(drl, Files.readString(drl).replaceFirst("then", "thne"));

        await().atMost(DEADLINE).until(() -> !deployer.lastDeployment().deployed());
        assertThat(deployer.lastDeployment().problems()).anySatisfy(p -> assertThat(p.toString()).contains("sshd_root_login_disabled.drl"));
        assertThat(engine.library().contentHash()).isEqualTo(before);

        // the old rules still evaluate new evidence
        engine.replace(new EvidenceKey("sshd_config", "web2", "test"), sshd("web2", "PermitRootLogin yes\nPasswordAuthentication no\n"));
        await().atMost(DEADLINE).until(() -> repository.findActive().stream()
                .filter(nc -> nc.getRuleId().equals("sshd_root_login_disabled")).count() == 2);
    }

    @Test
    void disablingARuleWithdrawsItsNonconformitiesWithoutResolvingThemAndParametersComeFromSettings() throws IOException {
        Files.writeString(settings, "rules:\n  sshd_root_login_disabled:\n    enabled: false\n");
        await().atMost(DEADLINE).until(() -> !engine.library().isEnabled("sshd_root_login_disabled"));
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("PermitRootLogin no\nPasswordAuthentication no\n"));
        await().atMost(DEADLINE).until(() -> results.stream().anyMatch(r -> !r.refreshed().isEmpty()
                && r.findings().stream().noneMatch(f -> f.getRuleId().equals("sshd_root_login_disabled"))));
        // not evaluated any more is not the same as fixed: withdrawn (rule retired), never resolved
        await().atMost(DEADLINE).until(() -> open("sshd_root_login_disabled").isEmpty());
        assertThat(repository.page(NonconformityQuery.all().withAsset("web1")).items())
                .filteredOn(nc -> nc.getRuleId().equals("sshd_root_login_disabled")).singleElement()
                .satisfies(nc -> {
                    assertThat(nc.getStatus()).isEqualTo(NonconformityStatus.WITHDRAWN);
                    assertThat(nc.getWithdrawnReason()).isEqualTo("rule-retired");
                    assertThat(nc.getResolvedAt()).isNull();
                });

        Files.writeString(settings, "rules:\n  sshd_root_login_disabled:\n    enabled: nope\n");
        await().atMost(DEADLINE).until(() -> !deployer.lastDeployment().deployed());
        assertThat(deployer.lastDeployment().problems()).anySatisfy(p -> assertThat(p.toString())
                .contains("config/rules.yml:3").contains("true or false"));
    }

    @Test
    void aChangedBaselineIsDeployedAndAFaultyOneIsRefusedWithItsLine() throws IOException {
        ProjectFiles.rulesSubset(rules, BASELINE_RULE);
        Path baseline = settings.resolveSibling("baseline.yml");
        Files.writeString(baseline, """
                baseline:
                  - source: sshd_config
                    settings:
                      X11Forwarding: "no"
                """);
        await().atMost(DEADLINE).until(() -> open("config_matches_baseline").size() == 1);
        assertThat(open("config_matches_baseline").get(0).getEvidenceSummary())
                .contains("does not set X11Forwarding").contains("config/baseline.yml:4");

        String before = engine.library().contentHash();
        Files.writeString(baseline, """
                baseline:
                  - source: sshd
                    settings:
                      X11Forwarding: "no"
                """);
        await().atMost(DEADLINE).until(() -> !deployer.lastDeployment().deployed());
        assertThat(deployer.lastDeployment().problems()).anySatisfy(p -> assertThat(p.toString())
                .contains("config/baseline.yml:2").contains("unknown configuration source 'sshd'"));
        assertThat(engine.library().contentHash()).isEqualTo(before);
        assertThat(engine.library().baseline()).singleElement().satisfies(b -> assertThat(b.getKey()).isEqualTo("X11Forwarding"));

        // the baseline no longer asks for the setting: the drift is resolved on the next evidence of the host
        Files.writeString(baseline, "baseline: []\n");
        await().atMost(DEADLINE).until(() -> deployer.lastDeployment().deployed() && engine.library().baseline().isEmpty());
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("PermitRootLogin yes\nPasswordAuthentication no\n"));
        await().atMost(DEADLINE).until(() -> open("config_matches_baseline").isEmpty());
    }

    @Test
    void aNewRuleFolderIsPickedUpAndEvaluatesCurrentEvidence() throws IOException {
        Path folder = Files.createDirectories(rules.resolve("technological/c8_05_secure_authentication/sshd_max_auth_tries_limited"));
        Files.writeString(folder.resolve("rule.yml"), """
                id: sshd_max_auth_tries_limited
                title: SSH limits authentication attempts per connection
                controls:
                  iso27002:2022: ["8.5"]
                severity: low
                sources: [sshd_config]
                rationale: Fewer attempts per connection slow down password guessing.
                remediation: Set MaxAuthTries to the parameter's value or lower.
                parameters:
                  max_auth_tries:
                    type: integer
                    default: 4
                    description: highest MaxAuthTries accepted
                """);
        Files.writeString(folder.resolve("sshd_max_auth_tries_limited.drl"), """
                package technological.c8_05_secure_authentication.sshd_max_auth_tries_limited;

                import io.annexa.evidence.ConfigFile;
                import io.annexa.evidence.ConfigEntry;
                import io.annexa.evidence.RuleParameter;

                global io.annexa.evaluation.FindingFactory findings;

                rule "sshd_max_auth_tries_limited: MaxAuthTries missing or too high"
                when
                    RuleParameter( rule == "sshd_max_auth_tries_limited", name == "max_auth_tries", $max : intValue )
                    $file : ConfigFile( source == "sshd_config", $asset : asset )
                    not ConfigEntry( source == "sshd_config", asset == $asset, key == "MaxAuthTries", global,
                                     Integer.parseInt(value) <= $max )
                then
                    insertLogical(findings.of(drools, $asset, "MaxAuthTries is not set to " + $max + " or lower in " + $file.getFile()));
                end
                """);
        await().atMost(DEADLINE).until(() -> open("sshd_max_auth_tries_limited").size() == 1);
        assertThat(open("sshd_max_auth_tries_limited").get(0).getEvidenceSummary()).contains("4 or lower");

        Files.writeString(settings, "rules:\n  sshd_max_auth_tries_limited:\n    parameters:\n      max_auth_tries: 6\n");
        await().atMost(DEADLINE).until(() -> open("sshd_max_auth_tries_limited").stream().anyMatch(nc -> nc.getEvidenceSummary().contains("6 or lower")));
        engine.replace(new EvidenceKey("sshd_config", "web1", "test"), sshd("PermitRootLogin yes\nPasswordAuthentication no\nMaxAuthTries 6\n"));
        await().atMost(DEADLINE).until(() -> open("sshd_max_auth_tries_limited").isEmpty());
    }

    @Test
    void aDeploymentIsPendingUntilTheEngineHasTheNewRulesInService() throws Exception {
        String before = engine.library().contentHash();
        Path drl = rules.resolve(ROOT_LOGIN).resolve("sshd_root_login_disabled.drl");
        Files.writeString(drl, Files.readString(drl).replace("root may log in over SSH: ", "root login allowed: "));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // the engine thread waits here: the swap queues behind it
        engine.inspect(s -> {
            entered.countDown();
            try {
                return release.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertThat(entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        RuleDeployer.Deployment pending;
        try (RuleDeployer impatient = new RuleDeployer(rules, settings, catalog, engine, Thread::new, 3_600_000, Duration.ZERO)) {
            pending = impatient.deploy();

            assertThat(pending.status()).isEqualTo(RuleDeployer.Deployment.Status.PENDING);
            assertThat(pending.deployed()).isFalse();
            assertThat(pending.libraryVersion()).isNotEqualTo(before);
            assertThat(impatient.lastDeployment()).isEqualTo(pending);
            assertThat(engine.library().contentHash()).isEqualTo(before);

            release.countDown();
            await().atMost(DEADLINE).until(() -> impatient.lastDeployment().deployed());
            assertThat(impatient.lastDeployment().libraryVersion()).isEqualTo(pending.libraryVersion());
            assertThat(engine.library().contentHash()).isEqualTo(pending.libraryVersion());
        } finally {
            release.countDown();
        }
    }

    @Test
    void aLibraryTheEngineCannotPutInServiceIsReportedNotDeployedWithTheReason() throws IOException {
        String before = engine.library().contentHash();
        Path folder = Files.createDirectories(rules.resolve("technological/c8_05_secure_authentication/sshd_root_login_counted"));
        Files.writeString(folder.resolve("rule.yml"), """
                id: sshd_root_login_counted
                title: SSH root logins are counted
                controls:
                  iso27002:2022: ["8.5"]
                severity: low
                sources: [sshd_config]
                rationale: A number is expected.
                remediation: Write a number.
                """);
        // compiles, but fails on the evidence in service ("yes" is no number) while the new session takes it over
        Files.writeString(folder.resolve("sshd_root_login_counted.drl"), """
                package technological.c8_05_secure_authentication.sshd_root_login_counted;

                import io.annexa.evidence.ConfigEntry;

                global io.annexa.evaluation.FindingFactory findings;

                rule "sshd_root_login_counted: more than none"
                when
                    $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", $asset : asset, Integer.parseInt(value) > 0 )
                then
                    insertLogical(findings.of(drools, $asset, "PermitRootLogin " + $e.getValue()));
                end
                """);

        await().atMost(DEADLINE).until(() -> deployer.lastDeployment().status() == RuleDeployer.Deployment.Status.FAILED);
        assertThat(deployer.lastDeployment().libraryVersion()).isEqualTo(before);
        assertThat(deployer.lastDeployment().problems()).singleElement().satisfies(p -> assertThat(p.toString())
                .contains("could not be put in service, the previous rules keep running").contains("Integer.parseInt(value) > 0"));
        assertThat(engine.library().contentHash()).isEqualTo(before);

        engine.replace(new EvidenceKey("sshd_config", "web2", "test"), sshd("web2", "PermitRootLogin yes\nPasswordAuthentication no\n"));
        await().atMost(DEADLINE).until(() -> repository.findActive().stream()
                .filter(nc -> nc.getRuleId().equals("sshd_root_login_disabled")).count() == 2);
    }

    private List<io.annexa.register.Nonconformity> open(String ruleId) {
        return repository.page(NonconformityQuery.all().withStatuses(java.util.Set.of(NonconformityStatus.OPEN)).withAsset("web1")).items()
                .stream().filter(nc -> nc.getRuleId().equals(ruleId)).toList();
    }

    private List<Object> sshd(String content) throws IOException {
        return sshd("web1", content);
    }

    private List<Object> sshd(String asset, String content) throws IOException {
        Path file = Files.writeString(Files.createTempFile(home, "sshd", ".conf"), content);
        try {
            return ConfigParsers.forSource("sshd_config").orElseThrow().parse(file, asset, Instant.now()).facts();
        } catch (io.annexa.evidence.InvalidInputException e) {
            throw new IllegalStateException(e);
        }
    }
}
