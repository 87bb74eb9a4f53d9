package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import io.annexa.ProjectFiles;
import io.annexa.control.ControlCatalog;
import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.evidence.EvidenceKey;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Configuration entries no rule can read stay out of working memory, and nothing a rule can read is left out: through
 * the real rule library, and across a change of library (a swap carries every entry over, read or not).
 */
class ConfigInterestTest {

    private static final String MAX_AGE = "organizational/c5_17_authentication_information/login_defs_password_max_age_limited";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private static RuleLibrary whole;
    private static RuleLibrary sshdOnly;
    private static RuleLibrary withMaxAge;

    @BeforeAll
    static void loadLibraries() throws Exception {
        ControlCatalog catalog = ControlCatalog.load();
        whole = RuleLibrary.load(ProjectFiles.rules(), catalog);
        sshdOnly = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"), ProjectFiles.SSHD_RULES),
                catalog);
        withMaxAge = RuleLibrary.load(ProjectFiles.rulesSubset(Files.createTempDirectory("annexa-rules"),
                ProjectFiles.SSHD_RULES[0], MAX_AGE), catalog);
    }

    @Test
    void theWholeLibraryReadsTheLoginDefsKeysItsRulesNameAndNoOther() {
        ConfigInterest interest = whole.configInterest();

        assertThat(interest.reads(entry("login.defs", "PASS_MAX_DAYS", "99999"))).isTrue();
        assertThat(interest.reads(entry("login.defs", "UMASK", "022"))).isTrue();
        assertThat(interest.reads(entry("login.defs", "MAIL_DIR", "/var/mail"))).isFalse();
        // key case matters to shadow, and the rules compare with ==: pass_max_days is read by no rule
        assertThat(interest.reads(entry("login.defs", "pass_max_days", "90"))).isFalse();
    }

    @Test
    void aPatternThatReadsTheKeyOtherThanByLiteralsReadsEveryKeyOfItsSource() {
        // audit_rules: recordsWrites(key, value, $path); pam: $first : ConfigEntry( source == "pam.d", $asset : asset, ...)
        ConfigInterest interest = whole.configInterest();

        assertThat(interest.reads(entry("audit.rules", "any-key-at-all", "x"))).isTrue();
        assertThat(interest.reads(entry("pam.d", "any-key-at-all", "x"))).isTrue();
    }

    @Test
    void literalsAreReadFromEqualityInAndBothConnectivesOnly() {
        assertThat(EventInterest.literalsOf("key in (\"a\", \"b\")", "key")).containsExactlyInAnyOrder("a", "b");
        assertThat(EventInterest.literalsOf("(key == \"action\" && stores(value)) || key == \"forward\"", "key"))
                .containsExactlyInAnyOrder("action", "forward");
        assertThat(EventInterest.literalsOf("key matches \"[dulo]credit\"", "key")).containsExactly(EventInterest.ALL_KINDS);
        assertThat(EventInterest.literalsOf("source == $source", "source")).containsExactly(EventInterest.ALL_KINDS);
        assertThat(EventInterest.literalsOf("key != \"x\"", "key")).containsExactly(EventInterest.ALL_KINDS);
    }

    @Test
    void anEntryNoRuleReadsStaysOutOfWorkingMemoryButIsCarriedOverToALibraryThatReadsIt() {
        EvidenceKey key = new EvidenceKey("login.defs", "web1", "test");
        List<Object> facts = List.of(new ConfigFile("web1", "login.defs", "/etc/login.defs", NOW),
                entry("login.defs", "PASS_MAX_DAYS", "99999"));
        try (EvaluationSession before = sshdOnly.newSession(EvaluationSession.Clock.REALTIME)) {
            before.replace(key, facts);
            assertThat(before.fire().findings()).isEmpty();
            assertThat(before.factsOfType(ConfigEntry.class)).isEmpty();

            // what a swap does: the next session starts from all current evidence
            try (EvaluationSession after = withMaxAge.newSession(EvaluationSession.Clock.REALTIME)) {
                before.evidence().forEach(after::carryOver);
                assertThat(after.factsOfType(ConfigEntry.class)).extracting(ConfigEntry::getKey).containsExactly("PASS_MAX_DAYS");
                assertThat(after.fire().findings()).extracting(Finding::getRuleId)
                        .containsExactly("login_defs_password_max_age_limited");
            }
        }
    }

    @Test
    void aReReadDropsTheEntriesNoRuleReadFromThePreviousRead() {
        EvidenceKey key = new EvidenceKey("login.defs", "web1", "test");
        try (EvaluationSession session = sshdOnly.newSession(EvaluationSession.Clock.REALTIME)) {
            session.replace(key, List.of(entry("login.defs", "PASS_MAX_DAYS", "99999")));
            session.replace(key, List.of(entry("login.defs", "PASS_MAX_DAYS", "90")));

            assertThat(session.evidence().get(key)).extracting(f -> ((ConfigEntry) f).getValue()).containsExactly("90");
            session.withdraw(key);
            assertThat(session.evidence()).doesNotContainKey(key);
        }
    }

    private static ConfigEntry entry(String source, String key, String value) {
        return new ConfigEntry("web1", source, "/etc/" + source, 1, key, value, "", NOW);
    }
}
