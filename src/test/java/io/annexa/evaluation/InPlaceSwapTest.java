package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule library change is made in the session in service: the changed rules' packages are replaced in its KieBase,
 * and everything else (evidence, live events, the counting windows and findings of the other rules) stays as it was.
 * A changed rule that counts as before keeps its windows and reports a burst in progress again, under its new
 * threshold; the others report nothing twice. A change
 * that fails half way leaves the previous rules running with their state; a change that cannot be made in place
 * takes a new session.
 */
class InPlaceSwapTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String MONITORING = "technological/c8_16_monitoring_activities/";
    private static final String AUTHENTICATION = "technological/c8_05_secure_authentication/";
    private static final String ROOT_LOGIN = "sshd_root_login_disabled";
    private static final String PASSWORDS = "sshd_password_authentication_disabled";
    private static final String BRUTE_FORCE = "ssh_brute_force_detected";
    private static final String GUESSING = "ssh_password_guessing_across_users";
    private static final String SOURCE = "203.0.113.5";

    @TempDir
    Path home;

    private final ControlCatalog catalog = ControlCatalog.load();
    private final List<EvaluationResult> results = new CopyOnWriteArrayList<>();
    private Path rules;
    private Path settings;
    private EvaluationEngine engine;
    private Instant now;

    @BeforeEach
    void copyRules() throws IOException {
        rules = home.resolve("rules");
        settings = Files.createDirectories(home.resolve("config")).resolve("rules.yml");
        now = Instant.now();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void aChangedRuleIsReplacedInTheSessionInServiceWhichKeepsTheLiveEventsAndTheOtherRulesWindows() throws Exception {
        startWithBurst();
        EvaluationSession inService = inService();
        Map<String, EventWindow> windows = windowsByRule();
        assertThat(windows).containsOnlyKeys(BRUTE_FORCE, GUESSING);
        assertThat(inspect(EvaluationSession::liveEvents)).as("counted events are not kept").isEmpty();

        editDrl(AUTHENTICATION + ROOT_LOGIN, "root may log in over SSH: ", "root login allowed: ");
        RuleLibrary next = swap(load());

        assertThat(inService()).isSameAs(inService);
        assertThat(engine.library()).isSameAs(next);
        assertThat(windowsByRule()).hasSize(2)
                .hasEntrySatisfying(BRUTE_FORCE, w -> assertThat(w).isSameAs(windows.get(BRUTE_FORCE)))
                .hasEntrySatisfying(GUESSING, w -> assertThat(w).isSameAs(windows.get(GUESSING)));
        assertThat(windows.get(BRUTE_FORCE).getCount()).isEqualTo(6);
        EvaluationResult settled = settle();
        assertThat(settled.findings()).singleElement().satisfies(f -> assertThat(f.getEvidence()).startsWith("root login allowed: "));
        assertThat(incidents()).as("the bursts are not reported again").hasSize(2);
    }

    @Test
    void aChangedTemporalRuleReportsItsBurstInProgressAgainWhileTheOtherReportsNothingTwice() throws Exception {
        startWithBurst();
        EvaluationSession inService = inService();
        Map<String, EventWindow> windows = windowsByRule();

        Files.writeString(settings, "rules:\n  " + BRUTE_FORCE + ":\n    parameters:\n      threshold: 3\n");
        swap(load());

        assertThat(inService()).isSameAs(inService);
        Map<String, EventWindow> after = windowsByRule();
        assertThat(after.get(BRUTE_FORCE)).as("it counts as before: its window goes on").isSameAs(windows.get(BRUTE_FORCE))
                .satisfies(w -> assertThat(w.getCount()).isEqualTo(6));
        assertThat(after.get(GUESSING)).isSameAs(windows.get(GUESSING));
        settle();
        assertThat(incidents()).hasSize(3);
        assertThat(incidents().get(2)).satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo(BRUTE_FORCE);
            assertThat(f.getEvidence()).contains("source " + SOURCE + ": 6 failed").contains("threshold 3");
        });

        // the burst goes on: both rules have reported it
        engine.events(failures(6, 8));
        settle();
        assertThat(incidents()).hasSize(3);
        assertThat(windowsByRule().get(GUESSING).getDistinct()).isEqualTo(8);
    }

    @Test
    void anUnchangedRulesBurstGoingOnAfterAChangeIsNotReportedAgain() throws Exception {
        startWithBurst();

        editDrl(AUTHENTICATION + ROOT_LOGIN, "root may log in over SSH: ", "root login allowed: ");
        swap(load());
        engine.events(failures(6, 9));
        settle();

        assertThat(incidents()).extracting(Finding::getRuleId).containsExactlyInAnyOrder(BRUTE_FORCE, GUESSING);
        assertThat(windowsByRule().get(BRUTE_FORCE).getCount()).isEqualTo(9);
    }

    @Test
    void aChangeThatFailsHalfWayLeavesThePreviousRulesRunningWithTheirState() throws Exception {
        RuleLibrary before = startWithBurst();

        // the brute-force rule changes (its windows go) and a new rule's constraint throws on the evidence in service
        // while Drools takes that evidence into it, after the change has begun
        Files.writeString(settings, "rules:\n  " + BRUTE_FORCE + ":\n    parameters:\n      threshold: 3\n");
        writeRule(AUTHENTICATION + "sshd_root_login_counted", """
                rule "sshd_root_login_counted: more than none"
                when
                    $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", $asset : asset, Integer.parseInt(value) > 0 )
                then
                    insertLogical(findings.of(drools, $asset, "PermitRootLogin " + $e.getValue()));
                end
                """);
        RuleLibrary failing = load();
        assertThat(failing.isEnabled("sshd_root_login_counted")).isTrue();

        assertThatThrownBy(() -> engine.swap(failing).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasStackTraceContaining("Integer.parseInt(value) > 0");

        assertThat(engine.library()).isSameAs(before);
        assertThat(engine.quarantines()).isEmpty();
        assertThat(windowsByRule()).containsOnlyKeys(BRUTE_FORCE, GUESSING);
        assertThat(windowsByRule().get(BRUTE_FORCE).getCount()).isEqualTo(6);
        // the previous rules go on, and know that they have reported the burst
        engine.events(failures(6, 8));
        read("web2", "yes");
        EvaluationResult settled = settle();
        assertThat(settled.findings()).extracting(f -> f.getRuleId() + "@" + f.getAsset())
                .containsExactlyInAnyOrder(ROOT_LOGIN + "@web1", ROOT_LOGIN + "@web2");
        assertThat(incidents()).extracting(Finding::getRuleId).containsExactlyInAnyOrder(BRUTE_FORCE, GUESSING);
        assertThat(windowsByRule().get(BRUTE_FORCE).getCount()).isEqualTo(8);

        // and the change, mended, is made in place
        Files.delete(rules.resolve(AUTHENTICATION + "sshd_root_login_counted/sshd_root_login_counted.drl"));
        Files.delete(rules.resolve(AUTHENTICATION + "sshd_root_login_counted/rule.yml"));
        EvaluationSession inService = inService();
        swap(load());
        assertThat(inService()).isSameAs(inService);
        settle();
        assertThat(incidents()).hasSize(3);
        assertThat(incidents().get(2).getEvidence()).contains("source " + SOURCE + ": 8 failed").contains("threshold 3");
    }

    @Test
    void aChangeThatCannotBeMadeInPlaceTakesANewSessionThatReportsNothingTwice() throws Exception {
        startWithBurst();
        EvaluationSession inService = inService();
        Map<String, EventWindow> windows = windowsByRule();

        // the session feeds the declared baseline to an entry point of its own, from its start
        Files.writeString(RuleLibrary.baselineFile(settings), """
                baseline:
                  - source: sshd_config
                    settings:
                      X11Forwarding: "no"
                """);
        RuleLibrary next = swap(load());

        assertThat(inService()).isNotSameAs(inService);
        assertThat(engine.library()).isSameAs(next);
        assertThat(windowsByRule().get(BRUTE_FORCE).getCount()).as("taken over by the new session").isEqualTo(6);
        assertThat(windows.get(BRUTE_FORCE).getCount()).isEqualTo(6);
        engine.events(failures(6, 8));
        settle();
        assertThat(incidents()).extracting(Finding::getRuleId).containsExactlyInAnyOrder(BRUTE_FORCE, GUESSING);
    }

    @Test
    void aRuleAddedInPlaceReadsTheKindsItNeedsFromThenOnAndOneRemovedTakesItsEventsAlong() throws Exception {
        ProjectFiles.rulesSubset(rules, AUTHENTICATION + ROOT_LOGIN);
        engine = new EvaluationEngine(load(), results::add, Thread::new);
        engine.events(failures(0, 6));
        settle();
        assertThat(engine.eventStats().kinds().get("auth_failure")).satisfies(k -> {
            assertThat(k.retention()).as("no rule reads it").isNull();
            assertThat(k.notInserted()).isEqualTo(6);
        });

        ProjectFiles.rulesSubset(rules, MONITORING + BRUTE_FORCE);
        EvaluationSession inService = inService();
        swap(load());
        assertThat(inService()).isSameAs(inService);
        engine.events(failures(6, 12));
        settle();
        assertThat(incidents()).extracting(Finding::getRuleId).containsExactly(BRUTE_FORCE);
        assertThat(engine.eventStats().kinds().get("auth_failure")).satisfies(k -> {
            assertThat(k.retention()).as("counted as they arrive, then gone").isEqualTo(Duration.ZERO);
            assertThat(k.live()).isZero();
        });
        assertSameInterestAsAFreshLoad();

        deleteRule(MONITORING + BRUTE_FORCE);
        swap(load());
        assertThat(inService()).isSameAs(inService);
        engine.events(failures(12, 14));
        settle();
        assertThat(engine.eventStats().kinds().get("auth_failure")).satisfies(k -> {
            assertThat(k.retention()).isNull();
            assertThat(k.live()).isZero();
            assertThat(k.notInserted()).isEqualTo(8);
        });
        assertThat(inspect(EvaluationSession::liveEvents)).isEmpty();
        assertThat(windowsByRule()).isEmpty();
        assertSameInterestAsAFreshLoad();
    }

    @Test
    void aRuleAddedInPlaceReadsTheConfigurationEntriesNoRuleReadBeforeAndOneRemovedLetsThemGo() throws Exception {
        ProjectFiles.rulesSubset(rules, AUTHENTICATION + ROOT_LOGIN);
        engine = new EvaluationEngine(load(), results::add, Thread::new);
        read("web1", "no");
        assertThat(settle().findings()).isEmpty();
        assertThat(entriesInWorkingMemory()).containsExactly("PermitRootLogin");

        ProjectFiles.rulesSubset(rules, AUTHENTICATION + PASSWORDS);
        EvaluationSession inService = inService();
        swap(load());

        assertThat(inService()).isSameAs(inService);
        assertThat(settle().findings()).singleElement().satisfies(f -> {
            assertThat(f.getRuleId()).isEqualTo(PASSWORDS);
            assertThat(f.getEvidence()).contains("PasswordAuthentication yes");
        });
        assertThat(entriesInWorkingMemory()).containsExactlyInAnyOrder("PermitRootLogin", "PasswordAuthentication");
        assertSameInterestAsAFreshLoad();

        deleteRule(AUTHENTICATION + PASSWORDS);
        swap(load());
        assertThat(settle().findings()).isEmpty();
        assertThat(entriesInWorkingMemory()).containsExactly("PermitRootLogin");
        assertSameInterestAsAFreshLoad();
        // kept beside the session all the same: a later library may read it again
        List<Object> kept = inspect(s -> s.evidence().get(new EvidenceKey("sshd_config", "web1", "test")));
        assertThat(kept).hasSize(3);
    }

    // ---------------------------------------------------------------- helpers

    /** What the library in service reads, worked out for the change from the library before, is what a load works out. */
    private void assertSameInterestAsAFreshLoad() throws Exception {
        RuleLibrary inService = engine.library();
        RuleLibrary fresh = RuleLibrary.load(rules, settings, catalog);
        assertThat(inService.eventInterest().kindsByRule()).isEqualTo(fresh.eventInterest().kindsByRule());
        for (String kind : List.of("auth_failure", "auth_success", "invalid_user")) {
            assertThat(inService.eventInterest().retentionMillis(kind, EventRetention.DEFAULT))
                    .isEqualTo(fresh.eventInterest().retentionMillis(kind, EventRetention.DEFAULT));
        }
        assertThat(java.util.Set.copyOf(inService.configInterest().reads()))
                .isEqualTo(java.util.Set.copyOf(fresh.configInterest().reads()));
    }

    /** An engine with three rules, a root login finding on web1, and one burst both temporal rules have reported. */
    private RuleLibrary startWithBurst() throws Exception {
        ProjectFiles.rulesSubset(rules, AUTHENTICATION + ROOT_LOGIN, MONITORING + BRUTE_FORCE, MONITORING + GUESSING);
        RuleLibrary library = load();
        engine = new EvaluationEngine(library, results::add, Thread::new);
        read("web1", "yes");
        engine.events(failures(0, 6));
        settle();
        assertThat(incidents()).extracting(Finding::getRuleId).containsExactlyInAnyOrder(BRUTE_FORCE, GUESSING);
        return library;
    }

    private RuleLibrary load() throws RuleLibraryException {
        return RuleLibrary.loadForSwap(rules, settings, catalog);
    }

    private RuleLibrary swap(RuleLibrary next) throws Exception {
        assertThat(engine.swap(next).get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(next);
        return next;
    }

    private <T> T inspect(java.util.function.Function<EvaluationSession, T> probe) throws Exception {
        return engine.inspect(probe).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private EvaluationSession inService() throws Exception {
        return inspect(s -> s);
    }

    private Map<String, EventWindow> windowsByRule() throws Exception {
        return inspect(s -> s.countedWindows().stream()
                .collect(java.util.stream.Collectors.toMap(EventWindow::getRule, w -> w)));
    }

    private List<String> entriesInWorkingMemory() throws Exception {
        return inspect(s -> s.factsOfType(ConfigEntry.class).stream().map(ConfigEntry::getKey).toList());
    }

    private List<Finding> incidents() {
        return results.stream().flatMap(r -> r.incidents().stream()).toList();
    }

    /** Waits for the result of an input handed over now, so that everything handed over before is published. */
    private EvaluationResult settle() {
        EvidenceKey marker = new EvidenceKey("marker", "marker" + results.size(), "test");
        engine.replace(marker, List.of());
        await().atMost(DEADLINE).until(() -> results.stream().anyMatch(r -> r.refreshed().contains(marker.scope())));
        return results.get(results.size() - 1);
    }

    /** sshd failures {@code from} to {@code to} (exclusive) from one source, each for another user, ten seconds apart. */
    private List<LogEvent> failures(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new LogEvent("web1", now.minusSeconds(200 - i * 10L), "sshd", "auth_failure",
                Map.of("reported_by", "sshd", "source_ip", SOURCE, "user", "user" + i),
                "Failed password for user" + i + " from " + SOURCE + " port 22 ssh2")).toList();
    }

    /** What the sshd_config parser yields for a file with PermitRootLogin {@code rootLogin} and passwords allowed. */
    private void read(String asset, String rootLogin) {
        String file = "/etc/ssh/sshd_config";
        engine.replace(new EvidenceKey("sshd_config", asset, "test"), List.of(
                new ConfigFile(asset, "sshd_config", file, now),
                new ConfigEntry(asset, "sshd_config", file, 1, "PermitRootLogin", rootLogin, "", now),
                new ConfigEntry(asset, "sshd_config", file, 2, "PasswordAuthentication", "yes", "", now)));
    }

    private void editDrl(String folder, String text, String replacement) throws IOException {
        String id = Path.of(folder).getFileName().toString();
        Path drl = rules.resolve(folder).resolve(id + ".drl");
        String before = Files.readString(drl);
        assertThat(before).contains(text);
        Files.writeString(drl, before.replace(text, replacement));
    }

    private void writeRule(String folder, String body) throws IOException {
        String id = Path.of(folder).getFileName().toString();
        Path dir = Files.createDirectories(rules.resolve(folder));
        Files.writeString(dir.resolve("rule.yml"), """
                id: %s
                title: Root logins are counted
                controls:
                  iso27002:2022: ["8.5"]
                severity: low
                sources: [sshd_config]
                rationale: A number is expected.
                remediation: Write a number.
                """.formatted(id));
        Files.writeString(dir.resolve(id + ".drl"), """
                package %s;

                import io.annexa.evidence.ConfigEntry;

                global io.annexa.evaluation.FindingFactory findings;

                """.formatted(folder.replace('/', '.')) + body);
    }

    private void deleteRule(String folder) throws IOException {
        try (var files = Files.walk(rules.resolve(folder))) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
