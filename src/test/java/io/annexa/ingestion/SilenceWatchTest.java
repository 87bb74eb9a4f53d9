package io.annexa.ingestion;

import io.annexa.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.SourceSilent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilenceWatchTest {

    private static final Instant START = Instant.parse("2026-11-28T00:00:00Z");
    private static final EvidenceKey KEY = new EvidenceKey(SilenceWatch.SOURCE, "accounts-query", "silence-watch");
    private static final Map<String, SilenceWatch.Expectation> ACCOUNTS =
            Map.of("accounts-query", new SilenceWatch.Expectation("accounts", Duration.ofMinutes(10)));

    private final ManualClock clock = new ManualClock(START);
    private final SourceMonitor monitor = new SourceMonitor();
    private final CollectingSink sink = new CollectingSink();
    private final SilenceWatch watch = new SilenceWatch(monitor, sink, clock);

    @Test
    void aSourceThatNeverDeliversIsSilentOnceItsIntervalHasPassedSinceStart() {
        clock.set(START.plus(Duration.ofMinutes(9)));
        watch.check(ACCOUNTS);
        assertThat(sink.calls(KEY)).isZero();

        clock.set(START.plus(Duration.ofMinutes(11)));
        watch.check(ACCOUNTS);
        assertThat(sink.latest(KEY)).hasValueSatisfying(facts -> assertThat(facts).singleElement()
                .isInstanceOfSatisfying(SourceSilent.class, silent -> {
                    assertThat(silent.routeId()).isEqualTo("accounts-query");
                    assertThat(silent.source()).isEqualTo("accounts");
                    assertThat(silent.lastSuccess()).isNull();
                    assertThat(silent.since()).isEqualTo(START);
                }));
        assertThat(watch.isSilent("accounts-query")).isTrue();
    }

    @Test
    void deliveringAgainWithdrawsTheFactAndRepeatedChecksDoNotRepeatIt() {
        clock.set(START.plus(Duration.ofMinutes(11)));
        watch.check(ACCOUNTS);
        watch.check(ACCOUNTS);
        assertThat(sink.calls(KEY)).isEqualTo(1);

        monitor.read("accounts-query", 3);
        watch.check(ACCOUNTS);
        assertThat(sink.calls(KEY)).isEqualTo(2);
        assertThat(sink.latest(KEY)).contains(List.of());
        assertThat(watch.isSilent("accounts-query")).isFalse();
    }

    @Test
    void routesWithoutAnExpectedIntervalAreNeverSilent() {
        clock.set(START.plus(Duration.ofDays(30)));
        watch.check(Map.of());
        assertThat(sink.keys()).isEmpty();
    }

    /** After a restart the watch knows nothing: a route that delivers says so once, which resolves an old gap. */
    @Test
    void aRouteThatDeliversAfterStartIsReportedNotSilentOnceSoAGapFromBeforeARestartCanBeResolved() {
        clock.set(START.plus(Duration.ofMinutes(1)));
        watch.check(ACCOUNTS);
        assertThat(sink.calls(KEY)).as("unknown yet: neither delivered nor overdue").isZero();

        monitor.read("accounts-query", 1);
        watch.check(ACCOUNTS);
        watch.check(ACCOUNTS);

        assertThat(sink.calls(KEY)).isEqualTo(1);
        assertThat(sink.latest(KEY)).contains(List.of());
    }

    /** The remediation of source_reporting_on_schedule: a route retired on purpose loses its interval, and its gap ends. */
    @Test
    void aSilentRouteNoLongerWatchedHasItsSilenceWithdrawnOnce() {
        clock.set(START.plus(Duration.ofMinutes(11)));
        watch.check(ACCOUNTS);
        assertThat(watch.isSilent("accounts-query")).isTrue();

        // the route removed, or its expected-interval-ms unset: the runtime no longer lists it
        watch.check(Map.of());
        watch.check(Map.of());

        assertThat(sink.withdrawals()).containsExactly(KEY);
        assertThat(sink.holds(KEY)).isFalse();
        assertThat(watch.isSilent("accounts-query")).isFalse();
    }

    @Test
    void aRouteThatWasNotSilentIsNotWithdrawnWhenItStopsBeingWatched() {
        monitor.read("accounts-query", 1);
        watch.check(ACCOUNTS);

        watch.check(Map.of());

        assertThat(sink.withdrawals()).isEmpty();
        assertThat(sink.latest(KEY)).contains(List.of());
    }

    /** The route removed while Annexa was down: the routes reported silent are saved, and the next start withdraws it. */
    @Test
    void aSilentRouteRemovedWhileAnnexaWasDownIsWithdrawnAtTheFirstCheckAfterTheStart(@TempDir Path temp) throws Exception {
        Path saved = temp.resolve("state/silent-routes.txt");
        Map<String, SilenceWatch.Expectation> both = Map.of(
                "accounts-query", new SilenceWatch.Expectation("accounts", Duration.ofMinutes(10)),
                "xccdf-inbox", new SilenceWatch.Expectation("xccdf", Duration.ofMinutes(10)));
        SilenceWatch before = new SilenceWatch(monitor, sink, clock, SavedNames.in(saved, "routes reported silent"));
        clock.set(START.plus(Duration.ofMinutes(11)));
        before.check(both);
        assertThat(Files.readAllLines(saved)).filteredOn(line -> !line.startsWith("#"))
                .containsExactlyInAnyOrder("accounts-query", "xccdf-inbox");

        // restarted without the accounts route; the xccdf route is still there, and not known yet
        CollectingSink after = new CollectingSink();
        ManualClock restarted = new ManualClock(START.plus(Duration.ofHours(1)));
        SilenceWatch watchAfter = new SilenceWatch(new SourceMonitor(), after, restarted,
                SavedNames.in(saved, "routes reported silent"));
        watchAfter.check(Map.of("xccdf-inbox", both.get("xccdf-inbox")));

        assertThat(after.withdrawals()).containsExactly(KEY);
        assertThat(after.keys()).as("the xccdf route is judged on its own interval, from this start").isEmpty();
        assertThat(Files.readAllLines(saved)).filteredOn(line -> !line.startsWith("#")).containsExactly("xccdf-inbox");

        // a third start without the xccdf route either: it is withdrawn, the accounts route not again
        CollectingSink third = new CollectingSink();
        new SilenceWatch(new SourceMonitor(), third, restarted, SavedNames.in(saved, "routes reported silent"))
                .check(Map.of());
        assertThat(third.withdrawals()).containsExactly(new EvidenceKey(SilenceWatch.SOURCE, "xccdf-inbox", "silence-watch"));
    }
}
