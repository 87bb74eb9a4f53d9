package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.RuleLibraryException;
import io.annexa.evaluation.Scenario;
import io.annexa.evaluation.ScenarioRunner;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.evidence.ScenarioInput;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The real rule library and libraries made from it for the rule benchmarks: a larger one of renamed copies,
 * and one with a single rule changed; and evidence for their sessions, read from the rules' own scenarios.
 */
final class BenchLibraries {

    /** This environment's rule settings and (next to it) baseline, as the service loads them. */
    static final Path SETTINGS = ProjectFiles.root().resolve("config/rules.yml");
    private static final Pattern ID_LINE = Pattern.compile("(?m)^id:.*$");
    private static final Pattern PACKAGE_LINE = Pattern.compile("(?m)^package\\s+[\\w.]+\\s*;");

    static final ControlCatalog CATALOG = ControlCatalog.load();

    private BenchLibraries() {
    }

    static RuleLibrary load(Path rulesDir) throws RuleLibraryException {
        return RuleLibrary.load(rulesDir, SETTINGS, CATALOG);
    }

    /** With these rule settings instead of this environment's; the baseline is read next to them. */
    static RuleLibrary load(Path rulesDir, Path settings) throws RuleLibraryException {
        return RuleLibrary.load(rulesDir, settings, CATALOG);
    }

    /**
     * Rule settings (written into {@code dir}, as {@code config/rules.yml}, with this environment's baseline next to
     * them) that set every duration parameter of the rules reading log events to {@code window}.
     *
     * @return the settings file
     */
    static Path withWindows(RuleLibrary library, String window, Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (String rule : library.eventInterest().kindsByRule().keySet()) {
            RuleDefinition definition = library.rule(rule).orElseThrow();
            List<String> durations = definition.parameterTypes().entrySet().stream()
                    .filter(p -> p.getValue().equals("duration")).map(Map.Entry::getKey).sorted().toList();
            if (!durations.isEmpty()) {
                yaml.append("  ").append(rule).append(":\n    parameters:\n");
                durations.forEach(name -> yaml.append("      ").append(name).append(": ").append(window).append('\n'));
            }
        }
        Files.copy(RuleLibrary.baselineFile(SETTINGS), RuleLibrary.baselineFile(dir.resolve("rules.yml")));
        return Files.writeString(dir.resolve("rules.yml"), yaml);
    }

    /** With the rule sandbox on (what the service does) or off, to measure what it costs. */
    static RuleLibrary load(Path rulesDir, boolean sandboxed) throws RuleLibraryException {
        return io.annexa.evaluation.UnsandboxedLibraries.load(rulesDir, SETTINGS, CATALOG, sandboxed);
    }

    /** The rule folders of {@code rules/}, relative to it: every folder with a rule.yml outside a tests/ folder. */
    static List<Path> realRuleFolders() throws IOException {
        try (Stream<Path> files = Files.walk(ProjectFiles.rules())) {
            return files.filter(f -> f.getFileName().toString().equals("rule.yml"))
                    .map(f -> ProjectFiles.rules().relativize(f.getParent()))
                    .filter(folder -> Stream.of(folder.toString().split("[/\\\\]")).noneMatch("tests"::equals))
                    .sorted()
                    .toList();
        }
    }

    /**
     * A library of {@code copies} times every real rule: the rule itself and renamed copies
     * {@code <id>_x<n>} next to it. Renaming rewrites the id, the folder, the DRL file and every mention of the
     * id in the DRL (package, rule names, the {@code RuleParameter(rule == ...)} lookups), so each copy reads
     * its own parameters and keeps its own windows, as a distinct rule would. Scenarios are not copied: the
     * loader does not read them. The mix of configuration and temporal rules stays the real one.
     *
     * @return {@code target}
     */
    static Path multiplied(Path target, int copies) throws IOException {
        for (Path folder : realRuleFolders()) {
            String id = folder.getFileName().toString();
            for (int n = 0; n < copies; n++) {
                String copyId = n == 0 ? id : id + "_x" + n;
                copyRule(folder, target, folder.resolveSibling(copyId));
            }
        }
        return target;
    }

    /**
     * The ceiling of the log path: one rule that takes in every event (no kind constraint, so every event is inserted
     * and kept) and never fires, as it joins each with a fact that never exists, with a 10-minute window parameter like
     * the temporal rules', so that events stay as long as theirs. What the log path costs with rules that do nothing:
     * parsing, classifying, handing over, inserting, one join and expiring.
     */
    static Path ceiling(Path target) throws IOException {
        Path folder = Files.createDirectories(target.resolve("technological/c8_16_monitoring_activities/log_path_ceiling"));
        Files.writeString(folder.resolve("rule.yml"), """
                id: log_path_ceiling
                title: Reads every log event and never matches
                controls:
                  iso27002:2022: ["8.16"]
                severity: low
                sources: [log]
                rationale: The ceiling of the log path for benchmarks.
                remediation: None.
                parameters:
                  window:
                    type: duration
                    default: 10m
                    description: How long events stay, as long as the temporal rules keep theirs
                """);
        Files.writeString(folder.resolve("log_path_ceiling.drl"), """
                package technological.c8_16_monitoring_activities.log_path_ceiling;

                import io.annexa.evidence.LogEvent;
                import io.annexa.evidence.SourceSilent;

                global io.annexa.evaluation.FindingFactory findings;

                rule "log_path_ceiling: never"
                when
                    $e : LogEvent( )
                    SourceSilent( routeId == $e.asset )
                then
                    insert(findings.incident(drools, $e.getAsset(), "never"));
                end
                """);
        return target;
    }

    /** The real library with one rule's finding text changed: a library that differs, to swap back and forth with. */
    static Path withOneRuleChanged(Path target) throws IOException {
        multiplied(target, 1);
        Path drl = target.resolve("technological/c8_05_secure_authentication/sshd_root_login_disabled/sshd_root_login_disabled.drl");
        String text = Files.readString(drl);
        String changed = text.replace("root may log in over SSH: ", "root login allowed: ");
        if (changed.equals(text)) {
            throw new IllegalStateException(drl + " no longer says 'root may log in over SSH: '; pick another change");
        }
        Files.writeString(drl, changed);
        return target;
    }

    /** Copies the rule in {@code folder} to {@code copy} (both relative to their rules folder), renamed after it. */
    private static void copyRule(Path folder, Path target, Path copy) throws IOException {
        String id = folder.getFileName().toString();
        String copyId = copy.getFileName().toString();
        Path from = ProjectFiles.rules().resolve(folder);
        Path to = Files.createDirectories(target.resolve(copy));
        Files.writeString(to.resolve("rule.yml"), ID_LINE.matcher(Files.readString(from.resolve("rule.yml")))
                .replaceFirst("id: " + copyId));
        String drl = Files.readString(from.resolve(id + ".drl")).replaceAll("\\b" + id + "\\b", copyId);
        // the loader demands the folder's path as package; set it outright rather than trust the renaming
        String drlPackage = String.join(".", copy.toString().split("[/\\\\]"));
        Files.writeString(to.resolve(copyId + ".drl"), PACKAGE_LINE.matcher(drl)
                .replaceFirst(Matcher.quoteReplacement("package " + drlPackage + ";")));
    }

    /**
     * Every non-log scenario input of the library's rules, read by its source's parser, each under an asset of
     * its own: a few hundred evidence keys of every kind the rules read, as a running service holds.
     *
     * @return how many evidence keys were handed over
     */
    static int handOverScenarioEvidence(RuleLibrary library, EvaluationEngine engine) throws Exception {
        ScenarioInputs inputs = new ScenarioInputs(CATALOG);
        ScenarioRunner runner = new ScenarioRunner(library, inputs::forSource);
        int keys = 0;
        int file = 0;
        for (RuleDefinition rule : library.rules()) {
            for (Scenario scenario : runner.scenarios(rule)) {
                Optional<ScenarioInput> input = inputs.forSource(scenario.source());
                if (scenario.source().equals(ScenarioInputs.LOG) || input.isEmpty()) {
                    continue; // log lines are the event benchmarks' business
                }
                String asset = "bench-" + (++file);
                ScenarioFacts facts = input.get().read(scenario.file(), asset, Instant.now());
                for (Map.Entry<EvidenceKey, List<Object>> evidence : facts.evidence().entrySet()) {
                    engine.replace(evidence.getKey(), evidence.getValue());
                    keys++;
                }
            }
        }
        return keys;
    }
}
