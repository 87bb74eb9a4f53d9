package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new rule library takes over the windows of rules that count as before (declared in rule.yml, count:). A burst an
 * unchanged rule reported before the swap is not reported a second time; a rule whose DRL or parameters changed
 * reports what it now finds, the burst in progress included. Events handed over with a swap, applied in the same
 * batch, are fired by the rules they were handed to and reported once.
 */
class SwapIncidentsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String BRUTE_FORCE = "ssh_brute_force_detected";

    @TempDir
    Path home;

    private final ControlCatalog catalog = ControlCatalog.load();
    private final List<Finding> incidents = new CopyOnWriteArrayList<>();
    private final List<EvaluationResult> results = new CopyOnWriteArrayList<>();
    private Path rules;
    private Path settings;
    private EvaluationEngine engine;

    @BeforeEach
    void start() throws Exception {
        rules = ProjectFiles.rulesSubset(home.resolve("rules"), "technological/c8_16_monitoring_activities/" + BRUTE_FORCE);
        settings = Files.createDirectories(home.resolve("config")).resolve("rules.yml");
        engine = new EvaluationEngine(RuleLibrary.load(rules, settings, catalog), result -> {
            incidents.addAll(result.incidents());
            results.add(result);
        }, Thread::new);
        Instant now = Instant.now();
        // six failures from one source within a minute: one burst (threshold 5 in 10 minutes)
        engine.events(IntStream.range(0, 6).mapToObj(i -> failure("web1", "203.0.113.5", now.minusSeconds(60 - i * 10L))).toList());
        await().atMost(DEADLINE).until(() -> incidents.size() == 1);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void anUnchangedRuleDoesNotReportTheSameBurstAgain() throws Exception {
        swapAndSettle(RuleLibrary.load(rules, settings, catalog));

        assertThat(incidents).singleElement().satisfies(f -> assertThat(f.getEvidence()).contains("source 203.0.113.5: 5 failed"));
    }

    @Test
    void aRuleWithChangedParametersReportsWhatItNowFinds() throws Exception {
        Files.writeString(settings, "rules:\n  " + BRUTE_FORCE + ":\n    parameters:\n      threshold: 3\n");
        swapAndSettle(RuleLibrary.load(rules, settings, catalog));

        // the window it counted under the old threshold goes on: six failures, past the new threshold
        assertThat(incidents).hasSize(2);
        assertThat(incidents.get(1).getEvidence()).contains("source 203.0.113.5: 6 failed").contains("threshold 3");
    }

    @Test
    void aBurstQueuedInTheSameBatchAsASwapIsReportedOnce() throws Exception {
        Instant now = Instant.now();
        RuleLibrary next = RuleLibrary.load(rules, settings, catalog);
        CompletableFuture<RuleLibrary> swapped;
        try (EngineState.Hold hold = EngineState.hold(engine)) {
            engine.events(burst("198.51.100.7", now, 0, 6));
            swapped = engine.swap(next);
        }
        assertThat(swapped.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(next);
        settle();

        assertThat(incidentsFrom("198.51.100.7")).singleElement()
                .satisfies(f -> assertThat(f.getEvidence()).contains("source 198.51.100.7: 5 failed"));
        assertThat(incidents).hasSize(2);
    }

    @Test
    void aBurstSplitAcrossASwapInOneBatchIsReportedOnce() throws Exception {
        Instant now = Instant.now();
        RuleLibrary next = RuleLibrary.load(rules, settings, catalog);
        CompletableFuture<RuleLibrary> swapped;
        try (EngineState.Hold hold = EngineState.hold(engine)) {
            engine.events(burst("198.51.100.7", now, 0, 3));
            swapped = engine.swap(next);
            engine.events(burst("198.51.100.7", now, 3, 6));
        }
        assertThat(swapped.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(next);
        settle();

        assertThat(incidentsFrom("198.51.100.7")).singleElement()
                .satisfies(f -> assertThat(f.getEvidence()).contains("source 198.51.100.7: 5 failed"));
        // the burst before the test began is not reported again either
        assertThat(incidentsFrom("203.0.113.5")).hasSize(1);
    }

    @Test
    void aBurstInTheSameBatchAsAChangedRuleIsReportedByTheOldRuleAndWhatTheNewOneFinds() throws Exception {
        Instant now = Instant.now();
        Files.writeString(settings, "rules:\n  " + BRUTE_FORCE + ":\n    parameters:\n      threshold: 3\n");
        RuleLibrary next = RuleLibrary.load(rules, settings, catalog);
        CompletableFuture<RuleLibrary> swapped;
        try (EngineState.Hold hold = EngineState.hold(engine)) {
            engine.events(burst("198.51.100.7", now, 0, 6));
            swapped = engine.swap(next);
        }
        assertThat(swapped.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(next);
        settle();

        assertThat(incidentsFrom("198.51.100.7")).extracting(Finding::getEvidence).satisfiesExactly(
                old -> assertThat(old).contains("5 failed").contains("threshold 5"),
                changed -> assertThat(changed).contains("6 failed").contains("threshold 3"));
    }

    @Test
    void aBurstTheOldSessionReportedGoesOnInTheNewOneWithoutBeingCountedTwice() throws Exception {
        // Counted events leave working memory once counted: the new session takes the window over instead of
        // counting them again, and must neither report the burst's continuation as new nor count twice what is
        // carried over.
        RuleLibrary library = engine.library();
        Instant now = Instant.now();
        try (EvaluationSession before = library.newSession(EvaluationSession.Clock.REALTIME);
             EvaluationSession after = library.newSession(EvaluationSession.Clock.REALTIME)) {
            burst("198.51.100.7", now, 0, 6).forEach(e -> before.insertEvent(e, e.getTimestamp()));
            assertThat(before.fire().incidents()).hasSize(1);
            assertThat(before.factsOfType(LogEvent.class)).as("counted, then gone").isEmpty();

            after.carryOverCounts(before);
            // what the engine drops for an unchanged rule: the burst in progress, seen again by the new session
            assertThat(after.settleCarriedOver()).singleElement().satisfies(f -> assertThat(f.getEvidence()).contains("6 failed"));
            burst("198.51.100.7", now, 6, 8).forEach(e -> after.insertEvent(e, e.getTimestamp()));

            assertThat(after.fire().incidents()).as("the same burst, going on").isEmpty();
            assertThat(after.countedWindows()).singleElement().satisfies(w -> assertThat(w.getCount()).isEqualTo(8));
        }
    }

    /** Waits for the result of an input handed over now, so that everything handed over before is published. */
    private void settle() {
        EvidenceKey marker = new EvidenceKey("sshd_config", "marker" + results.size(), "test");
        engine.replace(marker, List.of());
        await().atMost(DEADLINE).until(() -> results.stream().anyMatch(r -> r.refreshed().contains(marker.scope())));
    }

    private List<Finding> incidentsFrom(String source) {
        return incidents.stream().filter(f -> f.getEvidence().contains("source " + source + ":")).toList();
    }

    /** Failures {@code from} to {@code to} (exclusive) of a burst from {@code source}, ten seconds apart, ending a minute ago. */
    private static List<LogEvent> burst(String source, Instant now, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> failure("web1", source, now.minusSeconds(90 - i * 10L))).toList();
    }

    /** Swaps, then waits for the result of a later input, so that what the swap raised has been published. */
    private void swapAndSettle(RuleLibrary next) throws Exception {
        assertThat(engine.swap(next).get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isSameAs(next);
        EvidenceKey marker = new EvidenceKey("sshd_config", "marker", "test");
        engine.replace(marker, List.of());
        await().atMost(DEADLINE).until(() -> engine.library() == next
                && results.stream().anyMatch(r -> r.refreshed().contains(marker.scope())));
    }

    private static LogEvent failure(String asset, String source, Instant at) {
        return new LogEvent(asset, at, "sshd", "auth_failure",
                Map.of("reported_by", "sshd", "source_ip", source, "user", "root"),
                "Failed password for root from " + source + " port 22 ssh2");
    }
}
