package io.annexa.ingestion.ssh;

import io.annexa.evidence.AssetNames;
import io.annexa.evidence.CollectionFailed;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.RuleParameter;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.ingestion.scenario.ScenarioYaml;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@value CollectionFailed#SOURCE} scenario: one host's collections, oldest first, told to the engine the way
 * the collection tells them ({@link HostRecord}), so a rule sees the same {@link CollectionFailed} fact it would in
 * service.
 * <pre>
 * host: web-01                          # optional: the scenario's asset when absent
 * expected_interval: 2h                 # 30s, 10m, 1h, 1d or ISO-8601 (PT2H)
 * attempts:                             # oldest first
 *   2026-05-31T18:00:00Z: { result: ok }
 *   2026-05-31T19:00:00Z: { result: "unreachable: web-01 (10.0.0.11:22) while connecting: Connection refused" }
 * </pre>
 * Any result other than {@code ok} is a failure, and its text is the reason the fact carries.
 */
public final class CollectionScenario {

    private static final Set<String> FIELDS = Set.of("host", "expected_interval", "attempts");
    private static final Set<String> ATTEMPT = Set.of("result");

    private CollectionScenario() {
    }

    public static ScenarioFacts read(Path path, String asset, Instant observedAt) throws InvalidInputException {
        ScenarioYaml yaml = ScenarioYaml.read(path, FIELDS);
        String host = yaml.text("host").map(String::strip).orElse(asset);
        try {
            host = AssetNames.validate("host", host);
        } catch (IllegalArgumentException e) {
            throw yaml.problem("host", e.getMessage());
        }
        Duration interval = interval(yaml);
        Map<String, ScenarioYaml> attempts = yaml.mappings("attempts", ATTEMPT);
        if (attempts.isEmpty()) {
            throw yaml.problem("attempts", "'attempts' lists no collection");
        }
        HostRecord record = new HostRecord(host, null);
        EvidenceKey key = SshCollection.key(host);
        Map<EvidenceKey, List<Object>> evidence = new LinkedHashMap<>();
        Instant previous = null;
        for (Map.Entry<String, ScenarioYaml> attempt : attempts.entrySet()) {
            Instant at;
            try {
                at = Instant.parse(attempt.getKey().strip());
            } catch (DateTimeParseException e) {
                throw yaml.problem("attempts", "'" + attempt.getKey() + "' is not an instant like 2026-05-31T22:00:00Z");
            }
            if (previous != null && !at.isAfter(previous)) {
                throw yaml.problem("attempts", "attempts are listed oldest first: " + at + " comes after " + previous);
            }
            previous = at;
            String result = attempt.getValue().requiredText("result").strip();
            List<Object> told = result.equals("ok") ? record.succeeded(at).orElse(null) : record.failed(result, interval, at);
            if (told != null) {
                // "no failure" is told as no facts: a scenario holds only what a rule could match
                if (told.isEmpty()) {
                    evidence.remove(key);
                } else {
                    evidence.put(key, told);
                }
            }
        }
        return new ScenarioFacts(evidence, List.of());
    }

    private static Duration interval(ScenarioYaml yaml) throws InvalidInputException {
        String text = yaml.requiredText("expected_interval");
        Duration interval;
        try {
            interval = RuleParameter.parseDuration(text.strip());
        } catch (RuntimeException e) {
            throw yaml.problem("expected_interval", "expected_interval '" + text + "' is not a duration like 30s, 10m, 1h, 1d or PT1H");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw yaml.problem("expected_interval", "expected_interval '" + text + "' must be positive");
        }
        return interval;
    }
}
