package io.annexa.alerting;

import java.util.List;
import java.util.stream.Collectors;

public final class AlertConfigException extends Exception {

    private final List<ConfigProblem> problems;

    public AlertConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(p -> p.file() + ":" + p.line() + ":" + p.column() + ": " + p.message())
                .collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
