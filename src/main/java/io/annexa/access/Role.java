package io.annexa.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a user may do. Each role includes every role below it: an auditor can do all a viewer can, an
 * admin all anyone can. A linear order keeps "who may do this" a single answer per endpoint.
 */
public enum Role {
    /** Reads controls, the Statement of Applicability, nonconformities (without their evidence) and sources. */
    VIEWER("viewer"),
    /** A viewer who also reads evidence and history, and exports. */
    AUDITOR("auditor"),
    /** Triages nonconformities. */
    ANALYST("analyst"),
    /** Validates and deploys rules, edits rules.yml and the baseline. */
    RULE_AUTHOR("rule-author"),
    /** Manages users, tokens and settings. */
    ADMIN("admin");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    /** The role just below this one, if any: the strongest role that is still refused what this one may do. */
    public Optional<Role> below() {
        return ordinal() == 0 ? Optional.empty() : Optional.of(values()[ordinal() - 1]);
    }

    public static Role parse(String label) {
        String wanted = label == null ? "" : label.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.label.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role '" + label + "' is not one of " + labels()));
    }

    public static String labels() {
        return Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label;
    }
}
