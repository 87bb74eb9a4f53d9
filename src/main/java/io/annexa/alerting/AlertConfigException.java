package io.annexa.alerting;

import java.util.List;

/** The alert configuration cannot be used; {@link #problems()} lists everything found, not only the first. */
public final class AlertConfigException extends Exception {

    private final List<ConfigProblem> problems;

    public AlertConfigException(List<ConfigProblem> problems) {
        super("the alert configuration is not valid:\n  "
                + String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
