package io.annexa.evaluation;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test code only: a real rule's {@code rule.yml}, read and checked as the library reads it, without compiling its
 * DRL. For tests that need what a rule declares (controls, severity, sources) and not the rule running.
 */
public final class RuleMetadata {

    private static final class Catalog {
        static final ControlCatalog LOADED = ControlCatalog.load();
    }

    private RuleMetadata() {
    }

    /** @param folder the rule folder below {@code rules/}, e.g. {@code technological/c8_05_secure_authentication/sshd_root_login_disabled} */
    public static RuleDefinition of(String folder) {
        Path ruleYml = ProjectFiles.rules().resolve(folder).resolve("rule.yml");
        List<Problem> problems = new ArrayList<>();
        RuleDefinition rule = new RuleMetadataReader(Catalog.LOADED)
                .read(ruleYml, "rules/" + folder + "/rule.yml", folder.replace('/', '.'), problems)
                .orElse(null);
        if (rule == null || problems.stream().anyMatch(Problem::isError)) {
            throw new IllegalStateException("rules/" + folder + "/rule.yml cannot be read: " + problems);
        }
        return rule;
    }
}
