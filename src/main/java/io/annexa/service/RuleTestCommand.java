package io.annexa.service;

import io.annexa.control.CatalogException;
import io.annexa.control.ControlCatalog;
import io.annexa.evaluation.RuleDefinition;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.RuleLibraryException;
import io.annexa.evaluation.Scenario;
import io.annexa.evaluation.ScenarioReport;
import io.annexa.evaluation.ScenarioRunner;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * {@code java -jar annexa.jar test-rules [folder...]}: a rule author's quick check, without Maven and without the
 * server. Builds the rules below the given folders (by default every rule) and runs their scenarios as
 * {@code mvn test} does, printing the same {@link ScenarioReport}.
 *
 * <p>A folder is a path (a rule folder, a control or theme folder, or a whole {@code rules/} folder), a path below
 * the default rules folder, or a rule id. Its rules folder is the nearest enclosing folder named {@code rules}, as
 * the path below it is the DRL package. The default rules folder is the one the service reads,
 * {@code $ANNEXA_HOME/rules}; without {@code ANNEXA_HOME}, {@code rules/} of the working directory (a checkout),
 * else the rules bundled in the application.
 *
 * <p>Only the given folders' rules are compiled: one rule is tested in a few seconds rather than the whole library's
 * build, and a sibling that does not build does not stand in the way. Rule settings ({@code config/rules.yml}) are
 * not applied: scenarios are written against the rules' defaults.
 */
public final class RuleTestCommand {

    public static final String NAME = "test-rules";
    /** Every scenario passed. */
    public static final int PASSED = 0;
    /** A scenario failed, a rule lacks a passing or failing scenario, or the compiler warned. */
    public static final int FAILED = 1;
    /** A usage error, a folder that does not exist or holds no rule, or rules that do not build. */
    public static final int UNUSABLE = 2;

    static final String USAGE = "usage: java -jar annexa.jar " + NAME + " [folder...]\n"
            + "  Runs the scenarios (tests/<name>.<pass|fail|notapplicable>.<source>) of the rules below each folder:\n"
            + "  a rule, control or theme folder, a rules/ folder, a path below the default rules folder, or a rule id.\n"
            + "  Without a folder, every rule of the default rules folder: $ANNEXA_HOME/rules, else ./rules, else the\n"
            + "  rules bundled in annexa.jar.\n"
            + "  Exit code: 0 all passed, 1 a scenario failed (or a missing scenario, or a compiler warning),\n"
            + "  2 usage error, unknown folder, or rules that do not build.";

    private final Path workingDirectory;
    private final Optional<Path> home;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param home {@code ANNEXA_HOME}, when set
     */
    RuleTestCommand(Path workingDirectory, Optional<Path> home, PrintStream out, PrintStream err) {
        this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
        this.home = home.map(h -> this.workingDirectory.resolve(h).normalize());
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Drools logs a build that failed as one SEVERE record without file or line; the command prints the same
     * problems, each with its file and line. Held here, as the logging framework keeps loggers only weakly.
     */
    private static final Logger DROOLS_BUILD = Logger.getLogger("org.drools.compiler.kie.builder.impl.KieProject");

    /** The command in this process, as the launcher calls it: the working directory and ANNEXA_HOME of the process. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        DROOLS_BUILD.setLevel(Level.OFF);
        Optional<Path> home = AnnexaHome.configured("annexa.home", "ANNEXA_HOME").map(Path::of);
        return new RuleTestCommand(Path.of(""), home, out, err).run(List.of(args));
    }

    int run(List<String> args) {
        try {
            for (String arg : args) {
                if (arg.equals("-h") || arg.equals("--help")) {
                    out.println(USAGE);
                    return PASSED;
                }
                if (arg.startsWith("-")) {
                    throw new Unusable("unknown option '" + arg + "'\n" + USAGE);
                }
            }
            Map<Path, List<Path>> byRulesFolder = new LinkedHashMap<>();
            if (args.isEmpty()) {
                Path rules = defaultRules();
                byRulesFolder.put(rules, List.of(rules));
            }
            for (String arg : args) {
                Path folder = folder(arg);
                byRulesFolder.computeIfAbsent(rulesFolderOf(arg, folder), r -> new ArrayList<>()).add(folder);
            }
            return test(byRulesFolder);
        } catch (Unusable e) {
            err.println(NAME + ": " + e.getMessage());
            return UNUSABLE;
        }
    }

    private int test(Map<Path, List<Path>> byRulesFolder) {
        ControlCatalog catalog;
        try {
            catalog = ControlCatalog.load();
        } catch (CatalogException e) {
            throw new Unusable("the control catalog cannot be read: " + e.getMessage());
        }
        ScenarioInputs inputs = new ScenarioInputs(catalog);
        ScenarioReport report = new ScenarioReport(out::println);
        boolean built = true;
        for (Map.Entry<Path, List<Path>> entry : byRulesFolder.entrySet()) {
            RuleLibrary library;
            try {
                library = RuleLibrary.loadFolders(entry.getKey(), entry.getValue(), catalog);
            } catch (RuleLibraryException e) {
                out.println("rules in " + entry.getKey() + " do not build:");
                report.buildProblems(e.getProblems());
                built = false;
                continue;
            }
            report.warnings(library.warnings());
            ScenarioRunner runner = new ScenarioRunner(library, inputs::forSource);
            for (RuleDefinition rule : library.rules()) {
                report.rule(rule, runner.problems(rule));
                for (Scenario scenario : runner.scenarios(rule)) {
                    report.scenario(runner.run(scenario));
                }
            }
        }
        out.println(report.summary());
        if (!built) {
            return UNUSABLE;
        }
        return report.allPassed() ? PASSED : FAILED;
    }

    /** Where the service would read rules, or the checkout's, or the bundled ones. */
    private Path defaultRules() {
        if (home.isPresent()) {
            Path rules = home.get().resolve("rules");
            if (!Files.isDirectory(rules)) {
                throw new Unusable("ANNEXA_HOME " + home.get() + " has no rules/ folder");
            }
            return rules;
        }
        Path here = workingDirectory.resolve("rules");
        if (Files.isDirectory(here)) {
            return here;
        }
        try {
            return AnnexaHome.locateHome().resolve("rules");
        } catch (IllegalStateException e) {
            throw new Unusable("no rules folder: give one, run in a folder holding rules/, or set ANNEXA_HOME ("
                    + e.getMessage() + ")");
        }
    }

    private Path folder(String arg) {
        Path given = workingDirectory.resolve(arg).normalize();
        if (Files.isDirectory(given)) {
            return withRules(arg, given);
        }
        if (Files.exists(given)) {
            throw new Unusable("'" + arg + "' is a file; give its rule folder");
        }
        Path rules = defaultRulesOrNull();
        if (rules != null) {
            Path below = rules.resolve(arg).normalize();
            if (below.startsWith(rules) && Files.isDirectory(below)) {
                return withRules(arg, below);
            }
            if (arg.matches("[a-z][a-z0-9_]*")) {
                Optional<Path> rule = ruleFolders(rules).stream().filter(f -> f.getFileName().toString().equals(arg)).findFirst();
                if (rule.isPresent()) {
                    return rule.get();
                }
            }
        }
        throw new Unusable("no rule folder '" + arg + "': not a folder in " + workingDirectory
                + (rules == null ? "" : ", nor below " + rules + ", nor a rule id there"));
    }

    private Path defaultRulesOrNull() {
        try {
            return defaultRules();
        } catch (Unusable e) {
            return null;
        }
    }

    private static Path withRules(String arg, Path folder) {
        if (ruleFolders(folder).isEmpty()) {
            throw new Unusable("'" + arg + "' (" + folder + ") holds no rule: a rule folder holds a rule.yml");
        }
        return folder;
    }

    /** The nearest enclosing folder named rules (the folder itself included): the DRL package is the path below it. */
    private static Path rulesFolderOf(String arg, Path folder) {
        for (Path candidate = folder; candidate != null; candidate = candidate.getParent()) {
            if (candidate.getFileName() != null && candidate.getFileName().toString().equals("rules")) {
                return candidate;
            }
        }
        throw new Unusable("'" + arg + "' (" + folder + ") is not inside a folder named rules: the path below rules/"
                + " is the rule's DRL package, e.g. rules/technological/c8_05_secure_authentication/my_rule");
    }

    /** Folders holding a rule.yml, outside any tests/ folder. */
    private static List<Path> ruleFolders(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(p -> p.getFileName().toString().equals("rule.yml") && Files.isRegularFile(p))
                    .map(Path::getParent)
                    .filter(p -> !folder.relativize(p).toString().matches("(.*/)?tests(/.*)?"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** Ends the command with exit code 2 and the message. */
    private static final class Unusable extends RuntimeException {
        Unusable(String message) {
            super(message);
        }
    }
}
