package io.annexa.evaluation;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw input in a rule's {@code tests/} folder whose name states the expected outcome:
 * {@code root_login_yes.fail.sshd_config} must make the rule raise a finding, {@code *.pass.*} and
 * {@code *.notapplicable.*} must not. The extension names the source whose parser reads the file.
 */
public record Scenario(RuleDefinition rule, Path file, String name, Outcome expected, String source) {

    public enum Outcome {
        PASS, FAIL, NOTAPPLICABLE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern NAME = Pattern.compile("([a-z0-9_]+)\\.(pass|fail|notapplicable)\\.([A-Za-z0-9_.-]+)");

    /** @return the scenario, or empty when the file name does not follow the convention */
    static Optional<Scenario> of(RuleDefinition rule, Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Scenario(rule, file, m.group(1), Outcome.valueOf(m.group(2).toUpperCase(Locale.ROOT)), m.group(3)));
    }

    /** The asset the scenario's facts describe. */
    public String asset() {
        return "scenario-" + name.replace('_', '-');
    }

    @Override
    public String toString() {
        return rule.id() + "/tests/" + file.getFileName();
    }
}
