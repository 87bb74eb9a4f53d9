package io.annexa.register.policy;

import java.util.List;

/** A register configuration file cannot be used; every problem reads {@code file:line:column: field: message}. */
public final class RegisterConfigException extends Exception {

    private final List<String> problems;

    RegisterConfigException(List<String> problems) {
        super("the register configuration is not valid:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
