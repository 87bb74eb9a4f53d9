package io.annexa.evaluation;

import java.util.List;
import java.util.stream.Collectors;

/** The rule library cannot be used as it is; every problem found is listed, not just the first. */
public class RuleLibraryException extends Exception {

    private final List<Problem> problems;

    public RuleLibraryException(List<Problem> problems) {
        super(problems.size() + " problem(s) in the rule library:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> getProblems() {
        return problems;
    }
}
