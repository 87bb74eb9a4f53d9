package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule that fails at run time is switched off while every other rule goes on; the quarantine ends when another
 * version of the rule is deployed. A library the engine cannot put in service leaves the one in service running.
 */
class RuleQuarantineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final String MAX_TRIES = "sshd_max_auth_tries_limited";
    private static final String LOOPS = "sshd_config_touched";
    private static final String FOLDER = "technological/c8_05_secure_authentication/";

    /** Parses MaxAuthTries without asking whether it is a number: throws on "many". */
    private static final String MAX_TRIES_THROWING = """
            then
                int tries = Integer.parseInt($e.getValue());
                if (tries > 4) {
                    insertLogical(findings.of(drools, $asset, "MaxAuthTries " + tries + " is above 4"));
                }
            end
            """;
    private static final String MAX_TRIES_FIXED = """
            then
                String value = $e.getValue();
                if (!value.matches("[0-9]+")) {
                    insertLogical(findings.of(drools, $asset, "MaxAuthTries '" + value + "' is not a number"));
                } else if (Integer.parseInt(value) > 4) {
                    insertLogical(findings.of(drools, $asset, "MaxAuthTries " + value + " is above 4"));
                }
            end
            """;

    @TempDir
    Path home;

    private final ControlCatalog catalog = ControlCatalog.load();
    private final List<EvaluationResult> results = new CopyOnWriteArrayList<>();
    private Path rules;
    private EvaluationEngine engine;

    @BeforeEach
    void copyRules() {
        rules = ProjectFiles.rulesSubset(home.resolve("rules"), ProjectFiles.SSHD_RULES);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aRuleWhoseConsequenceThrowsIsQuarantinedWhileTheOthersGoOnAndItsFindingsStayAsTheyWere() throws Exception {
        writeMaxTries(MAX_TRIES_THROWING);
        RuleLibrary library = load();
        engine = start(library);
        Instant started = Instant.now();
        read("web1", "yes", "6");
        awaitFinding(MAX_TRIES, "web1");

        read("web2", "yes", "many");

        await().atMost(DEADLINE).until(() -> engine.quarantine(MAX_TRIES).isPresent());
        assertThat(engine.quarantine(MAX_TRIES)).get().satisfies(q -> {
            assertThat(q.version()).isEqualTo(library.version(MAX_TRIES));
            assertThat(q.drlRule()).isEqualTo(MAX_TRIES + ": MaxAuthTries too high");
            assertThat(q.reason()).contains("NumberFormatException").contains("many");
            assertThat(q.since()).isAfterOrEqualTo(started);
        });
        assertThat(engine.quarantinesSince(started)).extracting(Quarantine::ruleId).containsExactly(MAX_TRIES);
        // the other rules evaluated the same input in the same cycle
        awaitFinding(ROOT_LOGIN, "web2");
        Instant evaluatedBefore = engine.lastEvaluated().get(MAX_TRIES);

        // fixed on web1, a new host web3: the quarantined rule judges neither, the others both
        read("web1", "no", "3");
        read("web3", "yes", "9");
        EvaluationResult last = settle();

        assertThat(last.findings()).extracting(f -> f.getRuleId() + "@" + f.getAsset())
                .contains(ROOT_LOGIN + "@web2", ROOT_LOGIN + "@web3")
                .doesNotContain(ROOT_LOGIN + "@web1")
                .as("what the rule last reported stays, so that its nonconformity is not resolved unevaluated")
                .contains(MAX_TRIES + "@web1")
                .doesNotContain(MAX_TRIES + "@web2", MAX_TRIES + "@web3");
        assertThat(last.unevaluated()).as("the register is told which findings were only kept").containsExactly(MAX_TRIES);
        assertThat(engine.lastEvaluated().get(MAX_TRIES)).as("not evaluated while quarantined").isEqualTo(evaluatedBefore);
    }

    @Test
    void aLoopingRuleIsQuarantinedWhileTheOthersGoOn() throws Exception {
        Path folder = Files.createDirectories(rules.resolve(FOLDER + LOOPS));
        Files.writeString(folder.resolve("rule.yml"), ruleYml(LOOPS, "SSH configuration is looked at"));
        Files.writeString(folder.resolve(LOOPS + ".drl"), """
                package technological.c8_05_secure_authentication.sshd_config_touched;

                import io.annexa.evidence.ConfigFile;

                rule "sshd_config_touched: touches what it reads"
                when
                    $f : ConfigFile( source == "sshd_config" )
                then
                    update($f);
                end
                """);
        engine = start(load());

        read("web1", "yes", "3");

        await().atMost(DEADLINE).until(() -> engine.quarantine(LOOPS).isPresent());
        assertThat(engine.quarantine(LOOPS)).get().satisfies(q -> {
            assertThat(q.drlRule()).isNull();
            assertThat(q.reason()).contains("without settling").contains(String.valueOf(EvaluationSession.FIRING_LIMIT));
        });
        awaitFinding(ROOT_LOGIN, "web1");
        read("web2", "yes", "3");
        awaitFinding(ROOT_LOGIN, "web2");
        assertThat(engine.quarantines()).extracting(Quarantine::ruleId).containsExactly(LOOPS);
    }

    @Test
    void theQuarantineHoldsForTheSameVersionAndEndsWhenAnotherIsDeployed() throws Exception {
        writeMaxTries(MAX_TRIES_THROWING);
        engine = start(load());
        read("web1", "yes", "6");
        awaitFinding(MAX_TRIES, "web1");
        read("web2", "yes", "many");
        await().atMost(DEADLINE).until(() -> engine.quarantine(MAX_TRIES).isPresent());

        // another rule changes: this one is still the version that failed
        Path rootLogin = rules.resolve(FOLDER + ROOT_LOGIN).resolve(ROOT_LOGIN + ".drl");
        Files.writeString(rootLogin, Files.readString(rootLogin).replace("root may log in over SSH: ", "root login allowed: "));
        swap(load());
        assertThat(engine.quarantine(MAX_TRIES)).isPresent();
        assertThat(settle().findings()).extracting(f -> f.getRuleId() + "@" + f.getAsset())
                .contains(MAX_TRIES + "@web1").doesNotContain(MAX_TRIES + "@web2");

        writeMaxTries(MAX_TRIES_FIXED);
        swap(load());

        assertThat(engine.quarantines()).isEmpty();
        assertThat(settle().findings()).filteredOn(f -> f.getRuleId().equals(MAX_TRIES))
                .extracting(f -> f.getAsset() + ": " + f.getEvidence())
                .containsExactlyInAnyOrder("web1: MaxAuthTries 6 is above 4", "web2: MaxAuthTries 'many' is not a number");
    }

    @Test
    void aLibraryThatCannotBePutInServiceLeavesTheOldOneRunning() throws Exception {
        RuleLibrary before = load();
        engine = start(before);
        read("web1", "yes", "many");
        awaitFinding(ROOT_LOGIN, "web1");
        // a constraint, not a consequence: it fails while the new session takes over the evidence
        writeMaxTries("""
                when
                    $e : ConfigEntry( source == "sshd_config", key == "MaxAuthTries", $asset : asset, Integer.parseInt(value) > 4 )
                then
                    insertLogical(findings.of(drools, $asset, "MaxAuthTries " + $e.getValue() + " is above 4"));
                end
                """, true);

        assertThatThrownBy(() -> engine.swap(load()).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasStackTraceContaining("many");

        assertThat(engine.library()).isSameAs(before);
        assertThat(engine.quarantines()).isEmpty();
        read("web2", "yes", "3");
        awaitFinding(ROOT_LOGIN, "web2");
    }

    // ---------------------------------------------------------------- helpers

    private EvaluationEngine start(RuleLibrary library) {
        return new EvaluationEngine(library, results::add, Thread::new);
    }

    private RuleLibrary load() throws RuleLibraryException {
        return RuleLibrary.load(rules, catalog);
    }

    private void swap(RuleLibrary next) throws Exception {
        assertThat(engine.swap(next).get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(next);
    }

    private void writeMaxTries(String consequence) throws IOException {
        writeMaxTries("""
                when
                    $e : ConfigEntry( source == "sshd_config", key == "MaxAuthTries", $asset : asset )
                """ + consequence, false);
    }

    private void writeMaxTries(String body, boolean whole) throws IOException {
        Path folder = Files.createDirectories(rules.resolve(FOLDER + MAX_TRIES));
        Files.writeString(folder.resolve("rule.yml"), ruleYml(MAX_TRIES, "SSH limits authentication attempts per connection"));
        Files.writeString(folder.resolve(MAX_TRIES + ".drl"), """
                package technological.c8_05_secure_authentication.sshd_max_auth_tries_limited;

                import io.annexa.evidence.ConfigEntry;

                global io.annexa.evaluation.FindingFactory findings;

                rule "sshd_max_auth_tries_limited: MaxAuthTries too high"
                """ + body);
    }

    private static String ruleYml(String id, String title) {
        return """
                id: %s
                title: %s
                controls:
                  iso27002:2022: ["8.5"]
                severity: low
                sources: [sshd_config]
                rationale: Fewer attempts per connection slow down password guessing.
                remediation: Set MaxAuthTries to 4 or lower.
                """.formatted(id, title);
    }

    /** Hands over what the sshd_config parser yields for a file with these settings. */
    private void read(String asset, String rootLogin, String maxAuthTries) {
        Instant now = Instant.now();
        String file = "/etc/ssh/sshd_config";
        engine.replace(new EvidenceKey("sshd_config", asset, "test"), List.of(
                new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now),
                new ConfigEntry(asset, "sshd_config", file, 2, "PasswordAuthentication", "no", "", now),
                new ConfigEntry(asset, "sshd_config", file, 3, "MaxAuthTries", maxAuthTries, "", now)));
    }

    private void awaitFinding(String ruleId, String asset) {
        await().atMost(DEADLINE).until(() -> !results.isEmpty() && results.get(results.size() - 1).findings().stream()
                .anyMatch(f -> f.getRuleId().equals(ruleId) && f.getAsset().equals(asset)));
    }

    /** The result of a cycle after everything handed over before. */
    private EvaluationResult settle() {
        EvidenceKey marker = new EvidenceKey("sshd_config", "marker" + results.size(), "test");
        engine.replace(marker, List.of());
        await().atMost(DEADLINE).until(() -> results.stream().anyMatch(r -> r.refreshed().contains(marker.scope())));
        Optional<EvaluationResult> withMarker = results.stream().filter(r -> r.refreshed().contains(marker.scope())).findFirst();
        return withMarker.orElseThrow();
    }
}
