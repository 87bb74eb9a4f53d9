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
 */
public record RuleDefinition(String id, String title, List<String> controls, Severity severity,
                             List<String> sources, String rationale, String remediation,
                             Map<String, String> parameters, Path folder, String drlPackage) {

    public RuleDefinition {
        controls = List.copyOf(controls);
        sources = List.copyOf(sources);
        parameters = Map.copyOf(parameters);
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
