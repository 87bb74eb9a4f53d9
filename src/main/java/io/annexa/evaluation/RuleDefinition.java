package io.annexa.evaluation;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A rule as its author described it in {@code rule.yml}.
 *
 * @param id        folder name, DRL file name and the id findings carry
 * @param controls  ISO/IEC 27002:2022 control ids, the first being the one nonconformities are raised against
 * @param sources   the kinds of evidence the rule reads ({@code sshd_config}); fresh evidence of these kinds
 *                  for an asset without a finding means the rule passes there
 * @param folder    the rule folder
 * @param drlPackage the DRL package, which is the folder path below {@code rules/}
 * @param parameters parameter defaults by name
 * @param parameterTypes parameter types by name: integer, string, duration, boolean
 * @param requirement the ISO/IEC 27001:2022 requirement a nonconformity is raised against: the Annex A
 *                    control of the primary control ({@code A.8.5}) unless rule.yml names a clause ({@code 9.1})
 * @param clauses   the ISO/IEC 27001:2022 clauses ({@code 8.1}) rule.yml says a nonconformity of this rule breaches;
 *                  empty when it names none, and the register's configuration then decides
 * @param count     what the engine counts for the rule ({@code count:} in rule.yml), or null
 * @param overlaps  the rules rule.yml says this one overlaps on purpose ({@code overlaps:}): reading the same
 *                  configuration for the same control is then no likely duplicate
 */
public record RuleDefinition(String id, String title, List<String> controls, Severity severity,
                             List<String> sources, String rationale, String remediation,
                             Map<String, String> parameters, Path folder, String drlPackage,
                             Map<String, String> parameterTypes, String requirement, List<String> clauses,
                             CountDeclaration count, List<String> overlaps) {

    public RuleDefinition(String id, String title, List<String> controls, Severity severity,
                          List<String> sources, String rationale, String remediation,
                          Map<String, String> parameters, Path folder, String drlPackage,
                          Map<String, String> parameterTypes, String requirement, List<String> clauses,
                          CountDeclaration count) {
        this(id, title, controls, severity, sources, rationale, remediation, parameters, folder, drlPackage,
                parameterTypes, requirement, clauses, count, List.of());
    }

    public RuleDefinition(String id, String title, List<String> controls, Severity severity,
                          List<String> sources, String rationale, String remediation,
                          Map<String, String> parameters, Path folder, String drlPackage,
                          Map<String, String> parameterTypes, String requirement, List<String> clauses) {
        this(id, title, controls, severity, sources, rationale, remediation, parameters, folder, drlPackage,
                parameterTypes, requirement, clauses, null);
    }

    public RuleDefinition(String id, String title, List<String> controls, Severity severity,
                          List<String> sources, String rationale, String remediation,
                          Map<String, String> parameters, Path folder, String drlPackage,
                          Map<String, String> parameterTypes, String requirement) {
        this(id, title, controls, severity, sources, rationale, remediation, parameters, folder, drlPackage,
                parameterTypes, requirement, List.of());
    }

    public RuleDefinition(String id, String title, List<String> controls, Severity severity,
                          List<String> sources, String rationale, String remediation,
                          Map<String, String> parameters, Path folder, String drlPackage,
                          Map<String, String> parameterTypes) {
        this(id, title, controls, severity, sources, rationale, remediation, parameters, folder, drlPackage,
                parameterTypes, null);
    }

    public RuleDefinition {
        if (requirement == null || requirement.isBlank()) {
            requirement = "A." + controls.get(0);
        }
        controls = List.copyOf(controls);
        sources = List.copyOf(sources);
        parameters = Map.copyOf(parameters);
        parameterTypes = Map.copyOf(parameterTypes);
        clauses = clauses == null ? List.of() : List.copyOf(clauses);
        overlaps = overlaps == null ? List.of() : List.copyOf(overlaps);
    }

    /** A rule whose parameters are all strings. */
    public RuleDefinition(String id, String title, List<String> controls, Severity severity, List<String> sources,
                          String rationale, String remediation, Map<String, String> parameters, Path folder,
                          String drlPackage) {
        this(id, title, controls, severity, sources, rationale, remediation, parameters, folder, drlPackage,
                parameters.keySet().stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> "string")));
    }

    /** Why {@code value} is not valid for parameter {@code name}, or empty when it is. */
    public java.util.Optional<String> checkParameter(String name, String value) {
        String type = parameterTypes.get(name);
        if (type == null) {
            return java.util.Optional.of("rule " + id + " has no parameter '" + name + "'; it has: "
                    + String.join(", ", new java.util.TreeSet<>(parameterTypes.keySet())));
        }
        return ParameterTypes.check(type, value).map(problem -> "parameter '" + name + "' of " + id + ": " + problem);
    }

    public String primaryControl() {
        return controls.get(0);
    }

    public Path drlFile() {
        return folder.resolve(id + ".drl");
    }

    public Path testsFolder() {
        return folder.resolve("tests");
    }
}
