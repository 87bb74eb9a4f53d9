package io.annexa.ingestion;

import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.RuleParameter;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.ingestion.scenario.ScenarioYaml;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@value SilenceWatch#SOURCE} scenario: the history of some routes, checked once by the real
 * {@link SilenceWatch} over a real {@link SourceMonitor} on a clock that shows the file's times.
 * <pre>
 * started: 2026-05-31T00:00:00Z       # when Annexa started (the watch counts silence from here without success)
 * now: 2026-06-01T00:00:00Z           # when the check runs; the scenario's observation time by default
 * routes:
 *   sshd-inbox:                       # route id; also the asset a silence is filed under
 *     kind: sshd_config               # the kind of evidence it delivers
 *     interval: 1h                    # expected interval: 30s, 10m, 1h, 1d or ISO-8601 (PT1H)
 *     last_success: 2026-05-31T21:00:00Z   # optional: never delivered since start when absent
 * </pre>
 */
public final class SilenceScenario {

    private static final Set<String> FIELDS = Set.of("started", "now", "routes");
    private static final Set<String> ROUTE_FIELDS = Set.of("kind", "interval", "last_success");

    private SilenceScenario() {
    }

    public static ScenarioFacts read(Path path, String asset, Instant observedAt) throws InvalidInputException {
        ScenarioYaml yaml = ScenarioYaml.read(path, FIELDS);
        Instant started = yaml.requiredInstant("started");
        Instant now = yaml.instant("now").orElse(observedAt);
        if (now.isBefore(started)) {
            throw yaml.problem("now", "now (" + now + ") is before started (" + started + ")");
        }
        Map<String, ScenarioYaml> routes = yaml.mappings("routes", ROUTE_FIELDS);
        if (routes.isEmpty()) {
            throw yaml.problem("routes", "'routes' names no route to check");
        }

        SettableClock clock = new SettableClock(started);
        SourceMonitor monitor = new SourceMonitor();
        Collected sink = new Collected();
        SilenceWatch watch = new SilenceWatch(monitor, sink, clock);
        Map<String, SilenceWatch.Expectation> expectations = new LinkedHashMap<>();
        for (Map.Entry<String, ScenarioYaml> entry : routes.entrySet()) {
            String routeId = entry.getKey();
            ScenarioYaml route = entry.getValue();
            try {
                // the watch files a route's silence under its id as the asset
                io.annexa.evidence.AssetNames.validate("route id", routeId);
            } catch (IllegalArgumentException e) {
                throw yaml.problem("routes", e.getMessage());
            }
            expectations.put(routeId, new SilenceWatch.Expectation(route.requiredText("kind").strip(), interval(route)));
            if (route.has("last_success")) {
                Instant last = route.requiredInstant("last_success");
                if (last.isAfter(now) || last.isBefore(started)) {
                    throw route.problem("last_success", "last_success (" + last + ") is not between started (" + started
                            + ") and now (" + now + "): the monitor knows only successes since start");
                }
                monitor.read(routeId, 1, last);
            }
        }
        clock.now = now;
        watch.check(expectations);
        return new ScenarioFacts(sink.evidence, List.of());
    }

    private static Duration interval(ScenarioYaml route) throws InvalidInputException {
        String text = route.requiredText("interval");
        Duration interval;
        try {
            interval = RuleParameter.parseDuration(text);
        } catch (RuntimeException e) {
            throw route.problem("interval", "interval '" + text + "' is not a duration like 30s, 10m, 1h, 1d or PT1H");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw route.problem("interval", "interval '" + text + "' must be positive");
        }
        return interval;
    }

    /** What the watch handed over, by key. */
    private static final class Collected implements EvidenceSink {
        final Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();

        @Override
        public void replace(EvidenceKey key, List<Object> facts) {
            // "not silent" is reported as no facts: a scenario holds only what a rule could match
            if (facts.isEmpty()) {
                evidence.remove(key);
            } else {
                evidence.put(key, List.copyOf(facts));
            }
        }

        @Override
        public void withdraw(EvidenceKey key) {
            evidence.remove(key);
        }

        @Override
        public void events(List<?> events) {
            throw new UnsupportedOperationException("the silence watch hands over no events");
        }
    }

    /** The file's times, one after the other. */
    private static final class SettableClock extends Clock {
        Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
