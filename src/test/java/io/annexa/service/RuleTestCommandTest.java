package io.annexa.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code annexa.jar test-rules} as a rule author runs it, in this JVM: its exit code, the report on standard output
 * and usage errors on standard error. The launcher's part (taking the application out of the bundle) is
 * {@code BundledApplicationTest}'s.
 */
class RuleTestCommandTest {

    private static final String ROOT_LOGIN = "technological/c8_05_secure_authentication/sshd_root_login_disabled";
    private static final String EMPTY_PASSWORDS = "technological/c8_05_secure_authentication/sshd_empty_passwords_disabled";

    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aPassingRuleFolderPrintsEveryScenarioAndExitsZero() throws IOException {
        int exit = run(ProjectFiles.root(), Optional.empty(), "rules/" + ROOT_LOGIN);

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.PASSED);
        List<String> scenarios = scenarioFiles(ProjectFiles.rules().resolve(ROOT_LOGIN));
        assertThat(lines()).containsAll(scenarios.stream().map(f -> "PASS sshd_root_login_disabled/" + f).toList())
                .contains("PASS sshd_root_login_disabled/root_login_yes.fail.sshd_config")
                .last().isEqualTo("1 rule, " + scenarios.size() + " scenarios: " + scenarios.size() + " passed, 0 failed");
        assertThat(err()).isEmpty();
    }

    @Test
    void aFolderMayBeNamedBelowTheRulesFolderOrByRuleId() {
        int exit = run(ProjectFiles.root(), Optional.empty(), ROOT_LOGIN, "sshd_empty_passwords_disabled");

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.PASSED);
        assertThat(lines()).anyMatch(l -> l.startsWith("PASS sshd_root_login_disabled/"))
                .anyMatch(l -> l.startsWith("PASS sshd_empty_passwords_disabled/"))
                .last().asString().startsWith("2 rules, ");
    }

    @Test
    void aFailingScenarioShowsWhatWasExpectedTheFindingsAndTheFactsAndExitsOne() throws IOException {
        Path rules = ProjectFiles.rulesSubset(temp.resolve("rules"), ROOT_LOGIN);
        Path tests = rules.resolve(ROOT_LOGIN).resolve("tests");
        // an author's mistake both ways: a failing input named as passing, a passing one named as failing
        Files.copy(tests.resolve("root_login_yes.fail.sshd_config"), tests.resolve("said_to_pass.pass.sshd_config"));
        Files.copy(tests.resolve("root_login_no.pass.sshd_config"), tests.resolve("said_to_fail.fail.sshd_config"));
        Files.writeString(tests.resolve("said_to_fail.fail.sshd_config" + io.annexa.evaluation.ScenarioRunner.EXPECT_SUFFIX), "root may log in\n");

        int exit = run(temp, Optional.empty(), "rules/" + ROOT_LOGIN);

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.FAILED);
        String report = output();
        assertThat(report).contains("PASS sshd_root_login_disabled/root_login_yes.fail.sshd_config\n")
                .contains("FAIL sshd_root_login_disabled/said_to_pass.pass.sshd_config\n"
                        + "    expected pass: no finding of sshd_root_login_disabled\n"
                        + "    the rule raised 1 finding:\n"
                        + "      Finding[sshd_root_login_disabled on scenario-said-to-pass: root may log in over SSH: PermitRootLogin yes"
                        + " (tests/said_to_pass.pass.sshd_config:2)]\n")
                .contains("FAIL sshd_root_login_disabled/said_to_fail.fail.sshd_config\n"
                        + "    expected fail: a finding of sshd_root_login_disabled\n"
                        + "    the rule raised no finding\n"
                        + "    the input was read into ")
                .contains("\n      ConfigEntry[scenario-said-to-fail PermitRootLogin no (tests/said_to_fail.fail.sshd_config:1)]\n");
        int scenarios = scenarioFiles(rules.resolve(ROOT_LOGIN)).size();
        assertThat(lines()).last().isEqualTo("1 rule, " + scenarios + " scenarios: " + (scenarios - 2) + " passed, 2 failed");
    }

    @Test
    void aRuleWithoutAFailingScenarioFails() throws IOException {
        Path rules = ProjectFiles.rulesSubset(temp.resolve("rules"), ROOT_LOGIN);
        try (var files = Files.list(rules.resolve(ROOT_LOGIN).resolve("tests"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".fail.")).toList()) {
                deleteTree(file);
            }
        }

        int exit = run(temp, Optional.empty(), "rules");

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.FAILED);
        assertThat(lines()).contains("FAIL sshd_root_login_disabled: no failing scenario (tests/<name>.fail.<source>)")
                .last().asString().endsWith("0 failed; 1 rule problem");
    }

    @Test
    void aRuleThatDoesNotBuildIsReportedWithFileAndLineAndExitsTwo() throws IOException {
        Path rules = ProjectFiles.rulesSubset(temp.resolve("rules"), ROOT_LOGIN, EMPTY_PASSWORDS);
        Path drl = rules.resolve(ROOT_LOGIN).resolve("sshd_root_login_disabled.drl");
        Files.writeString(drl, Files.readString(drl).replace("$entry : ConfigEntry(", "$entry : ConfigEntry( sourc == 1,"));

        int exit = run(temp, Optional.empty(), "rules/" + ROOT_LOGIN);

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.UNUSABLE);
        assertThat(output()).contains("do not build:")
                .containsPattern("rules/" + ROOT_LOGIN + "/sshd_root_login_disabled\\.drl:\\d+(:\\d+)?: error: ");
        assertThat(lines()).noneMatch(l -> l.startsWith("PASS") || l.startsWith("FAIL"))
                .last().asString().matches("0 rules, 0 scenarios: 0 passed, 0 failed; \\d+ build errors?, rules not tested");
    }

    @Test
    void aLongInputShowsItsFirstFacts() throws IOException {
        Path rules = ProjectFiles.rulesSubset(temp.resolve("rules"), ROOT_LOGIN);
        StringBuilder config = new StringBuilder("PermitRootLogin yes\n");
        for (int i = 0; i < 40; i++) {
            config.append("AcceptEnv LC_").append(i).append('\n');
        }
        Files.writeString(rules.resolve(ROOT_LOGIN).resolve("tests/long.pass.sshd_config"), config);

        assertThat(run(temp, Optional.empty(), "sshd_root_login_disabled")).isEqualTo(RuleTestCommand.FAILED);

        assertThat(output()).contains("FAIL sshd_root_login_disabled/long.pass.sshd_config\n")
                .containsPattern("the input was read into (4[1-9]|[5-9]\\d) facts:\n")
                .containsPattern("\n      \\.\\.\\. and \\d+ more\n");
        String facts = output().substring(output().indexOf("the input was read into"), output().indexOf("... and "));
        assertThat(facts.lines().filter(l -> l.startsWith("      Config"))).hasSize(30);
    }

    @Test
    void aBrokenSiblingDoesNotStandInTheWayOfTheRuleUnderTest() throws IOException {
        Path rules = ProjectFiles.rulesSubset(temp.resolve("rules"), ROOT_LOGIN, EMPTY_PASSWORDS);
        Files.writeString(rules.resolve(ROOT_LOGIN).resolve("sshd_root_login_disabled.drl"), "rule broken when then");

        int exit = run(temp, Optional.empty(), "rules/" + EMPTY_PASSWORDS);

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.PASSED);
        assertThat(lines()).last().asString().startsWith("1 rule, ");
    }

    @Test
    void anUnknownFolderIsNamedAndExitsTwo() {
        int exit = run(ProjectFiles.root(), Optional.empty(), "rules/technological/c8_05_secure_authentication/no_such_rule");

        assertThat(exit).isEqualTo(RuleTestCommand.UNUSABLE);
        assertThat(err()).contains("no rule folder 'rules/technological/c8_05_secure_authentication/no_such_rule'");
        assertThat(output()).isEmpty();
    }

    @Test
    void aFolderWithoutRulesOrOutsideARulesFolderIsRefused() throws IOException {
        Files.createDirectories(temp.resolve("rules/technological/empty"));
        Path outside = ProjectFiles.rulesSubset(temp.resolve("elsewhere"), ROOT_LOGIN);

        assertThat(run(temp, Optional.empty(), "rules/technological/empty")).isEqualTo(RuleTestCommand.UNUSABLE);
        assertThat(err()).contains("'rules/technological/empty'").contains("holds no rule");

        err.reset();
        assertThat(run(temp, Optional.empty(), outside.resolve(ROOT_LOGIN).toString())).isEqualTo(RuleTestCommand.UNUSABLE);
        assertThat(err()).contains("is not inside a folder named rules");
    }

    @Test
    void anUnknownOptionPrintsTheUsageAndExitsTwo() {
        assertThat(run(ProjectFiles.root(), Optional.empty(), "--fast")).isEqualTo(RuleTestCommand.UNUSABLE);
        assertThat(err()).contains("unknown option '--fast'").contains("usage: java -jar annexa.jar test-rules [folder...]");
    }

    @Test
    void withoutAFolderEveryRuleOfTheHomeIsTested() throws IOException {
        Path home = temp.resolve("home");
        ProjectFiles.rulesSubset(home.resolve("rules"), ROOT_LOGIN, EMPTY_PASSWORDS);
        // the working directory's own rules/ is not used when ANNEXA_HOME is set, as the service would not read it
        Files.createDirectories(temp.resolve("work/rules"));

        int exit = run(temp.resolve("work"), Optional.of(home));

        assertThat(exit).as(output()).isEqualTo(RuleTestCommand.PASSED);
        assertThat(lines()).last().asString().startsWith("2 rules, ");
    }

    @Test
    void withoutAHomeOrARulesFolderHereTheBundledRulesAreUsed() {
        int exit = run(temp, Optional.empty(), "sshd_root_login_disabled");

        assertThat(exit).as(output() + err()).isEqualTo(RuleTestCommand.PASSED);
        assertThat(lines()).last().asString().startsWith("1 rule, ");
    }

    private int run(Path workingDirectory, Optional<Path> home, String... args) {
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        return new RuleTestCommand(workingDirectory, home, stdout, stderr).run(List.of(args));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> lines() {
        return output().lines().toList();
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A scenario may be a file or a host snapshot folder. */
    private static void deleteTree(Path path) throws IOException {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<String> scenarioFiles(Path rule) throws IOException {
        try (var files = Files.list(rule.resolve("tests"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[a-z0-9_]+\\.(pass|fail|notapplicable)\\..+"))
                    .filter(n -> !n.endsWith(io.annexa.evaluation.ScenarioRunner.EXPECT_SUFFIX)).sorted().toList();
        }
    }
}
