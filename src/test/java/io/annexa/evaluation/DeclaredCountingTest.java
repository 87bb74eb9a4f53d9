package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.control.ControlCatalog;
import io.annexa.evidence.LogEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule that declares what it counts in rule.yml (count:) and says in DRL what a burst means: the engine keeps the
 * windows, the build checks the declaration where it is written, and counted events leave working memory at once.
 */
class DeclaredCountingTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final String THEME = "technological/c8_16_monitoring_activities";
    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path rules;

    private static final String PARAMETERS = """
            parameters:
              threshold: { type: integer, default: 3, description: events that make a burst }
              window: { type: duration, default: 5m, description: the window }
            """;

    private static final String REPORT = """
            rule "scan: report"
            when
                $b : Burst( rule == "scan" )
            then
                insert(findings.incident(drools, $b));
            end
            """;

    @Nested
    class Counting {

        @Test
        void aBurstIsReportedOnceWithTheCountsAtTheMomentTheThresholdWasReached() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      by: remote
                      threshold: threshold
                      window: window
                    """, REPORT);

            List<Finding> incidents = replay(load(), IntStream.range(0, 6).mapToObj(i -> invalidUser("203.0.113.7", "u" + i, i * 10)).toList());

            assertThat(incidents).singleElement().satisfies(f -> {
                assertThat(f.getRuleId()).isEqualTo("scan");
                assertThat(f.getAsset()).isEqualTo("web1");
                assertThat(f.getEvidence()).isEqualTo("source 203.0.113.7: 3 invalid_user events from 2026-06-01T10:00:00Z"
                        + " to 2026-06-01T10:00:20Z (threshold 3 within 5m)");
            });
        }

        @Test
        void distinctValuesAreCountedAndNamedInTheEvidence() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: [invalid_user]
                      by: remote
                      distinct: user
                      threshold: threshold
                      window: window
                    """, REPORT);
            List<LogEvent> sameName = IntStream.range(0, 5).mapToObj(i -> invalidUser("203.0.113.7", "admin", i)).toList();
            List<LogEvent> threeNames = List.of(invalidUser("198.51.100.1", "a", 0), invalidUser("198.51.100.1", "a", 1),
                    invalidUser("198.51.100.1", "b", 2), invalidUser("198.51.100.1", "c", 3));

            assertThat(replay(load(), sameName)).isEmpty();
            assertThat(replay(load(), threeNames)).singleElement().satisfies(f -> assertThat(f.getEvidence())
                    .startsWith("source 198.51.100.1: 3 distinct user values in invalid_user events")
                    .contains("('a', 'b', 'c'; threshold 3 within 5m)"));
        }

        @Test
        void theWhereConstraintAndTheKeyDecideWhatIsCounted() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      where: 'attribute("user") != "backup"'
                      by: user
                      threshold: threshold
                      window: window
                    """, REPORT);
            // by user: three sources trying "oracle" make one burst; "backup" is not counted at all
            List<LogEvent> events = List.of(invalidUser("192.0.2.1", "oracle", 0), invalidUser("192.0.2.2", "oracle", 1),
                    invalidUser("192.0.2.3", "backup", 2), invalidUser("192.0.2.3", "backup", 3), invalidUser("192.0.2.4", "oracle", 4));

            assertThat(replay(load(), events)).singleElement()
                    .satisfies(f -> assertThat(f.getEvidence()).startsWith("user oracle: 3 invalid_user events"));
        }

        @Test
        void countedEventsLeaveWorkingMemoryAndTheWindowIsForgottenWhenQuiet() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      by: remote
                      threshold: threshold
                      window: window
                    """, REPORT);
            try (EvaluationSession session = load().newSession(EvaluationSession.Clock.PSEUDO)) {
                for (int i = 0; i < 4; i++) {
                    LogEvent event = invalidUser("203.0.113.7", "u" + i, i);
                    session.insertEvent(event, event.getTimestamp());
                }
                assertThat(session.fire().incidents()).hasSize(1);
                assertThat(session.factsOfType(Burst.class)).as("the burst stays while its window is open").hasSize(1);
                assertThat(session.countedWindows()).hasSize(1);

                // an hour later, from another source: the first window has gone quiet, with its burst
                LogEvent later = invalidUser("192.0.2.9", "x", 3600);
                session.insertEvent(later, later.getTimestamp());
                session.fire();

                assertThat(session.factsOfType(LogEvent.class)).as("counted events are not kept").isEmpty();
                assertThat(session.factsOfType(Burst.class)).isEmpty();
                assertThat(session.countedWindows()).singleElement().satisfies(w -> assertThat(w.getKey()).isEqualTo("192.0.2.9"));
            }
        }

        @Test
        void aBurstAfterAQuietWindowIsANewBurst() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      by: remote
                      threshold: threshold
                      window: window
                    """, REPORT);
            List<LogEvent> twoBursts = new java.util.ArrayList<>();
            IntStream.range(0, 3).forEach(i -> twoBursts.add(invalidUser("203.0.113.7", "u", i)));
            IntStream.range(0, 3).forEach(i -> twoBursts.add(invalidUser("203.0.113.7", "u", 400 + i)));

            assertThat(replay(load(), twoBursts)).hasSize(2);
        }
    }

    @Nested
    class BuildChecks {

        @Test
        void aThresholdNamingNoParameterIsReportedAtItsLine() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      by: remote
                      threshold: treshold
                      window: window
                    """, REPORT);

            assertThatThrownBy(DeclaredCountingTest.this::load).isInstanceOf(RuleLibraryException.class)
                    .hasMessageContaining("rule.yml:15")
                    .hasMessageContaining("count.threshold names parameter 'treshold', which this rule does not declare")
                    .hasMessageContaining("it declares: threshold, window");
        }

        @Test
        void aWindowThatIsNotADurationIsReported() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      by: remote
                      threshold: threshold
                      window: threshold
                    """, REPORT);

            assertThatThrownBy(DeclaredCountingTest.this::load).isInstanceOf(RuleLibraryException.class)
                    .hasMessageContaining("count.window names parameter 'threshold' of type integer; it must be of type duration");
        }

        @Test
        void aWhereThatDoesNotCompileIsReportedAtTheWhereLine() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      where: 'attribute("user").lenght() > 3'
                      by: remote
                      threshold: threshold
                      window: window
                    """, REPORT);

            assertThatThrownBy(DeclaredCountingTest.this::load).isInstanceOf(RuleLibraryException.class)
                    .hasMessageContaining("rule.yml:14")
                    .hasMessageContaining("in count.where");
        }

        @Test
        void aWhereCannotCarryStatements() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      events: invalid_user
                      where: 'true ) then System.exit(1); end rule "x" when LogEvent( true'
                      by: remote
                      threshold: threshold
                      window: window
                    """, REPORT);

            assertThatThrownBy(DeclaredCountingTest.this::load).isInstanceOf(RuleLibraryException.class)
                    .hasMessageContaining("count.where must be one DRL constraint on one line");
        }

        @Test
        void unknownFieldsAndMissingOnesAreNamed() throws Exception {
            rule("scan", PARAMETERS + """
                    count:
                      kinds: invalid_user
                      threshold: threshold
                      window: window
                    """, REPORT);

            assertThatThrownBy(DeclaredCountingTest.this::load).isInstanceOf(RuleLibraryException.class)
                    .hasMessageContaining("unknown field 'count.kinds'")
                    .hasMessageContaining("missing field 'count.events'")
                    .hasMessageContaining("missing field 'count.by'");
        }
    }

    private static List<Finding> replay(RuleLibrary library, List<LogEvent> events) {
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            for (LogEvent event : events) {
                session.insertEvent(event, event.getTimestamp());
            }
            return session.fire().incidents();
        }
    }

    private static LogEvent invalidUser(String source, String user, int second) {
        return new LogEvent("web1", T0.plusSeconds(second), "sshd", "invalid_user", Map.of("source_ip", source, "user", user),
                "Invalid user " + user + " from " + source + " port 4242");
    }

    private RuleLibrary load() throws RuleLibraryException {
        return RuleLibrary.load(rules, CATALOG);
    }

    private void rule(String id, String metadata, String drl) throws IOException {
        Path folder = Files.createDirectories(rules.resolve(THEME).resolve(id));
        Files.writeString(folder.resolve("rule.yml"), """
                id: %s
                title: A rule counting log events
                controls:
                  iso27002:2022: ["8.16"]
                severity: low
                sources: [log]
                rationale: For the test.
                remediation: None.
                %s""".formatted(id, metadata));
        Files.writeString(folder.resolve(id + ".drl"), """
                package %s;

                import io.annexa.evaluation.Burst;

                global io.annexa.evaluation.FindingFactory findings;

                %s""".formatted(THEME.replace('/', '.') + "." + id, drl));
    }
}
