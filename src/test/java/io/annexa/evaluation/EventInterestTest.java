package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.LogEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which log event kinds rules read (worked out from the compiled rules), how long each kind stays, and what the
 * session does with it: events no rule reads are counted, not inserted; events leave at their kind's retention; an
 * asset gone from evidence and events takes its Asset fact and windows with it.
 */
class EventInterestTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final String THEME = "technological/c8_16_monitoring_activities";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path rules;

    @Nested
    class KindsRead {

        @Test
        void aKindComparedWithALiteralIsTheOneKindRead() throws Exception {
            rule("reads_failures", "", "$e : LogEvent( kind == \"auth_failure\", attribute(\"reported_by\") == \"sshd\" )");

            assertThat(load().eventInterest().kindsReadBy("reads_failures")).containsExactly("auth_failure");
        }

        @Test
        void alternativesJoinedWithOrAreAllRead() throws Exception {
            rule("reads_two", "", "$e : LogEvent( kind == \"invalid_user\" || attribute(\"reported_by\") == \"sshd\" && kind == \"auth_failure\" )");

            assertThat(load().eventInterest().kindsReadBy("reads_two")).containsExactlyInAnyOrder("invalid_user", "auth_failure");
        }

        @Test
        void aKindListedWithInIsRead() throws Exception {
            rule("reads_listed", "", "$e : LogEvent( kind in (\"auth_success\", \"session_opened\") )");

            assertThat(load().eventInterest().kindsReadBy("reads_listed")).containsExactlyInAnyOrder("auth_success", "session_opened");
        }

        @Test
        void aPatternWithoutAKindConstraintReadsAllKinds() throws Exception {
            rule("reads_all", "", "$e : LogEvent( remote != \"\" )");

            EventInterest interest = load().eventInterest();

            assertThat(interest.kindsReadBy("reads_all")).containsExactly(EventInterest.ALL_KINDS);
            assertThat(interest.retentionMillis("anything_at_all", EventRetention.DEFAULT)).isEqualTo(Duration.ofHours(2).toMillis());
        }

        @Test
        void aKindReadThroughAnyOtherExpressionReadsAllKinds() throws Exception {
            rule("reads_by_method", "", "$e : LogEvent( getKind().equals(\"auth_failure\") )");
            rule("reads_by_regex", "", "$e : LogEvent( kind matches \"auth_.*\" )");
            rule("reads_all_but", "", "$e : LogEvent( kind != \"disconnect\" )");

            EventInterest interest = load().eventInterest();

            assertThat(interest.kindsReadBy("reads_by_method")).containsExactly(EventInterest.ALL_KINDS);
            assertThat(interest.kindsReadBy("reads_by_regex")).containsExactly(EventInterest.ALL_KINDS);
            assertThat(interest.kindsReadBy("reads_all_but")).containsExactly(EventInterest.ALL_KINDS);
        }

        @Test
        void aPatternOfASupertypeReadsAllKinds() throws Exception {
            rule("reads_objects", "", "$o : Object( toString != \"\" )");

            assertThat(load().eventInterest().kindsReadBy("reads_objects")).containsExactly(EventInterest.ALL_KINDS);
        }

        @Test
        void eventsReadInsideNotAndAccumulateCount() throws Exception {
            rule("reads_nested", "", """
                    not LogEvent( kind == "session_closed" )
                        Number( intValue > 2 ) from accumulate( LogEvent( kind == "auth_failure" ), count(1) )""");

            assertThat(load().eventInterest().kindsReadBy("reads_nested")).containsExactlyInAnyOrder("session_closed", "auth_failure");
        }

        @Test
        void aRuleReadingNoEventsReadsNoKinds() throws Exception {
            rule("reads_config", "", "$e : io.annexa.evidence.ConfigEntry( key == \"x\" )");

            assertThat(load().eventInterest().kindsReadBy("reads_config")).isEmpty();
        }

        @Test
        void theRealTemporalRulesReadTheKindsTheyName() throws Exception {
            RuleLibrary library = RuleLibrary.load(ProjectFiles.rules(), CATALOG);
            EventInterest interest = library.eventInterest();

            assertThat(interest.kindsByRule()).containsOnly(
                    Map.entry("ssh_brute_force_detected", Set.of("auth_failure")),
                    Map.entry("ssh_login_after_brute_force", Set.of("auth_failure", "auth_success")),
                    Map.entry("ssh_password_guessing_across_users", Set.of("auth_failure", "invalid_user")),
                    Map.entry("root_login_within_maintenance_window", Set.of("auth_success")));
            assertThat(interest.kindsCountedBy("ssh_brute_force_detected")).containsExactly("auth_failure");
            assertThat(interest.retentionMillis("auth_failure", EventRetention.DEFAULT))
                    .as("failures are only counted (rule.yml count:), so they leave once counted").isZero();
            assertThat(interest.retentionMillis("auth_success", EventRetention.DEFAULT))
                    .as("root_login_within_maintenance_window has no duration parameter: the default retention")
                    .isEqualTo(Duration.ofHours(2).toMillis());
            assertThat(interest.retentionMillis("disconnect", EventRetention.DEFAULT)).isEqualTo(-1);
        }
    }

    @Nested
    class Retention {

        @Test
        void aKindStaysForTheLongestWindowOfTheRulesReadingIt() throws Exception {
            rule("short_window", "window: {type: duration, default: 5m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            rule("long_window", "window: {type: duration, default: 30m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");

            assertThat(load().eventInterest().retentionMillis("auth_failure", EventRetention.DEFAULT))
                    .isEqualTo(Duration.ofMinutes(30).toMillis());
        }

        @Test
        void theConfiguredParameterDecidesNotTheDefault() throws Exception {
            rule("short_window", "window: {type: duration, default: 5m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            Path settings = Files.writeString(rules.resolveSibling(rules.getFileName() + "-rules.yml"),
                    "rules:\n  short_window:\n    parameters:\n      window: 45m\n");

            RuleLibrary library = RuleLibrary.load(rules, settings, CATALOG);

            assertThat(library.eventInterest().retentionMillis("auth_failure", EventRetention.DEFAULT))
                    .isEqualTo(Duration.ofMinutes(45).toMillis());
        }

        @Test
        void noWindowLongerThanTheCapIsKept() throws Exception {
            rule("weeks", "window: {type: duration, default: 21d, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");

            assertThat(load().eventInterest().retentionMillis("auth_failure", new EventRetention(Duration.ofHours(2), Duration.ofHours(6))))
                    .isEqualTo(Duration.ofHours(6).toMillis());
        }

        @Test
        void aTemporalOperatorInTheDrlKeepsEventsAtLeastAsLongAsItLooks() throws Exception {
            rule("followed_by", "window: {type: duration, default: 1m, description: w}", """
                    $a : LogEvent( kind == "auth_failure" )
                        $b : LogEvent( kind == "auth_success", this after[0s, 40m] $a )""");

            assertThat(load().eventInterest().retentionMillis("auth_failure", EventRetention.DEFAULT))
                    .isGreaterThanOrEqualTo(Duration.ofMinutes(40).toMillis());
        }
    }

    @Nested
    class Session {

        @Test
        void eventsOfKindsNoRuleReadsAreCountedNotInserted() throws Exception {
            rule("counts_failures", "window: {type: duration, default: 10m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            try (EvaluationSession session = load().newSession(EvaluationSession.Clock.PSEUDO)) {
                session.insertEvent(event("web1", "auth_failure", T0), T0);
                session.insertEvent(event("web1", "disconnect", T0.plusSeconds(1)), T0.plusSeconds(1));
                session.insertEvent(event("web1", "disconnect", T0.plusSeconds(2)), T0.plusSeconds(2));

                assertThat(session.liveEvents()).extracting(LogEvent::getKind).containsExactly("auth_failure");
                EventStats stats = session.eventStats();
                assertThat(stats.kinds().get("disconnect").notInserted()).isEqualTo(2);
                assertThat(stats.kinds().get("disconnect").retention()).isNull();
                assertThat(stats.kinds().get("auth_failure").notInserted()).isZero();
                assertThat(stats.kinds().get("auth_failure").live()).isEqualTo(1);
                assertThat(stats.kinds().get("auth_failure").retention()).isEqualTo(Duration.ofMinutes(10));
            }
        }

        @Test
        void anEventEveryPatternRefusesIsDroppedRightAfterTheRulesSawIt() throws Exception {
            rule("sshd_failures", "window: {type: duration, default: 10m, description: w}",
                    "$e : LogEvent( kind == \"auth_failure\", attribute(\"reported_by\") == \"sshd\" )");
            for (EvaluationSession.Clock clock : EvaluationSession.Clock.values()) {
                try (EvaluationSession session = load().newSession(clock)) {
                    Instant now = clock == EvaluationSession.Clock.PSEUDO ? T0 : Instant.now();
                    session.insertEvent(new LogEvent("web1", now, "sshd", "auth_failure", Map.of("reported_by", "sshd"), "sshd"), now);
                    session.insertEvent(new LogEvent("web1", now, "sshd", "auth_failure", Map.of("reported_by", "pam_unix"), "pam"), now);
                    session.fire();

                    assertThat(session.liveEvents()).as(clock.name()).extracting(LogEvent::getRaw).containsExactly("sshd");
                    assertThat(session.eventStats().kinds().get("auth_failure").unmatched()).as(clock.name()).isEqualTo(1);
                }
            }
        }

        @Test
        void eachKindExpiresAtItsOwnRetentionWithThePseudoClock() throws Exception {
            rule("counts_failures", "window: {type: duration, default: 10m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            rule("watches_logins", "window: {type: duration, default: 1h, description: w}", "$e : LogEvent( kind == \"auth_success\" )");
            try (EvaluationSession session = load().newSession(EvaluationSession.Clock.PSEUDO)) {
                session.insertEvent(event("web1", "auth_failure", T0), T0);
                session.insertEvent(event("web1", "auth_success", T0), T0);
                Instant later = T0.plus(Duration.ofMinutes(10)).minusMillis(1);
                session.insertEvent(event("web2", "auth_failure", later), later);

                assertThat(session.liveEvents()).hasSize(3);

                Instant past = T0.plus(Duration.ofMinutes(10));
                session.insertEvent(event("web2", "auth_success", past), past);

                assertThat(session.liveEvents()).extracting(LogEvent::getAsset, LogEvent::getKind).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("web1", "auth_success"),
                        org.assertj.core.groups.Tuple.tuple("web2", "auth_failure"),
                        org.assertj.core.groups.Tuple.tuple("web2", "auth_success"));

                Instant hourLater = T0.plus(Duration.ofHours(1));
                session.insertEvent(event("web3", "auth_failure", hourLater), hourLater);

                assertThat(session.liveEvents()).extracting(LogEvent::getAsset, LogEvent::getKind).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("web2", "auth_success"),
                        org.assertj.core.groups.Tuple.tuple("web3", "auth_failure"));
            }
        }

        @Test
        void anEventArrivingOutOfOrderExpiresByItsOwnTime() throws Exception {
            rule("counts_failures", "window: {type: duration, default: 10m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            try (EvaluationSession session = load().newSession(EvaluationSession.Clock.PSEUDO)) {
                Instant late = T0.plus(Duration.ofMinutes(5));
                session.insertEvent(event("web1", "auth_failure", late), late);
                session.insertEvent(event("web1", "auth_failure", T0), T0);
                Instant next = T0.plus(Duration.ofMinutes(11));
                session.insertEvent(event("web1", "auth_failure", next), next);

                assertThat(session.liveEvents()).extracting(LogEvent::getTimestamp).containsExactly(late, next);
            }
        }

        @Test
        void aRealtimeSessionExpiresEventsWhenItFiresNotBefore() throws Exception {
            rule("counts_failures", "window: {type: duration, default: 10m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            try (EvaluationSession session = load().newSession(EvaluationSession.Clock.REALTIME)) {
                Instant old = Instant.now().minus(Duration.ofHours(1));
                session.insertEvent(event("web1", "auth_failure", old), old);
                session.insertEvent(event("web1", "auth_failure", Instant.now()), Instant.now());

                assertThat(session.liveEvents()).as("inserted, for the rules to see when the cycle fires").hasSize(2);
                session.fire();

                assertThat(session.liveEvents()).hasSize(1);
            }
        }

        @Test
        void anAssetGoneFromEvidenceAndEventsTakesItsAssetFactAndWindowsWithIt() throws Exception {
            rule("keeps_windows", "window: {type: duration, default: 10m, description: w}", """
                    $e : LogEvent( kind == "auth_failure" )
                        not io.annexa.evaluation.EventWindow( asset == $e.asset )""",
                    "insert(new io.annexa.evaluation.EventWindow(\"keeps_windows\", $e.getAsset(), \"k\", $e.getEpochMillis(), 3_600_000L));");
            try (EvaluationSession session = load().newSession(EvaluationSession.Clock.PSEUDO)) {
                EvidenceKey key = new EvidenceKey("sshd_config", "web1", "/etc/ssh/sshd_config");
                session.replace(key, List.of());
                session.insertEvent(event("web1", "auth_failure", T0), T0);
                session.insertEvent(event("web2", "auth_failure", T0), T0);
                session.fire();
                assertThat(facts(session, io.annexa.evidence.Asset.class)).extracting(io.annexa.evidence.Asset::getName).containsExactly("web1");
                assertThat(facts(session, EventWindow.class)).extracting(EventWindow::getAsset).containsExactlyInAnyOrder("web1", "web2");

                Instant later = T0.plus(Duration.ofMinutes(20));
                session.insertEvent(event("web3", "disconnect", later), later);

                assertThat(facts(session, EventWindow.class)).as("web2 has neither evidence nor live events")
                        .extracting(EventWindow::getAsset).containsExactly("web1");

                session.withdraw(key);
                session.fire();

                assertThat(facts(session, io.annexa.evidence.Asset.class)).isEmpty();
                assertThat(facts(session, EventWindow.class)).isEmpty();
            }
        }

        @Test
        void aSwapKeepsTheCountsOfEventsNotInserted() throws Exception {
            rule("counts_failures", "window: {type: duration, default: 10m, description: w}", "$e : LogEvent( kind == \"auth_failure\" )");
            RuleLibrary library = load();
            List<EvaluationResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (EvaluationEngine engine = new EvaluationEngine(library, results::add, Thread::new)) {
                engine.events(List.of(event("web1", "disconnect", Instant.now()), event("web1", "auth_failure", Instant.now())));
                engine.swap(library);
                engine.events(List.of(event("web1", "disconnect", Instant.now())));
                engine.inspect(s -> null).get(10, java.util.concurrent.TimeUnit.SECONDS);
                EngineState.drain(engine);

                assertThat(engine.eventStats().kinds().get("disconnect").notInserted()).isEqualTo(2);
                assertThat(engine.eventStats().kinds().get("auth_failure").live()).isEqualTo(1);
            }
        }
    }

    private static <T> List<T> facts(EvaluationSession session, Class<T> type) {
        return session.factsOfType(type);
    }

    private static LogEvent event(String asset, String kind, Instant at) {
        return new LogEvent(asset, at, "sshd", kind, Map.of("source_ip", "203.0.113.7", "user", "root"), "line " + kind);
    }

    private RuleLibrary load() throws RuleLibraryException {
        return RuleLibrary.load(rules, CATALOG);
    }

    private void rule(String id, String parameters, String conditions) throws IOException {
        rule(id, parameters, conditions, "insert(findings.incident(drools, \"x\", \"seen\"));");
    }

    private void rule(String id, String parameters, String conditions, String consequence) throws IOException {
        Path folder = Files.createDirectories(rules.resolve(THEME).resolve(id));
        Files.writeString(folder.resolve("rule.yml"), """
                id: %s
                title: A rule reading log events
                controls:
                  iso27002:2022: ["8.16"]
                severity: low
                sources: [log]
                rationale: For the test.
                remediation: None.
                %s
                """.formatted(id, parameters.isEmpty() ? "" : "parameters:\n  " + parameters));
        Files.writeString(folder.resolve(id + ".drl"), """
                package %s;

                import io.annexa.evidence.LogEvent;

                global io.annexa.evaluation.FindingFactory findings;

                rule "%s"
                when
                    %s
                then
                    %s
                end
                """.formatted(THEME.replace('/', '.') + "." + id, id, conditions, consequence));
    }
}
