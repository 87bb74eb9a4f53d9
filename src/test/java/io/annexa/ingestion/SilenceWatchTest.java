package io.annexa.ingestion;

import io.annexa.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.SourceSilent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
