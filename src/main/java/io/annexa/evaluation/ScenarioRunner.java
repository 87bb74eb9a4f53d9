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
     * What a scenario did; {@link #problem} is set when it could not be evaluated at all, or when it passed on one path
     * and not on the other. {@link #facts} are what its input was read into (none when it could not be read), so that a
     * failed scenario can show them.
     *
     * @param missing the expected evidence ({@code <scenario>.expect}) no finding of the rule contains
     */
    public record Result(Scenario scenario, boolean passed, List<Finding> findings, String problem, ScenarioFacts facts,
                         List<String> missing) {

        private static final ScenarioFacts NONE = new ScenarioFacts(Map.of(), List.of());

        public Result(Scenario scenario, boolean passed, List<Finding> findings, String problem, ScenarioFacts facts) {
            this(scenario, passed, findings, problem, facts, List.of());
        }

        public Result(Scenario scenario, boolean passed, List<Finding> findings, String problem) {
            this(scenario, passed, findings, problem, NONE, List.of());
        }

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
                    + (findings.isEmpty() ? "no finding" : findings.size() + " finding(s): " + findings)
                    + (missing.isEmpty() ? "" : "; no finding's evidence contains " + missing.stream()
                    .map(m -> "'" + m + "'").collect(java.util.stream.Collectors.joining(", ")) + " (from " + EXPECT_SUFFIX + ")");
        }
    }

    /**
     * Beside a fail scenario {@code x.fail.sshd_config}, the file {@code x.fail.sshd_config.expect} lists, one per line,
     * text the rule's findings must hold between them (each line in some finding's evidence): a rule that fires for the
     * wrong reason then fails its scenario. Blank lines and lines starting with {@code #} are not expectations.
     */
    public static final String EXPECT_SUFFIX = ".expect";

    /**
     * The two ways evidence reaches a session in service. {@link #REPLAY}: a session with a pseudo clock, events one by one,
     * the rules firing after each (a log file dropped into the inbox). {@link #LIVE}: a real-time session, all evidence and
     * events handed over as one batch, fired once (the engine's cycle); events are moved forward by whole weeks to lie
     * to lie within the week from now, keeping their weekday and time of day, as live events are recent.
     */
    public enum Delivery { REPLAY, LIVE }

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

    /**
     * Fail scenarios without the {@code .expect} file stating the evidence they expect, and expectations beside no fail
     * scenario; the shipped library must have none.
     */
    public List<String> expectationProblems(RuleDefinition rule) {
        List<String> problems = new ArrayList<>();
        for (Scenario scenario : scenarios(rule)) {
            if (scenario.expected() == Scenario.Outcome.FAIL && !Files.isRegularFile(expectFile(scenario.file()))) {
                problems.add(scenario + ": no " + scenario.file().getFileName() + EXPECT_SUFFIX + " stating the evidence the rule"
                        + " must raise (one piece of its text per line)");
            }
        }
        for (Path expect : expectFiles(rule)) {
            String name = expect.getFileName().toString();
            Path scenario = expect.resolveSibling(name.substring(0, name.length() - EXPECT_SUFFIX.length()));
            if (Scenario.of(rule, scenario).filter(s -> s.expected() == Scenario.Outcome.FAIL && Files.exists(scenario)).isEmpty()) {
                problems.add(rule.id() + "/tests/" + name + ": beside no fail scenario");
            }
        }
        return problems;
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

    /** What a scenario is evaluated on, read once for both paths. */
    private record Inputs(ScenarioFacts facts, List<io.annexa.evidence.BaselineValue> baseline, List<String> expected) {
    }

    /** Runs the scenario through both paths and requires the same verdict and the same state findings of both. */
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
        List<String> expected;
        try {
            expected = expectations(scenario);
        } catch (IOException e) {
            return new Result(scenario, false, List.of(), "cannot read " + expectFile(scenario.file()) + ": " + e.getMessage());
        }
        Inputs inputs = new Inputs(facts, baseline, expected);
        Result replay = evaluate(scenario, inputs, Delivery.REPLAY);
        if (replay.problem() != null) {
            return replay;
        }
        Result live = evaluate(scenario, inputs, Delivery.LIVE);
        if (live.problem() != null) {
            return new Result(scenario, false, live.findings(), "live path: " + live.problem());
        }
        if (replay.passed() != live.passed() || !stateEvidence(replay).equals(stateEvidence(live))) {
            return new Result(scenario, false, replay.findings(), "the replay path raised " + describe(replay) + ", the live path "
                    + describe(live));
        }
        return replay;
    }

    private static String describe(Result result) {
        return result.findings().isEmpty() ? "no finding" : result.findings().toString()
                + (result.missing().isEmpty() ? "" : " without " + result.missing());
    }

    /** The evidence of the findings that are states, not incidents: incidents name event times, which the live path moves. */
    private static Set<String> stateEvidence(Result result) {
        return result.findings().stream().filter(f -> !f.isIncident()).map(Finding::getEvidence)
                .collect(java.util.stream.Collectors.toSet());
    }

    private Result evaluate(Scenario scenario, Inputs inputs, Delivery path) {
        try (EvaluationSession session = library.newSession(path == Delivery.REPLAY ? EvaluationSession.Clock.PSEUDO
                : EvaluationSession.Clock.REALTIME)) {
            session.declareBaseline(inputs.baseline());
            inputs.facts().evidence().forEach(session::replace);
            List<LogEvent> events = path == Delivery.REPLAY ? inputs.facts().events() : recent(inputs.facts().events());
            for (LogEvent event : events) {
                session.insertEvent(event, event.getTimestamp());
            }
            EvaluationResult result = session.fire();
            List<Finding> findings = new ArrayList<>(result.incidents());
            findings.addAll(result.findings());
            findings.removeIf(f -> !f.getRuleId().equals(scenario.rule().id()));
            List<String> missing = inputs.expected().stream()
                    .filter(text -> findings.stream().noneMatch(f -> f.getEvidence().contains(text))).toList();
            boolean passed = scenario.expected() == Scenario.Outcome.FAIL ? !findings.isEmpty() && missing.isEmpty() : findings.isEmpty();
            return new Result(scenario, passed, findings, null, inputs.facts(),
                    scenario.expected() == Scenario.Outcome.FAIL ? missing : List.of());
        } catch (EvaluationSession.RuleLoopException e) {
            return Result.unusable(scenario, e.getMessage(), inputs.facts());
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

    /**
     * The events as the live engine would see them: none older than the session's clock, or a window would count them
     * as long over. They are moved forward by whole weeks, so that the first lies within the week from now: weekday, time
     * of day (a maintenance window is weekly) and spacing stay.
     */
    private static List<LogEvent> recent(List<LogEvent> events) {
        if (events.isEmpty()) {
            return events;
        }
        Instant first = events.stream().map(LogEvent::getTimestamp).min(Instant::compareTo).orElseThrow();
        long week = Duration.ofDays(7).toMillis();
        long behind = Instant.now().toEpochMilli() - first.toEpochMilli();
        Duration shift = Duration.ofMillis(behind <= 0 ? 0 : Math.floorDiv(behind + week - 1, week) * week);
        return events.stream().map(e -> new LogEvent(e.getAsset(), e.getTimestamp().plus(shift), e.getProgram(), e.getKind(),
                e.getAttributes(), e.getRaw(), e.getRepeat())).toList();
    }

    private static final java.util.regex.Pattern INSTANT = java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z");

    /**
     * Lines for a fail scenario's {@code .expect} file, proposed from what its rule raised: each finding's evidence,
     * without the scenario's own folder (which differs from checkout to checkout) and, for incidents, without the event
     * times the live path moves. To review before they are kept: they pin what the rule says today.
     */
    public static List<String> proposedExpectations(Result result) {
        String folder = result.scenario().rule().testsFolder().toAbsolutePath().normalize() + "/";
        java.util.Set<String> lines = new java.util.LinkedHashSet<>();
        for (Finding finding : result.findings().stream().sorted(java.util.Comparator.comparing(Finding::getEvidence)).toList()) {
            for (String part : finding.getEvidence().split(java.util.regex.Pattern.quote(folder))) {
                for (String piece : finding.isIncident() ? INSTANT.split(part) : new String[] {part}) {
                    if (piece.strip().length() >= 12) {
                        lines.add(piece.strip());
                    }
                }
            }
        }
        return List.copyOf(lines);
    }

    /** What a fail scenario's {@code .expect} file lists; none when it has none. */
    static List<String> expectations(Scenario scenario) throws IOException {
        Path file = expectFile(scenario.file());
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    }

    /** Where a scenario's expectations are: {@code <scenario file name>.expect} beside it. */
    public static Path expectFile(Path scenario) {
        return scenario.resolveSibling(scenario.getFileName() + EXPECT_SUFFIX);
    }

    private static List<Path> expectFiles(RuleDefinition rule) {
        return listTests(rule).stream().filter(f -> f.getFileName().toString().endsWith(EXPECT_SUFFIX)).toList();
    }

    /**
     * The scenarios' inputs: files, and folders for host snapshot scenarios ({@code <name>.<outcome>.host/}), without
     * READMEs, the baseline and expectations.
     */
    private static List<Path> testFiles(RuleDefinition rule) {
        return listTests(rule).stream()
                .filter(f -> !f.getFileName().toString().startsWith("README"))
                .filter(f -> !f.getFileName().toString().equals(BaselineReader.FILE_NAME))
                .filter(f -> !f.getFileName().toString().endsWith(EXPECT_SUFFIX))
                .toList();
    }

    private static List<Path> listTests(RuleDefinition rule) {
        Path tests = rule.testsFolder();
        if (!Files.isDirectory(tests)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tests)) {
            return files.filter(f -> Files.isRegularFile(f) || Files.isDirectory(f)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tests, e);
        }
    }
}
