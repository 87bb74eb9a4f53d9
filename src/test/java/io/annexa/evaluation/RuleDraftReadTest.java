package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.ProjectFiles;
import io.annexa.ingestion.scenario.ScenarioInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a rule folder back as a draft: the draft that writes it back unchanged, or a refusal that names what is in the way. */
class RuleDraftReadTest {

    private static final String PATH = "technological/c8_05_secure_authentication/sshd_x_disabled";
    private static final String ID = "sshd_x_disabled";

    @TempDir
    Path rules;

    /** Outside the rules: another library, a link's target. */
    @TempDir
    Path outside;

    private static RuleDraft draft() {
        Map<String, String> scenarios = new LinkedHashMap<>();
        scenarios.put("x_no.pass.sshd_config", "X no\n");
        scenarios.put("x_yes.fail.sshd_config", "X yes\n");
        scenarios.put("x_yes.fail.sshd_config.expect", "x on: X yes\n");
        return new RuleDraft(PATH, "id: sshd_x_disabled\ntitle: X is off — «ü»\n", "package a.b;\nrule \"r\" when then end\n", scenarios);
    }

    private Path folder() {
        return rules.resolve(PATH);
    }

    private RuleDraft.NotADraft refused() throws IOException {
        try {
            Optional<RuleDraft> read = RuleDraft.read(rules, ID);
            throw new AssertionError("read, not refused: " + read);
        } catch (RuleDraft.NotADraft e) {
            return e;
        }
    }

    private String refusal() throws IOException {
        return refused().getMessage();
    }

    @Test
    void aFolderReadsAsTheDraftThatWroteIt() throws Exception {
        RuleDraft written = draft();
        written.writeInto(rules);

        RuleDraft read = RuleDraft.read(rules, ID).orElseThrow();

        assertThat(read).isEqualTo(written);
        assertThat(read.scenarios().keySet()).containsExactly("x_no.pass.sshd_config", "x_yes.fail.sshd_config",
                "x_yes.fail.sshd_config.expect");
        // and written back, the folder is the same
        read.writeInto(outside);
        assertThat(RuleDraft.read(outside, ID)).contains(written);
    }

    @Test
    void aFolderWithoutScenariosReadsWithNone() throws Exception {
        Files.createDirectories(folder());
        Files.writeString(folder().resolve("rule.yml"), "id: sshd_x_disabled\n");
        Files.writeString(folder().resolve(ID + ".drl"), "package x;\n");

        assertThat(RuleDraft.read(rules, ID)).contains(new RuleDraft(PATH, "id: sshd_x_disabled\n", "package x;\n", Map.of()));
    }

    @Test
    void anUnknownIdIsNoDraft() throws Exception {
        draft().writeInto(rules);

        assertThat(RuleDraft.read(rules, "sshd_y_disabled")).isEmpty();
        assertThat(RuleDraft.read(rules.resolve("absent"), ID)).isEmpty();
    }

    @Test
    void anIdThatIsNotARuleIdNeverReachesTheFileSystem() throws Exception {
        draft().writeInto(rules);
        Files.writeString(rules.resolve("rule.yml"), "id: x\n");
        for (String id : Arrays.asList(null, "", "..", ".", "../" + ID, PATH, "tests", "Sshd", "1abc",
                ID + "/tests", "a b", "a".repeat(101))) {
            assertThat(RuleDraft.isRuleId(id)).as(id).isFalse();
            assertThatThrownBy(() -> RuleDraft.read(rules, id)).as(id).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(RuleDraft.isRuleId(ID)).isTrue();
    }

    @Test
    void aSecondDrlIsRefusedNotDropped() throws Exception {
        draft().writeInto(rules);
        Files.writeString(folder().resolve("helpers.drl"), "package a.b;\n");

        assertThat(refusal()).contains("2 DRL files (helpers.drl, sshd_x_disabled.drl)");
    }

    @Test
    void aDrlNamedOtherwiseOrMissingIsRefused() throws Exception {
        draft().writeInto(rules);
        Files.move(folder().resolve(ID + ".drl"), folder().resolve("other.drl"));
        assertThat(refusal()).contains("its DRL is other.drl, not sshd_x_disabled.drl");
        Files.delete(folder().resolve("other.drl"));
        assertThat(refusal()).contains("it has no sshd_x_disabled.drl");
    }

    @Test
    void filesADraftCannotCarryAreNamed() throws Exception {
        draft().writeInto(rules);
        Files.writeString(folder().resolve("NOTES.md"), "notes\n");
        Files.createDirectories(folder().resolve("tests/web.fail.host/etc/ssh"));
        Files.writeString(folder().resolve("tests/web.fail.host/etc/ssh/sshd_config"), "X yes\n");
        Files.createDirectories(folder().resolve("fixtures"));

        RuleDraft.NotADraft refused = refused();

        assertThat(refused.problems()).containsExactlyInAnyOrder(
                "NOTES.md is a file a draft cannot carry; it holds rule.yml, sshd_x_disabled.drl and tests/",
                "fixtures is a folder a draft cannot carry; it holds rule.yml, sshd_x_disabled.drl and tests/",
                "tests/web.fail.host is a folder (a scenario of a whole host); a draft carries plain scenario files only: edit this rule in its folder");
        assertThat(refused.getMessage()).startsWith("rule 'sshd_x_disabled' cannot be edited as a draft: ");
    }

    @Test
    void aLinkIsRefusedAndNotFollowed() throws Exception {
        draft().writeInto(rules);
        Path secret = Files.writeString(outside.resolve("secret"), "s3cret\n");
        Files.createSymbolicLink(folder().resolve("tests/leak.pass.sshd_config"), secret);

        assertThat(refusal()).contains("tests/leak.pass.sshd_config is a link").doesNotContain("s3cret");
    }

    @Test
    void aRuleFolderThatIsALinkIsRefused() throws Exception {
        draft().writeInto(outside);
        Files.createDirectories(folder().getParent());
        Files.createSymbolicLink(folder(), outside.resolve(PATH));

        assertThat(refusal()).contains("its folder " + PATH + " is a link");
    }

    @Test
    void textThatIsNotUtf8IsRefused() throws Exception {
        draft().writeInto(rules);
        Files.write(folder().resolve("tests/binary.pass.sshd_config"), new byte[] {'X', ' ', (byte) 0xff, (byte) 0xfe, '\n'});

        assertThat(refusal()).contains("tests/binary.pass.sshd_config is not UTF-8 text");
    }

    @Test
    void nothingPastTheLimitsIsRead() throws Exception {
        draft().writeInto(rules);
        RuleDraft.Limits three = new RuleDraft.Limits(256 * 1024, 2, Duration.ofSeconds(5));
        assertThatThrownBy(() -> RuleDraft.read(rules, ID, three)).isInstanceOf(RuleDraft.NotADraft.class)
                .hasMessageContaining("3 scenario files, a draft holds at most 2");

        Files.writeString(folder().resolve("tests/big.pass.sshd_config"), "X no\n".repeat(1000));
        RuleDraft.Limits small = new RuleDraft.Limits(4000, 50, Duration.ofSeconds(5));
        assertThatThrownBy(() -> RuleDraft.read(rules, ID, small)).isInstanceOf(RuleDraft.NotADraft.class)
                .hasMessageContaining("a draft holds at most 4000");
    }

    @Test
    void twoFoldersOfOneIdAreRefused() throws Exception {
        draft().writeInto(rules);
        new RuleDraft("technological/c8_09_configuration_management/" + ID, draft().ruleYml(), draft().drl(), draft().scenarios())
                .writeInto(rules);

        assertThat(refusal()).contains("2 folders hold it (technological/c8_05_secure_authentication/sshd_x_disabled,"
                + " technological/c8_09_configuration_management/sshd_x_disabled)");
    }

    @Test
    void aRuleOutsideADraftsPathIsRefused() throws Exception {
        Path odd = rules.resolve("extra/" + ID);
        Files.createDirectories(odd);
        Files.writeString(odd.resolve("rule.yml"), "id: x\n");
        Files.writeString(odd.resolve(ID + ".drl"), "package x;\n");

        assertThat(refusal()).contains("its folder extra/sshd_x_disabled is not <theme>/c<control>_<name>/<rule_id>");
    }

    /** A shipped rule, read from the real library, is a draft that passes the same check PUT makes, unchanged. */
    @Test
    void aShippedRuleReadsAsADraftThatPassesItsCheck() throws Exception {
        Optional<RuleDraft> read = RuleDraft.read(ProjectFiles.rules(), "sshd_empty_passwords_disabled");

        RuleDraft draft = read.orElseThrow();
        Path folder = ProjectFiles.rules().resolve(draft.path());
        assertThat(draft.path()).isEqualTo("technological/c8_05_secure_authentication/sshd_empty_passwords_disabled");
        assertThat(draft.drl()).isEqualTo(Files.readString(folder.resolve("sshd_empty_passwords_disabled.drl")));
        assertThat(draft.ruleYml()).isEqualTo(Files.readString(folder.resolve("rule.yml")));
        try (var files = Files.list(folder.resolve("tests"))) {
            assertThat(draft.scenarios().keySet()).containsExactlyInAnyOrderElementsOf(files.map(f -> f.getFileName().toString()).toList());
        }
        assertThat(draft.scenarios().keySet()).anyMatch(n -> n.contains(".pass.")).anyMatch(n -> n.contains(".fail."));

        ScenarioInputs inputs = new ScenarioInputs(RuleSandboxTest.CATALOG);
        assertThat(draft.check(ProjectFiles.rules(), null, RuleSandboxTest.CATALOG, inputs::forSource)).isEmpty();
    }

    @Test
    void aShippedRuleWithHostScenariosIsRefusedWhole() {
        assertThatThrownBy(() -> RuleDraft.read(ProjectFiles.rules(), "sshd_root_login_disabled"))
                .isInstanceOf(RuleDraft.NotADraft.class)
                .hasMessageContaining("tests/debian12_sshd_t.fail.host is a folder (a scenario of a whole host)");
    }
}
