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
 * with a problem naming the DRL file, the line marked {@code // <-} in it, who reaches (the rule, or the function)
 * and what is reached (the file's {@code // reaches:} comment).
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
        String who = lines.stream().anyMatch(l -> l.startsWith("// who: ")) ? comment(lines, "// who: ") : "evil";
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

    static Path writeRule(Path work, String drl) throws IOException {
        Path rules = work.resolve("rules");
        Path folder = rules.resolve(FOLDER);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("rule.yml"), RULE_YML);
        Files.writeString(folder.resolve("evil.drl"), drl.replace("PACKAGE", FOLDER.replace('/', '.')));
        return rules;
    }

    private static String comment(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length()).strip();
    }
}
