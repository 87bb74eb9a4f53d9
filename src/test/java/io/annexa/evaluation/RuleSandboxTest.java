package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile rules, one per refused family (src/test/resources/sandbox/*.drl): each must make the library load fail
 * with a problem naming the DRL file, the line marked {@code // <-} in it, who reaches (the file's {@code // who:}
 * comment, else its rule: {@code rule <name>}, each file's rule named apart from the folder) and what is reached
 * (the file's {@code // reaches:} comment).
 */
class RuleSandboxTest {

    static final ControlCatalog CATALOG = ControlCatalog.load();
    static final String FOLDER = "technological/c8_05_secure_authentication/evil";

    static final String RULE_YML = """
            id: evil
            title: A rule that tries to leave the sandbox
            controls:
              iso27002:2022: ["8.5"]
            severity: high
            sources: [sshd_config]
            rationale: Shows that rule code cannot reach the host.
            remediation: None.
            """;

    @TempDir
    Path work;

    static Stream<Path> hostileRules() throws IOException, URISyntaxException {
        Path folder = Path.of(RuleSandboxTest.class.getResource("/sandbox").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".drl")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRules")
    void hostileRuleIsRefusedWithItsLine(Path hostile) throws IOException {
        List<String> lines = Files.readAllLines(hostile);
        String reaches = comment(lines, "// reaches: ");
        String who = lines.stream().anyMatch(l -> l.startsWith("// who: ")) ? comment(lines, "// who: ") : "rule " + ruleName(lines);
        int line = 0;
        for (int i = 0; i < lines.size() && line == 0; i++) {
            line = lines.get(i).contains("// <-") ? i + 1 : 0;
        }
        Path rules = writeRule(work, Files.readString(hostile));

        int expectedLine = line;
        assertThatThrownBy(() -> RuleLibrary.load(rules, CATALOG))
                .isInstanceOfSatisfying(RuleLibraryException.class, e -> assertThat(e.getProblems())
                        .as("problems of %s", hostile.getFileName())
                        .anySatisfy(problem -> {
                            assertThat(problem.file()).isEqualTo("rules/" + FOLDER + "/evil.drl");
                            assertThat(problem.line()).isEqualTo(expectedLine);
                            assertThat(problem.isError()).isTrue();
                            assertThat(problem.message()).contains(who).contains(reaches).contains("(sandbox)");
                        }));
    }

    @Test
    void allowedCodeLoads() throws Exception {
        Path rules = writeRule(work, """
                package PACKAGE;

                import io.annexa.evidence.ConfigEntry;
                import java.util.ArrayList;
                import java.util.List;

                global io.annexa.evaluation.FindingFactory findings;

                function List<String> words(String text) {
                    List<String> words = new ArrayList<>();
                    for (String word : text.split("\\\\s+")) {
                        words.add(word.toLowerCase(java.util.Locale.ROOT));
                    }
                    words.sort(java.util.Comparator.comparing(String::length));
                    return words;
                }

                rule "evil: every allowed construct"
                when
                    $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value not matches "(?i)no" )
                    $w : String() from words($e.getValue())
                    $n : Number() from accumulate( ConfigEntry( $l : line ), init( int c = 0; ), action( c += $l; ), result( c ) )
                    eval( $n.intValue() >= 0 )
                then
                    String joined = words($w).stream().map(w -> w + "!").collect(java.util.stream.Collectors.joining(","));
                    StringBuilder text = new StringBuilder(joined).append(Math.max(1, 2));
                    if (java.util.regex.Pattern.compile("y").matcher(text).find()) {
                        insertLogical(findings.of(drools, $e.getAsset(), text.toString() + java.time.Instant.EPOCH));
                    }
                end
                """);

        RuleLibrary library = RuleLibrary.load(rules, CATALOG);

        assertThat(library.rule("evil")).isPresent();
    }

    /**
     * The second line of defence, on what the compiler made: were a file to reach the compiler unchecked (the source
     * check is what keeps these from it), its foreign package, MVEL rules and declared supertypes are still refused.
     */
    @Test
    void theCompiledModuleIsCheckedEvenWhenTheSourceCheckWasNot() {
        String drlPackage = FOLDER.replace('/', '.');
        String display = "rules/" + FOLDER + "/evil.drl";
        String foreign = """
                package org.example.evil;
                rule "foreign" when String() then System.out.println("x"); end
                """;
        String mvel = """
                package PACKAGE;
                rule "interpreted" dialect "mvel" when String() then System.out.println("x"); end
                """.replace("PACKAGE", drlPackage);
        String extendsFile = """
                package PACKAGE;
                declare TempFile extends java.io.File end
                rule "declares" when String() then insert("x"); end
                """.replace("PACKAGE", drlPackage);

        assertThat(compiledAndChecked(foreign, display, drlPackage)).extracting(Problem::message).contains(
                "package org.example.evil holds code but is no rule folder's package, so its code is not checked; it is refused (sandbox)",
                "the build made no package " + drlPackage + " of this rule, so the sandbox cannot check it; it is not loaded (sandbox)");
        assertThat(compiledAndChecked(mvel, display, drlPackage)).extracting(Problem::message)
                .contains("rule interpreted: dialect \"mvel\" is refused: rule code must be Java, so that it can be inspected (sandbox)");
        assertThat(compiledAndChecked(extendsFile, display, drlPackage)).extracting(Problem::message)
                .contains("declare TempFile extends java.io.File (not a class rule code may extend) — not allowed in rule code (sandbox)");
    }

    private static List<Problem> compiledAndChecked(String drl, String display, String drlPackage) {
        org.kie.api.KieServices services = org.kie.api.KieServices.Factory.get();
        org.kie.api.builder.KieFileSystem files = services.newKieFileSystem();
        org.kie.api.builder.ReleaseId releaseId = services.newReleaseId("io.annexa.test", "sandbox", "1." + System.nanoTime());
        files.generateAndWritePomXML(releaseId);
        files.write("src/main/resources/" + FOLDER + "/evil.drl", drl);
        try {
            org.kie.api.builder.KieBuilder builder = services.newKieBuilder(files)
                    .buildAll(org.drools.compiler.kie.builder.impl.DrlProject.class);
            assertThat(builder.getResults().getMessages(org.kie.api.builder.Message.Level.ERROR)).isEmpty();
            return RuleSandbox.check(builder.getKieModule(), java.util.Map.of(drlPackage, new RuleSandbox.Source(display, drl)));
        } finally {
            services.getRepository().removeKieModule(releaseId);
        }
    }

    static Path writeRule(Path work, String drl) throws IOException {
        Path rules = work.resolve("rules");
        Path folder = rules.resolve(FOLDER);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("rule.yml"), RULE_YML);
        Files.writeString(folder.resolve("evil.drl"), drl.replace("PACKAGE", FOLDER.replace('/', '.')));
        return rules;
    }

    /** The name of the file's rule, which is not the folder's ({@code evil}): a message naming it names the rule. */
    private static String ruleName(List<String> lines) {
        String name = lines.stream().filter(l -> l.startsWith("rule \"")).findFirst().orElseThrow()
                .replaceFirst("^rule \"([^\"]+)\".*$", "$1");
        assertThat(name).isNotEqualTo("evil");
        return name;
    }

    private static String comment(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length()).strip();
    }
}
