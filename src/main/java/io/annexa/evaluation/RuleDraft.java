package io.annexa.evaluation;

import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ScenarioInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A rule folder sent over the API: its path below {@code rules/}, rule.yml, DRL and scenarios. It is
 * checked against a copy of the library in service, never the library itself: compile errors with line
 * and column, rule.yml problems, missing or failing scenarios.
 */
public record RuleDraft(String path, String ruleYml, String drl, Map<String, String> scenarios) {

    /**
     * Exactly one rule folder: theme, control folder ({@code c8_05_secure_authentication}), rule id. Nothing shorter
     * ({@code "technological"} would make {@link #writeInto} replace a whole theme) and nothing beside it.
     */
    private static final Pattern RULE_PATH = Pattern.compile(
            "(organizational|people|physical|technological)/c\\d{1,2}_\\d{1,2}_[a-z][a-z0-9_]*/[a-z][a-z0-9_]*");
    private static final Pattern SAFE_FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    /** Where a rule folder keeps its scenarios; the library skips every folder of that name. */
    private static final String SCENARIO_FOLDER = "tests";

    /**
     * How much a draft may hold and how long each of its scenarios may run (besides the firing limit).
     *
     * @param maxBytes     rule.yml, DRL and scenarios together, UTF-8
     * @param maxScenarios scenario files
     */
    public record Limits(int maxBytes, int maxScenarios, Duration scenarioWallClock) {
        public static final Limits DEFAULT = new Limits(256 * 1024, 50, ScenarioRunner.DEFAULT_WALL_CLOCK_LIMIT);
    }

    /** The rule id: the last segment of the path. */
    public String id() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Everything wrong with the draft, as problems; empty means it can be deployed. */
    public List<String> check(Path rulesInService, Path settingsFile, ControlCatalog catalog,
                              Function<String, Optional<ScenarioInput>> parsers) {
        return check(rulesInService, settingsFile, catalog, parsers, Limits.DEFAULT);
    }

    /**
     * The draft's rule code is inspected by the rule sandbox while the library copy is built, before any of its
     * scenarios runs: a hostile draft ends as problems here, its scenarios never run.
     */
    public List<String> check(Path rulesInService, Path settingsFile, ControlCatalog catalog,
                              Function<String, Optional<ScenarioInput>> parsers, Limits limits) {
        List<String> shape = shapeProblems(limits);
        if (!shape.isEmpty()) {
            return shape;
        }
        Optional<String> elsewhere = sameIdElsewhere(rulesInService);
        if (elsewhere.isPresent()) {
            // deploying it would leave two folders of one rule id on disk, and the library would refuse both
            return List.of("path: rule '" + id() + "' exists already in " + elsewhere.get() + "; a rule keeps its folder:"
                    + " send it with path '" + elsewhere.get() + "', or remove that folder first");
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("annexa-rule-draft");
            Path rules = work.resolve("rules");
            copyWithout(rulesInService, rules, path);
            writeInto(rules);
            RuleLibrary library = RuleLibrary.load(rules, settingsFile, catalog);
            RuleDefinition rule = library.rule(id()).orElseThrow();
            ScenarioRunner runner = new ScenarioRunner(library, parsers, limits.scenarioWallClock());
            List<String> problems = new ArrayList<>(library.warnings().stream().map(Problem::toString).toList());
            problems.addAll(runner.problems(rule));
            for (Scenario scenario : runner.scenarios(rule)) {
                ScenarioRunner.Result result = runner.run(scenario);
                if (!result.passed()) {
                    problems.add(result.explain());
                }
            }
            return problems;
        } catch (RuleLibraryException e) {
            return e.getProblems().stream().map(Problem::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the rule check", e);
        } finally {
            delete(work);
        }
    }

    /** Writes the draft's folder below {@code rules}, replacing an existing folder of the same id. */
    public void writeInto(Path rules) throws IOException {
        if (path == null || !RULE_PATH.matcher(path).matches() || id().equals(SCENARIO_FOLDER) || ruleYml == null || drl == null
                || scenarios == null || scenarios.entrySet().stream().anyMatch(s -> !SAFE_FILE.matcher(s.getKey()).matches() || s.getValue() == null)) {
            throw new IllegalArgumentException("not a complete rule folder (path, rule.yml, DRL, scenarios with plain names): "
                    + path + " " + (scenarios == null ? "no scenarios" : scenarios.keySet()));
        }
        Path folder = rules.resolve(path);
        if (Files.exists(folder)) {
            delete(folder);
        }
        Files.createDirectories(folder.resolve("tests"));
        Files.writeString(folder.resolve("rule.yml"), ruleYml);
        Files.writeString(folder.resolve(id() + ".drl"), drl);
        for (Map.Entry<String, String> scenario : scenarios.entrySet()) {
            Files.writeString(folder.resolve("tests").resolve(scenario.getKey()), scenario.getValue());
        }
    }

    private List<String> shapeProblems(Limits limits) {
        List<String> problems = new ArrayList<>();
        if (path == null || !RULE_PATH.matcher(path).matches()) {
            problems.add("path: '" + path + "' must be the rule folder below rules/, <theme>/c<control>_<name>/<rule_id> with theme"
                    + " organizational, people, physical or technological, e.g. technological/c8_05_secure_authentication/my_rule");
        } else if (id().equals(SCENARIO_FOLDER)) {
            problems.add("path: a rule may not be named '" + SCENARIO_FOLDER + "', the name of a rule's scenario folder");
        }
        long bytes = utf8(ruleYml) + utf8(drl);
        if (scenarios != null) {
            for (Map.Entry<String, String> scenario : scenarios.entrySet()) {
                bytes += utf8(scenario.getKey()) + utf8(scenario.getValue());
            }
            if (scenarios.size() > limits.maxScenarios()) {
                problems.add("scenarios: " + scenarios.size() + " files, at most " + limits.maxScenarios());
            }
        }
        if (bytes > limits.maxBytes()) {
            problems.add("draft: " + bytes + " bytes (rule.yml, DRL and scenarios), at most " + limits.maxBytes());
        }
        if (ruleYml == null || ruleYml.isBlank()) {
            problems.add("ruleYml: missing");
        }
        if (drl == null || drl.isBlank()) {
            problems.add("drl: missing");
        }
        if (scenarios == null) {
            problems.add("scenarios: missing; give at least one passing and one failing scenario");
        } else {
            scenarios.keySet().stream().filter(name -> !SAFE_FILE.matcher(name).matches())
                    .forEach(name -> problems.add("scenarios: '" + name + "' is not a plain file name"));
            scenarios.entrySet().stream().filter(scenario -> scenario.getValue() == null)
                    .forEach(scenario -> problems.add("scenarios: '" + scenario.getKey() + "' has no content"));
        }
        return problems;
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** The folder below {@code rulesInService} holding a rule of this id under another path, if one does. */
    private Optional<String> sameIdElsewhere(Path rulesInService) {
        if (!Files.isDirectory(rulesInService)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(rulesInService)) {
            return files.filter(folder -> folder.getFileName().toString().equals(id()))
                    .filter(folder -> Files.isRegularFile(folder.resolve("rule.yml")))
                    .map(folder -> rulesInService.relativize(folder).toString().replace('\\', '/'))
                    .filter(relative -> !relative.equals(path) && !("/" + relative + "/").contains("/" + SCENARIO_FOLDER + "/"))
                    .sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + rulesInService, e);
        }
    }

    /** Copies the rules in service but the draft's own folder, which the draft replaces. */
    private static void copyWithout(Path from, Path to, String draftFolder) throws IOException {
        Path excluded = from.resolve(draftFolder);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                if (source.startsWith(excluded)) {
                    continue;
                }
                Path relative = from.relativize(source);
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
