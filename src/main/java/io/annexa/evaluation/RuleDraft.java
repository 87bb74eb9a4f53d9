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
    /** A rule id as a request may name it: one folder name, never a path ({@code ..}, {@code /}) nor anything the library refuses. */
    private static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9_]{0,99}");
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
        return foldersOf(rulesInService, id()).stream().filter(relative -> !relative.equals(path)).findFirst();
    }

    /**
     * The folders below {@code rules} holding a rule of this id (a folder of that name with a rule.yml, not inside a
     * scenario folder), relative with {@code /}, sorted. More than one means the library refuses the id.
     */
    static List<String> foldersOf(Path rules, String id) {
        if (!Files.isDirectory(rules)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(rules)) {
            return files.filter(folder -> folder.getFileName().toString().equals(id))
                    .filter(folder -> Files.isRegularFile(folder.resolve("rule.yml")))
                    .map(folder -> rules.relativize(folder).toString().replace('\\', '/'))
                    .filter(relative -> !("/" + relative + "/").contains("/" + SCENARIO_FOLDER + "/"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + rules, e);
        }
    }

    /** Whether {@code id} has the shape of a rule id: a lower-case identifier, not the scenario folder's name. */
    public static boolean isRuleId(String id) {
        return id != null && RULE_ID.matcher(id).matches() && !id.equals(SCENARIO_FOLDER);
    }

    /** A rule folder on disk that a draft cannot carry whole; the problems say what it holds and why. */
    public static final class NotADraft extends Exception {
        private final List<String> problems;

        NotADraft(String ruleId, List<String> problems) {
            super("rule '" + ruleId + "' cannot be edited as a draft: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** {@link #read(Path, String, Limits)} within {@link Limits#DEFAULT}. */
    public static Optional<RuleDraft> read(Path rules, String id) throws NotADraft {
        return read(rules, id, Limits.DEFAULT);
    }

    /**
     * The folder of rule {@code id} below {@code rules}, as the draft that {@link #writeInto} would write back unchanged:
     * rule.yml, {@code <id>.drl} and the plain files of {@code tests/}. Empty when no folder holds that rule.
     * Nothing is read past the limits, and nothing is left out: a folder holding more than a draft carries (another
     * DRL, another file, a scenario folder, a link, text that is not UTF-8) or more than the limits allow is refused
     * whole, naming what is in the way.
     *
     * @throws IllegalArgumentException if {@code id} is not a rule id ({@link #isRuleId}); it never reaches the file system
     */
    public static Optional<RuleDraft> read(Path rules, String id, Limits limits) throws NotADraft {
        if (!isRuleId(id)) {
            throw new IllegalArgumentException("not a rule id: '" + id + "'");
        }
        List<String> folders = foldersOf(rules, id);
        if (folders.isEmpty()) {
            return Optional.empty();
        }
        if (folders.size() > 1) {
            throw new NotADraft(id, List.of(folders.size() + " folders hold it (" + String.join(", ", folders)
                    + "); the library refuses a rule id twice: remove all but one"));
        }
        String path = folders.get(0);
        if (!RULE_PATH.matcher(path).matches()) {
            throw new NotADraft(id, List.of("its folder " + path + " is not <theme>/c<control>_<name>/<rule_id>, the only place"
                    + " a draft may be written"));
        }
        Path folder = rules.resolve(path);
        if (Files.isSymbolicLink(folder)) {
            // the library does not follow it either; reading through it could reach anything on the machine
            throw new NotADraft(id, List.of("its folder " + path + " is a link; a draft carries plain files only"));
        }
        List<String> problems = new ArrayList<>();
        List<String> drls = new ArrayList<>();
        List<Path> scenarioFiles = new ArrayList<>();
        try {
            for (Path entry : sortedList(folder)) {
                String name = entry.getFileName().toString();
                if (Files.isSymbolicLink(entry)) {
                    problems.add(name + " is a link; a draft carries plain files only");
                } else if (name.equals("rule.yml") && Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                } else if (name.endsWith(".drl") && Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    drls.add(name);
                } else if (name.equals(SCENARIO_FOLDER) && Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    for (Path scenario : sortedList(entry)) {
                        String file = SCENARIO_FOLDER + "/" + scenario.getFileName();
                        if (Files.isSymbolicLink(scenario)) {
                            problems.add(file + " is a link; a draft carries plain files only");
                        } else if (Files.isDirectory(scenario, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            problems.add(file + " is a folder (a scenario of a whole host); a draft carries plain scenario"
                                    + " files only: edit this rule in its folder");
                        } else if (!SAFE_FILE.matcher(scenario.getFileName().toString()).matches()) {
                            problems.add(file + " is not a plain file name");
                        } else {
                            scenarioFiles.add(scenario);
                        }
                    }
                } else {
                    problems.add(name + (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? " is a folder" : " is a file")
                            + " a draft cannot carry; it holds rule.yml, " + id + ".drl and " + SCENARIO_FOLDER + "/");
                }
            }
            if (drls.size() > 1) {
                problems.add(drls.size() + " DRL files (" + String.join(", ", drls) + "); a draft carries one, " + id + ".drl");
            } else if (drls.size() == 1 && !drls.get(0).equals(id + ".drl")) {
                problems.add("its DRL is " + drls.get(0) + ", not " + id + ".drl");
            } else if (drls.isEmpty()) {
                problems.add("it has no " + id + ".drl");
            }
            if (scenarioFiles.size() > limits.maxScenarios()) {
                problems.add(scenarioFiles.size() + " scenario files, a draft holds at most " + limits.maxScenarios());
            }
            // sizes first: nothing is read when the whole would not fit in a draft
            long bytes = Files.size(folder.resolve("rule.yml")) + (drls.size() == 1 ? Files.size(folder.resolve(drls.get(0))) : 0);
            for (Path scenario : scenarioFiles) {
                bytes += utf8(scenario.getFileName().toString()) + Files.size(scenario);
            }
            if (bytes > limits.maxBytes()) {
                problems.add(bytes + " bytes (rule.yml, DRL and scenarios), a draft holds at most " + limits.maxBytes());
            }
            if (!problems.isEmpty()) {
                throw new NotADraft(id, problems);
            }
            String ruleYml = text(folder.resolve("rule.yml"), limits, problems);
            String drl = text(folder.resolve(drls.get(0)), limits, problems);
            Map<String, String> scenarios = new java.util.TreeMap<>();
            for (Path scenario : scenarioFiles) {
                scenarios.put(scenario.getFileName().toString(), text(scenario, limits, problems));
            }
            if (!problems.isEmpty()) {
                throw new NotADraft(id, problems);
            }
            return Optional.of(new RuleDraft(path, ruleYml, drl, scenarios));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rule folder " + folder, e);
        }
    }

    private static List<Path> sortedList(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }

    /** A file's text, strictly UTF-8: what is not text would not survive the JSON round trip, so it is a problem. */
    private static String text(Path file, Limits limits, List<String> problems) throws IOException {
        String name = (file.getParent().getFileName().toString().equals(SCENARIO_FOLDER) ? SCENARIO_FOLDER + "/" : "") + file.getFileName();
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(limits.maxBytes() + 1); // bounded even if the file grew since its size was taken
        }
        if (bytes.length > limits.maxBytes()) {
            problems.add(name + " holds more than " + limits.maxBytes() + " bytes, a draft's limit");
            return null;
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            problems.add(name + " is not UTF-8 text");
            return null;
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
