package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the index says each rule reads, on real rules of the library that read in different ways. */
class RuleIndexTest {

    private static final String[] FOLDERS = {
        "technological/c8_16_monitoring_activities/ssh_password_guessing_across_users",
        "technological/c8_05_secure_authentication/sshd_root_login_disabled",
        "technological/c8_09_configuration_management/config_matches_baseline",
        "technological/c8_15_logging/audit_rules_identity_changes_watched",
        "technological/c8_02_privileged_access_rights/accounts_uid0_only_root",
    };

    private static List<RuleIndex.Entry> index;

    @BeforeAll
    static void indexSomeRules() throws Exception {
        RuleLibrary library = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"), FOLDERS),
                ControlCatalog.load());
        index = RuleIndex.of(library);
    }

    @Test
    void oneEntryPerRuleOrderedByFolder() {
        assertThat(index).extracting(RuleIndex.Entry::folder).containsExactly(
                "technological/c8_02_privileged_access_rights/accounts_uid0_only_root",
                "technological/c8_05_secure_authentication/sshd_root_login_disabled",
                "technological/c8_09_configuration_management/config_matches_baseline",
                "technological/c8_15_logging/audit_rules_identity_changes_watched",
                "technological/c8_16_monitoring_activities/ssh_password_guessing_across_users");
        assertThat(entry("sshd_root_login_disabled").rule().controls()).containsExactly("8.5", "8.2");
    }

    @Test
    void configurationKeysNamedByLiteralsAreListedByName() {
        assertThat(entry("sshd_root_login_disabled").configKeys()).containsExactly("sshd_config:PermitRootLogin");
        assertThat(entry("sshd_root_login_disabled").eventKinds()).isEmpty();
    }

    @Test
    void aPatternReadingTheKeyOtherwiseReadsEveryKeyOfItsSource() {
        // recordsWrites(key, value, $path) decides, not a literal
        assertThat(entry("audit_rules_identity_changes_watched").configKeys()).containsExactly("audit.rules:*");
    }

    @Test
    void eventKindsComeFromTheKindConstraints() {
        assertThat(entry("ssh_password_guessing_across_users").eventKinds())
                .containsExactlyInAnyOrder("auth_failure", "invalid_user");
        assertThat(entry("ssh_password_guessing_across_users").configKeys()).isEmpty();
    }

    @Test
    void theBaselineRuleReadsTheBaselinedEntriesAndRulesOnOtherFactsReadNeither() {
        assertThat(entry("config_matches_baseline").baselined()).isTrue();
        assertThat(entry("sshd_root_login_disabled").baselined()).isFalse();
        RuleIndex.Entry accounts = entry("accounts_uid0_only_root");
        assertThat(accounts.eventKinds()).isEmpty();
        assertThat(accounts.configKeys()).isEmpty();
        assertThat(accounts.baselined()).isFalse();
    }

    private static RuleIndex.Entry entry(String id) {
        return index.stream().filter(e -> e.rule().id().equals(id)).findFirst().orElseThrow();
    }
}
