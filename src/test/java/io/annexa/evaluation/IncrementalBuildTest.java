package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.EvidenceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library build after one rule changed compiles that rule only and takes the others as compiled and checked
 * before ({@link CompiledRuleCache}), and yet behaves as a full build: the changed rule is checked by the sandbox
 * with its file and line, each library runs copies of its own, and nothing of a failed build reaches a later one.
 */
class IncrementalBuildTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final String THEME = "technological/c8_05_secure_authentication";

    private static final String RULE_YML = """
            id: %s
            title: A rule about root logins
            controls:
              iso27002:2022: ["8.5"]
            severity: high
            sources: [sshd_config]
            rationale: A direct root login leaves no trace of which person used the account.
            remediation: Set "PermitRootLogin no" in sshd_config.
            """;

    /** Line 11 is the consequence. */
    private static final String RULE_DRL = """
            package %s;

            import io.annexa.evidence.ConfigEntry;

            global io.annexa.evaluation.FindingFactory findings;

            rule "%s"
            when
                $entry : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value not matches "(?i)no" )
            then
                %s
            end
            """;

    @TempDir
    Path work;

    private Path rules;

    @BeforeEach
    void writeTwoRules() throws IOException {
        rules = work.resolve("rules");
        write("kept_rule", finding("kept: "));
        write("changed_rule", finding("before: "));
    }

    @Test
    void onlyTheChangedRuleIsCompiledAgainAndEachLibraryRunsItsOwnVersion() throws Exception {
        RuleLibrary first = RuleLibrary.load(rules, CATALOG);
        CompiledRuleCache.Compiled kept = cached("kept_rule").orElseThrow();
        CompiledRuleCache.Compiled changedBefore = cached("changed_rule").orElseThrow();

        write("changed_rule", finding("after: "));
        RuleLibrary second = RuleLibrary.load(rules, CATALOG);

        assertThat(cached("kept_rule")).containsSame(kept);
        assertThat(cached("changed_rule")).isPresent().get().isNotSameAs(changedBefore);
        assertThat(second.version("kept_rule")).isEqualTo(first.version("kept_rule"));
        assertThat(second.version("changed_rule")).isNotEqualTo(first.version("changed_rule"));
        // copies: the second library's rules are not the first one's objects, which its sessions go on running
        assertThat(second.kieBase().getRule(THEME.replace('/', '.') + ".kept_rule", "kept_rule"))
                .isNotNull().isNotSameAs(first.kieBase().getRule(THEME.replace('/', '.') + ".kept_rule", "kept_rule"));
        assertThat(evidenceOf(first)).containsExactlyInAnyOrder("kept: PermitRootLogin yes", "before: PermitRootLogin yes");
        assertThat(evidenceOf(second)).containsExactlyInAnyOrder("kept: PermitRootLogin yes", "after: PermitRootLogin yes");
    }

    @Test
    void aRuleChangedIntoHostileCodeIsRefusedWithItsFileAndLineWhileTheOthersComeCompiled() throws Exception {
        RuleLibrary.load(rules, CATALOG);
        CompiledRuleCache.Compiled kept = cached("kept_rule").orElseThrow();

        write("changed_rule", "try { Runtime.getRuntime().exec(\"touch evil\"); } catch (Exception e) { }");

        assertThatThrownBy(() -> RuleLibrary.load(rules, CATALOG))
                .isInstanceOfSatisfying(RuleLibraryException.class, e -> assertThat(e.getProblems()).anySatisfy(problem -> {
                    assertThat(problem.file()).isEqualTo("rules/" + THEME + "/changed_rule/changed_rule.drl");
                    assertThat(problem.line()).isEqualTo(11);
                    assertThat(problem.isError()).isTrue();
                    assertThat(problem.message()).contains("java.lang.Runtime.getRuntime()").contains("(sandbox)");
                }));
        assertThat(cached("changed_rule")).as("a refused rule is not kept").isEmpty();
        assertThat(cached("kept_rule")).as("a failed build drops nothing").containsSame(kept);
    }

    @Test
    void theChangedRulesProblemsAreThoseOfAFullBuild() throws Exception {
        String broken = drl("changed_rule", finding("broken: ")).replace("\"(?i)no\" )", "\"(?i)no\" && )");
        // a full build: the kept rule's text is new too (a comment), so both are compiled together
        Files.writeString(drlFile("kept_rule"), drl("kept_rule", finding("kept: ")) + "// " + java.util.UUID.randomUUID() + "\n");
        Files.writeString(drlFile("changed_rule"), broken);
        List<Problem> full = problemsOf(() -> RuleLibrary.load(rules, CATALOG));

        write("kept_rule", finding("kept: "));
        write("changed_rule", finding("before: "));
        RuleLibrary.load(rules, CATALOG);
        Files.writeString(drlFile("changed_rule"), broken);
        List<Problem> incremental = problemsOf(() -> RuleLibrary.load(rules, CATALOG));

        assertThat(incremental).isEqualTo(full).anySatisfy(problem -> {
            assertThat(problem.file()).isEqualTo("rules/" + THEME + "/changed_rule/changed_rule.drl");
            assertThat(problem.line()).isEqualTo(9);
            assertThat(problem.column()).isPositive();
            assertThat(problem.isError()).isTrue();
        });
    }

    @Test
    void codeCompiledUnderAnotherRulesPackageNeverReachesALaterLibrary() throws Exception {
        String foreign = THEME.replace('/', '.') + ".kept_rule_extra";
        Files.writeString(rules.resolve(THEME).resolve("changed_rule/changed_rule.drl"), RULE_DRL.formatted(foreign, "changed_rule",
                "try { Runtime.getRuntime().exec(\"touch evil\"); } catch (Exception e) { }"));

        assertThatThrownBy(() -> RuleLibrary.load(rules, CATALOG))
                .isInstanceOfSatisfying(RuleLibraryException.class, e -> assertThat(e.getProblems())
                        .anySatisfy(problem -> assertThat(problem.message()).contains("must be the rule folder's path")));

        write("changed_rule", finding("fixed: "));
        RuleLibrary fixed = RuleLibrary.load(rules, CATALOG);

        assertThat(fixed.kieBase().getKiePackage(foreign)).isNull();
        assertThat(evidenceOf(fixed)).containsExactlyInAnyOrder("kept: PermitRootLogin yes", "fixed: PermitRootLogin yes");
    }

    private static String finding(String prefix) {
        return "insertLogical(findings.of(drools, $entry.getAsset(), \"" + prefix + "\" + $entry.getKey() + \" \" + $entry.getValue()));";
    }

    private void write(String id, String consequence) throws IOException {
        Path folder = Files.createDirectories(rules.resolve(THEME).resolve(id));
        Files.writeString(folder.resolve("rule.yml"), RULE_YML.formatted(id));
        Files.writeString(folder.resolve(id + ".drl"), drl(id, consequence));
    }

    private static String drl(String id, String consequence) {
        return RULE_DRL.formatted(THEME.replace('/', '.') + "." + id, id, consequence);
    }

    private Path drlFile(String id) {
        return rules.resolve(THEME).resolve(id).resolve(id + ".drl");
    }

    private static List<Problem> problemsOf(org.assertj.core.api.ThrowableAssert.ThrowingCallable load) {
        try {
            load.call();
        } catch (RuleLibraryException e) {
            return e.getProblems();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the library loaded");
    }

    private Optional<CompiledRuleCache.Compiled> cached(String id) throws IOException {
        Path drl = rules.resolve(THEME).resolve(id).resolve(id + ".drl");
        return CompiledRuleCache.SHARED.get(CompiledRuleCache.key(true, "rules/" + THEME + "/" + id + "/" + id + ".drl",
                THEME.replace('/', '.') + "." + id, Files.readString(drl)));
    }

    private static List<String> evidenceOf(RuleLibrary library) {
        try (EvaluationSession session = library.newSession(EvaluationSession.Clock.PSEUDO)) {
            session.replace(new EvidenceKey("sshd_config", "web1", "test"),
                    List.of(new ConfigEntry("web1", "sshd_config", "/etc/ssh/sshd_config", 3, "PermitRootLogin", "yes", "", Instant.now())));
            return session.fire().findings().stream().map(Finding::getEvidence).toList();
        }
    }
}
