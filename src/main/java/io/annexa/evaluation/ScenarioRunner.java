package io.annexa.evaluation;

import io.annexa.evidence.LogEvent;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.ScenarioFacts;
import io.annexa.evidence.ScenarioInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a rule's scenarios: each raw input is parsed by the same parser the routes use, evaluated in a
 * fresh session of the whole library, and the rule's findings compared with the outcome the file
 * name states. Events go in one by one with a pseudo clock moved to each event's time, as if they had
 * arrived live; then the session fires once more to settle.
 *
 * <p>A rule's {@code tests/baseline.yml}, written like {@code config/baseline.yml}, is the declared
 * configuration baseline in each of its scenarios; without it, scenarios run with no baseline declared.
 */
public final class ScenarioRunner {

    /**
     * The moment every scenario counts as observed. Fixed, so that a scenario comparing a certificate's
     * expiry or a last login with the time of observation gives the same verdict in every year it is run.
     */
    public static final Instant OBSERVED_AT = Instant.parse("2026-06-01T00:00:00Z");

    /**
     * What a scenario did; {@link #problem} is set when it could not be evaluated at all. {@link #facts} are what
     * its input was read into (none when it could not be read), so that a failed scenario can show them.
     */
    public record Result(Scenario scenario, boolean passed, List<Finding> findings, String problem, ScenarioFacts facts) {

        private static final ScenarioFacts NONE = new ScenarioFacts(Map.of(), List.of());

        static Result unusable(Scenario scenario, String problem, ScenarioFacts facts) {
            return new Result(scenario, false, List.of(), problem, facts);
        }

        static Result unusable(Scenario scenario, String problem) {
            return unusable(scenario, problem, NONE);
        }

        public String explain() {
            if (problem != null) {
                return scenario + ": " + problem;
            }
            return scenario + ": expected " + scenario.expected().label() + ", rule raised "
                    + (findings.isEmpty() ? "no finding" : findings.size() + " finding(s): " + findings);
        }
    }

    /** Far above what a scenario of sound rules takes (tens of milliseconds); reached by a rule that loops. */
    public static final Duration DEFAULT_WALL_CLOCK_LIMIT = Duration.ofSeconds(10);
    /** How long past the limit a scenario stuck outside rule code's loops (a slow library call) is waited for. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final RuleLibrary library;
    private final Function<String, Optional<ScenarioInput>> parsers;
    private final Duration wallClockLimit;

    public ScenarioRunner(RuleLibrary library, Function<String, Optional<ScenarioInput>> parsers) {
        this(library, parsers, DEFAULT_WALL_CLOCK_LIMIT);
    }

    /** @param wallClockLimit how long one scenario may run, besides the firing limit of {@link EvaluationSession} */
    public ScenarioRunner(RuleLibrary library, Function<String, Optional<ScenarioInput>> parsers, Duration wallClockLimit) {
        this.library = library;
        this.parsers = parsers;
        this.wallClockLimit = wallClockLimit;
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

    /**
     * Runs the scenario on a worker thread of its own, rule code limited to the wall-clock limit
     * ({@link RuleDeadline}). A worker still busy a grace period after the limit (stuck in a library call, where
     * no checkpoint is) is abandoned: the check returns, and the daemon thread ends when that call does.
     */
    public Result run(Scenario scenario) {
        FutureTask<Result> task = new FutureTask<>(() -> RuleDeadline.within(wallClockLimit, () -> runHere(scenario)));
        Thread worker = new Thread(task, "annexa-scenario-" + scenario.rule().id());
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(wallClockLimit.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            return Result.unusable(scenario, tooLong());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            return Result.unusable(scenario, "interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuleDeadline.Exceeded) {
                return Result.unusable(scenario, tooLong());
            }
            return Result.unusable(scenario, "rule code failed: " + e.getCause());
        }
    }

    private String tooLong() {
        return "stopped after the wall-clock limit of " + wallClockLimit.toMillis() + " ms (a rule that loops?)";
    }

    private Result runHere(Scenario scenario) {
        Optional<ScenarioInput> parser = parsers.apply(scenario.source());
        if (parser.isEmpty()) {
            return Result.unusable(scenario, "no scenario reader for source '" + scenario.source() + "'");
        }
        ScenarioFacts facts;
        try {
            facts = parser.get().read(scenario.file(), scenario.asset(), OBSERVED_AT);
        } catch (InvalidInputException | IOException | RuntimeException e) {
            return Result.unusable(scenario, "input cannot be parsed: " + e.getMessage());
        }
        List<Problem> baselineProblems = new ArrayList<>();
        Path baselineFile = scenario.rule().testsFolder().resolve(BaselineReader.FILE_NAME);
        List<io.annexa.evidence.BaselineValue> baseline = BaselineReader.read(baselineFile,
                scenario.rule().id() + "/tests/" + BaselineReader.FILE_NAME, baselineProblems);
        if (!baselineProblems.isEmpty()) {
            return Result.unusable(scenario, "baseline cannot be read: " + baselineProblems, facts);
        }
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            session.declareBaseline(baseline);
            facts.evidence().forEach(session::replace);
            for (LogEvent event : facts.events()) {
                session.insertEvent(event, event.getTimestamp());
            }
            EvaluationResult result = session.fire();
            List<Finding> findings = new ArrayList<>(result.incidents());
            findings.addAll(result.findings());
            findings.removeIf(f -> !f.getRuleId().equals(scenario.rule().id()));
            boolean passed = scenario.expected() == Scenario.Outcome.FAIL ? !findings.isEmpty() : findings.isEmpty();
            return new Result(scenario, passed, findings, null, facts);
        } catch (EvaluationSession.RuleLoopException e) {
            return Result.unusable(scenario, e.getMessage(), facts);
        } catch (RuntimeException | Error e) {
            // Drools wraps what rule code throws; the deadline is what matters here
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof RuleDeadline.Exceeded exceeded) {
                    throw exceeded;
                }
            }
            throw e;
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
                    .filter(f -> !f.getFileName().toString().equals(BaselineReader.FILE_NAME))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tests, e);
        }
    }
}
