package io.annexa.evaluation;

import io.annexa.evidence.EvidenceKey;
import io.annexa.ingestion.ConfigParser;
import io.annexa.ingestion.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a rule's scenarios: each raw input is parsed by the same parser the routes use, evaluated in a
 * fresh session of the whole library, and the rule's findings compared with the outcome the file
 * name states.
 */
public final class ScenarioRunner {

    /** What a scenario did; {@link #problem} is set when it could not be evaluated at all. */
    public record Result(Scenario scenario, boolean passed, List<Finding> findings, String problem) {

        public String explain() {
            if (problem != null) {
                return scenario + ": " + problem;
            }
            return scenario + ": expected " + scenario.expected().label() + ", rule raised "
                    + (findings.isEmpty() ? "no finding" : findings.size() + " finding(s): " + findings);
        }
    }

    private final RuleLibrary library;
    private final Function<String, Optional<ConfigParser>> parsers;

    public ScenarioRunner(RuleLibrary library, Function<String, Optional<ConfigParser>> parsers) {
        this.library = library;
        this.parsers = parsers;
    }

    /** Every file in the rule's tests/ folder; files not named by the convention are reported by {@link #problems}. */
    public List<Scenario> scenarios(RuleDefinition rule) {
        List<Scenario> scenarios = new ArrayList<>();
        for (Path file : testFiles(rule)) {
            Scenario.of(rule, file).ifPresent(scenarios::add);
        }
        return scenarios;
    }

    /** A rule must show both that it catches a failure and that it accepts a good input. */
    public List<String> problems(RuleDefinition rule) {
        List<String> problems = new ArrayList<>();
        for (Path file : testFiles(rule)) {
            if (Scenario.of(rule, file).isEmpty()) {
                problems.add(rule.id() + "/tests/" + file.getFileName()
                        + ": name must be <scenario>.<pass|fail|notapplicable>.<source>, e.g. root_login_yes.fail.sshd_config");
            }
        }
        Set<Scenario.Outcome> outcomes = EnumSet.noneOf(Scenario.Outcome.class);
        scenarios(rule).forEach(s -> outcomes.add(s.expected()));
        if (!outcomes.contains(Scenario.Outcome.PASS)) {
            problems.add(rule.id() + ": no passing scenario (tests/<name>.pass.<source>)");
        }
        if (!outcomes.contains(Scenario.Outcome.FAIL)) {
            problems.add(rule.id() + ": no failing scenario (tests/<name>.fail.<source>)");
        }
        return problems;
    }

    public Result run(Scenario scenario) {
        Optional<ConfigParser> parser = parsers.apply(scenario.source());
        if (parser.isEmpty()) {
            return new Result(scenario, false, List.of(), "no parser for source '" + scenario.source() + "'");
        }
        Instant now = Instant.now();
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            var snapshot = parser.get().parse(scenario.file(), scenario.asset(), now);
            session.replace(new EvidenceKey(scenario.source(), scenario.asset(), "scenario"), snapshot.facts());
            List<Finding> findings = session.fire().findings().stream()
                    .filter(f -> f.getRuleId().equals(scenario.rule().id()))
                    .toList();
            boolean passed = scenario.expected() == Scenario.Outcome.FAIL ? !findings.isEmpty() : findings.isEmpty();
            return new Result(scenario, passed, findings, null);
        } catch (InvalidInputException | IOException e) {
            return new Result(scenario, false, List.of(), "input cannot be parsed: " + e.getMessage());
        }
    }

    private static List<Path> testFiles(RuleDefinition rule) {
        Path tests = rule.testsFolder();
        if (!Files.isDirectory(tests)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tests)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("README"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tests, e);
        }
    }
}
