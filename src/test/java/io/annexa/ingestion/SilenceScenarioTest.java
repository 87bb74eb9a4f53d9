package io.annexa.ingestion;

import io.annexa.evidence.InvalidInputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.SourceSilent;
import io.annexa.evidence.ScenarioFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Silence scenarios: the file's history replayed into a real SourceMonitor and checked once by a real SilenceWatch. */
class SilenceScenarioTest {

    private static final Instant OBSERVED = Instant.parse("2026-06-01T00:00:00Z");

    @TempDir
    Path temp;

    @Test
    void onlyTheRoutesOverdueAtNowAreSilentFiledUnderTheirRouteId() throws Exception {
        Path file = write("mixed.fail.source_silent", """
                started: 2026-05-20T00:00:00Z
                now: 2026-05-31T12:00:00Z
                routes:
                  sshd-inbox:
                    kind: sshd_config
                    interval: 1h
                    last_success: 2026-05-31T11:30:00Z
                  xccdf-inbox:
                    kind: xccdf
                    interval: PT24H
                    last_success: 2026-05-29T00:00:00Z
                  accounts-query:
                    kind: accounts
                    interval: 10m
                """);

        ScenarioFacts facts = SilenceScenario.read(file, "scenario-mixed", OBSERVED);

        EvidenceKey xccdf = new EvidenceKey(SilenceWatch.SOURCE, "xccdf-inbox", "silence-watch");
        EvidenceKey accounts = new EvidenceKey(SilenceWatch.SOURCE, "accounts-query", "silence-watch");
        assertThat(facts.evidence()).containsOnlyKeys(xccdf, accounts);
        assertThat(facts.evidence().get(xccdf)).containsExactly(new SourceSilent("xccdf-inbox", "xccdf", Duration.ofDays(1),
                Instant.parse("2026-05-29T00:00:00Z"), Instant.parse("2026-05-29T00:00:00Z")));
        // never delivered: silent since start
        assertThat(facts.evidence().get(accounts)).containsExactly(new SourceSilent("accounts-query", "accounts",
                Duration.ofMinutes(10), null, Instant.parse("2026-05-20T00:00:00Z")));
    }

    @Test
    void withoutNowTheCheckRunsAtTheObservationTimeAndExactlyOneIntervalIsNotYetSilent() throws Exception {
        Path file = write("due.pass.source_silent", """
                started: 2026-05-31T00:00:00Z
                routes:
                  tls-probe: {kind: tls, interval: 6h, last_success: "2026-05-31T18:00:00Z"}
                """);

        assertThat(SilenceScenario.read(file, "x", OBSERVED).evidence()).isEmpty();
        assertThat(SilenceScenario.read(file, "x", OBSERVED.plusSeconds(1)).evidence()).hasSize(1);
    }

    @Test
    void aSuccessAtAGivenMomentIsTheMonitorsLastSuccess() {
        SourceMonitor monitor = new SourceMonitor();
        Instant at = Instant.parse("2026-05-31T18:00:00Z");
        monitor.read("r", 3, at);
        assertThat(monitor.counters("r").lastSuccess()).contains(at);
        assertThat(monitor.counters("r").itemsRead()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- rejected inputs

    @Test
    void aSuccessOutsideTheMonitoredTimeIsRejectedWithItsLine() throws Exception {
        Path file = write("future.fail.source_silent", """
                started: 2026-05-31T00:00:00Z
                routes:
                  sshd-inbox:
                    kind: sshd_config
                    interval: 1h
                    last_success: 2026-06-02T00:00:00Z
                """);

        assertThatThrownBy(() -> SilenceScenario.read(file, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(file + ":6: last_success (2026-06-02T00:00:00Z) is not between started");
    }

    @Test
    void malformedFieldsAreRejectedWithTheirLine() throws Exception {
        Path interval = write("interval.fail.source_silent", "started: 2026-05-31T00:00:00Z\nroutes:\n  r:\n    kind: x\n    interval: hourly\n");
        assertThatThrownBy(() -> SilenceScenario.read(interval, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(interval + ":5: interval 'hourly' is not a duration");

        Path unknown = write("unknown.fail.source_silent", "started: 2026-05-31T00:00:00Z\nroutes:\n  r:\n    kind: x\n    every: 1h\n");
        assertThatThrownBy(() -> SilenceScenario.read(unknown, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(unknown + ":5: unknown field 'every' in 'routes.r'");

        Path instant = write("instant.fail.source_silent", "started: yesterday\nroutes:\n  r: {kind: x, interval: 1h}\n");
        assertThatThrownBy(() -> SilenceScenario.read(instant, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(instant + ":1: 'started' is 'yesterday', not an instant");

        Path noRoutes = write("noroutes.fail.source_silent", "started: 2026-05-31T00:00:00Z\n");
        assertThatThrownBy(() -> SilenceScenario.read(noRoutes, "x", OBSERVED)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'routes' names no route");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(temp.resolve(name), text, StandardCharsets.UTF_8);
    }
}
