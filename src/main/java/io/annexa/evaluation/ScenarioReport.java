package io.annexa.evaluation;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.ScenarioFacts;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a run of rule scenarios prints, line by line as it goes, the same in {@code mvn test} and in
 * {@code annexa.jar test-rules}: {@code PASS rule_id/scenario_file} for each scenario, and for a failed one what was
 * expected, the findings the rule raised (or that it raised none) and the facts the input was read into, so the
 * author sees which attribute or value the rule did not match without a debugger. It ends with a summary line.
 * Compiler warnings and a rule's missing or misnamed scenarios count as failures too, as they fail the build.
 */
public final class ScenarioReport {

    /** A log scenario may hold hundreds of lines; the first ones are enough to see what the parser made of them. */
    static final int FACTS_SHOWN = 30;
    private static final String DETAIL = "    ";

    private final Consumer<String> out;
    private int rules;
    private int scenarios;
    private int passed;
    private int ruleProblems;
    private int warnings;
    private int buildErrors;

    /** @param out where each line goes, as soon as it is known */
    public ScenarioReport(Consumer<String> out) {
        this.out = out;
    }

    /** The library's compiler warnings, as it reports them (file:line:column). */
    public synchronized void warnings(List<Problem> problems) {
        for (Problem problem : problems) {
            warnings++;
            out.accept(problem.toString());
        }
    }

    /** Why rules could not be built, and so not tested: the library's problems, as it reports them (file:line:column). */
    public synchronized void buildProblems(List<Problem> problems) {
        for (Problem problem : problems) {
            if (problem.isError()) {
                buildErrors++;
            }
            out.accept(problem.toString());
        }
    }

    /** A rule about to be tested, with what is wrong with its set of scenarios ({@link ScenarioRunner#problems}). */
    public synchronized void rule(RuleDefinition rule, List<String> problems) {
        rules++;
        for (String problem : problems) {
            ruleProblems++;
            out.accept("FAIL " + problem);
        }
    }

    public synchronized void scenario(ScenarioRunner.Result result) {
        scenarios++;
        Scenario scenario = result.scenario();
        String name = scenario.rule().id() + "/" + scenario.file().getFileName();
        if (result.passed()) {
            passed++;
            out.accept("PASS " + name);
            return;
        }
        out.accept("FAIL " + name);
        if (result.problem() != null) {
            out.accept(DETAIL + "not evaluated: " + result.problem());
        } else {
            out.accept(DETAIL + "expected " + scenario.expected().label() + ": " + (scenario.expected() == Scenario.Outcome.FAIL
                    ? "a finding of " : "no finding of ") + scenario.rule().id());
            if (result.findings().isEmpty()) {
                out.accept(DETAIL + "the rule raised no finding");
            } else {
                out.accept(DETAIL + "the rule raised " + count(result.findings().size(), "finding") + ":");
                result.findings().forEach(finding -> out.accept(DETAIL + "  " + shorter(finding, scenario)));
            }
        }
        facts(result.facts(), scenario);
    }

    /** The fact as it prints itself, with the scenario folder's absolute path, which facts carry as their location, cut to tests/. */
    private static String shorter(Object fact, Scenario scenario) {
        String tests = scenario.file().toAbsolutePath().getParent() + File.separator;
        return fact.toString().replace(tests, "tests/");
    }

    private void facts(ScenarioFacts facts, Scenario scenario) {
        List<Object> all = new ArrayList<>();
        facts.evidence().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(EvidenceKey::toString)))
                .forEach(entry -> all.addAll(entry.getValue()));
        all.addAll(facts.events());
        if (all.isEmpty()) {
            out.accept(DETAIL + "the input was read into no fact");
            return;
        }
        out.accept(DETAIL + "the input was read into " + count(all.size(), "fact") + ":");
        all.stream().limit(FACTS_SHOWN).forEach(fact -> out.accept(DETAIL + "  " + shorter(fact, scenario)));
        if (all.size() > FACTS_SHOWN) {
            out.accept(DETAIL + "  ... and " + (all.size() - FACTS_SHOWN) + " more");
        }
    }

    /** {@code 3 rules, 12 scenarios: 11 passed, 1 failed}, then rule problems, warnings and build errors, if any. */
    public synchronized String summary() {
        StringBuilder line = new StringBuilder()
                .append(count(rules, "rule")).append(", ").append(count(scenarios, "scenario")).append(": ")
                .append(passed).append(" passed, ").append(scenarios - passed).append(" failed");
        if (ruleProblems > 0) {
            line.append("; ").append(count(ruleProblems, "rule problem"));
        }
        if (warnings > 0) {
            line.append("; ").append(count(warnings, "compiler warning"));
        }
        if (buildErrors > 0) {
            line.append("; ").append(count(buildErrors, "build error")).append(", rules not tested");
        }
        return line.toString();
    }

    /** Every scenario passed, and no rule problem, compiler warning or build error was reported. */
    public synchronized boolean allPassed() {
        return passed == scenarios && ruleProblems == 0 && warnings == 0 && buildErrors == 0;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
