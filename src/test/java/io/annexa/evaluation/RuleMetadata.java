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

    /**
     * A real rule's {@code rule.yml} with {@code lines} added at its end, as a rule author would write them
     * ({@code clauses: ["8.1"]}), read and checked as the library reads it from a copy in {@code work}.
     */
    public static RuleDefinition withLines(String folder, String lines, Path work) {
        try {
            Path copy = java.nio.file.Files.createDirectories(work.resolve(folder)).resolve("rule.yml");
            String original = java.nio.file.Files.readString(ProjectFiles.rules().resolve(folder).resolve("rule.yml"));
            java.nio.file.Files.writeString(copy, original + (original.endsWith("\n") ? "" : "\n") + lines);
            List<Problem> problems = new ArrayList<>();
            RuleDefinition rule = new RuleMetadataReader(Catalog.LOADED)
                    .read(copy, "rules/" + folder + "/rule.yml", folder.replace('/', '.'), problems).orElse(null);
            if (rule == null || problems.stream().anyMatch(Problem::isError)) {
                throw new IllegalStateException("rules/" + folder + "/rule.yml with " + lines + " cannot be read: " + problems);
            }
            return rule;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
