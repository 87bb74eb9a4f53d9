package io.annexa.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.annexa.control.ControlCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build checks for mistakes that compile but make a rule silently wrong: each test writes a small rule that makes
 * one of them, and reads what the analyst is told and where (file, line and column).
 *
 * <p>Every DRL written here starts with the same eight lines ({@link #HEADER}): the first {@code rule} is on line 9,
 * its {@code when} on line 10, its first condition on line 11.
 */
class RuleLintTest {

    private static final ControlCatalog CATALOG = ControlCatalog.load();
    private static final String AUTH = "technological/c8_05_secure_authentication";
    private static final String MONITORING = "technological/c8_16_monitoring_activities";

    /** Lines 2 to 8 of every DRL here; line 1 is its package. */
    private static final String HEADER = """

            import io.annexa.evidence.ConfigEntry;
            import io.annexa.evidence.LogEvent;
            import io.annexa.evidence.RuleParameter;
            import io.annexa.evaluation.Finding;

            global io.annexa.evaluation.FindingFactory findings;
            """;

    @TempDir
    Path rules;

    @Nested
    class RuleParameters {

        @Test
        void aMisspeltRuleIdIsAnErrorAtItsLiteralWithTheRuleItProbablyMeant() throws Exception {
            maxAuthTries();
            rule(AUTH, "sshd_max_sessions_limited", "", """
                    rule "sshd_max_sessions_limited: too many sessions"
                    when
                        RuleParameter( rule == "sshd_max_auth_trie_limited", name == "max_auth_tries", $max : intValue )
                        $e : ConfigEntry( source == "sshd_config", key == "MaxSessions", value matches "[0-9]{1,9}" && Integer.parseInt(value) > $max )
                    then
                        insertLogical(findings.of(drools, $e.getAsset(), "too many: " + $e.describe()));
                    end
                    """);

            assertThat(errors()).singleElement().satisfies(p -> {
                assertThat(p.file()).isEqualTo("rules/" + AUTH + "/sshd_max_sessions_limited/sshd_max_sessions_limited.drl");
                assertThat(p.line()).isEqualTo(11);
                assertThat(p.column()).isEqualTo(28);
                assertThat(p.message()).isEqualTo("RuleParameter names rule \"sshd_max_auth_trie_limited\", which is not a rule"
                        + " of the library, so this condition never matches; did you mean \"sshd_max_auth_tries_limited\"?");
            });
        }

        @Test
        void aParameterTheRuleDoesNotDeclareIsAnErrorWhateverTheOrderAndJoin() throws Exception {
            maxAuthTries();
            rule(AUTH, "sshd_max_sessions_limited", "", """
                    rule "sshd_max_sessions_limited: too many sessions"
                    when
                        RuleParameter( name == "max_auth_tires" && rule == "sshd_max_auth_tries_limited", $max : intValue )
                        $e : ConfigEntry( source == "sshd_config", key == "MaxSessions", value matches "[0-9]{1,9}" && Integer.parseInt(value) > $max )
                    then
                        insertLogical(findings.of(drools, $e.getAsset(), "too many: " + $e.describe()));
                    end
                    """);

            assertThat(errors()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(11);
                assertThat(p.column()).isEqualTo(28);
                assertThat(p.message()).isEqualTo("rule sshd_max_auth_tries_limited declares no parameter \"max_auth_tires\","
                        + " so this condition never matches; its rule.yml declares: max_auth_tries;"
                        + " did you mean \"max_auth_tries\"?");
            });
        }

        @Test
        void aRuleReadingAnotherRulesDeclaredParameterLoads() throws Exception {
            maxAuthTries();
            rule(AUTH, "sshd_max_sessions_limited", "", """
                    rule "sshd_max_sessions_limited: too many sessions"
                    when
                        RuleParameter( rule == "sshd_max_auth_tries_limited", name == "max_auth_tries", $max : intValue )
                        $e : ConfigEntry( source == "sshd_config", key == "MaxSessions", value matches "[0-9]{1,9}" && Integer.parseInt(value) > $max )
                    then
                        insertLogical(findings.of(drools, $e.getAsset(), "too many: " + $e.describe()));
                    end
                    """);

            assertThat(load().warnings()).isEmpty();
        }
    }

    @Nested
    class StateFindings {

        @Test
        void aStateFindingRaisedWithPlainInsertIsAnErrorAtTheInsert() throws Exception {
            rule(AUTH, "sshd_root_login_disabled", "", """
                    rule "sshd_root_login_disabled: root may log in"
                    when
                        $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value != "no" )
                    then
                        // insert(findings.of(drools, "commented out", "is no mistake"));
                        insert(findings.of(drools, $e.getAsset(), "root may log in: " + $e.describe()));
                    end
                    """);

            assertThat(errors()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(14);
                assertThat(p.column()).isEqualTo(5);
                assertThat(p.message()).isEqualTo("findings.of(...) is a state finding: raise it with insertLogical, so it"
                        + " goes when its evidence goes; plain insert is for findings.incident(...)");
            });
        }

        @Test
        void aStateFindingInsertedThroughAVariableIsFoundToo() throws Exception {
            rule(AUTH, "sshd_root_login_disabled", "", """
                    rule "sshd_root_login_disabled: root may log in"
                    when
                        $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", value != "no" )
                    then
                        Finding finding = findings.of(drools, $e.getAsset(), "root may log in: " + $e.describe());
                        insert( finding );
                    end
                    """);

            assertThat(errors()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(14);
                assertThat(p.message()).startsWith("findings.of(...) is a state finding");
            });
        }
    }

    @Nested
    class EventVocabulary {

        @Test
        void anUnknownKindIsAnErrorListingTheKindsClosestFirst() throws Exception {
            rule(MONITORING, "ssh_login_seen", "", """
                    rule "ssh_login_seen: a login"
                    when
                        $e : LogEvent( kind == "auth_sucess" || kind == "auth_failure" )
                    then
                        insert(findings.incident(drools, $e.getAsset(), "login"));
                    end
                    """);

            assertThat(errors()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(11);
                assertThat(p.column()).isEqualTo(28);
                assertThat(p.message()).startsWith("\"auth_sucess\" is not a LogEvent kind, so no event ever matches it;"
                        + " the kinds, closest first: auth_success, auth_failure, ").endsWith("(rules/README.md, \"Event vocabulary\")");
            });
        }

        @Test
        void anAttributeItsKindNeverCarriesIsAnErrorInThePatternAndOnTheBoundEvent() throws Exception {
            rule(MONITORING, "ssh_login_seen", "", """
                    rule "ssh_login_seen: a root login"
                    when
                        $e : LogEvent( kind == "auth_success", attribute("usr") == "root" )
                    then
                        insert(findings.incident(drools, $e.getAsset(), "root through " + $e.attribute("sevice")
                                + " as " + $e.attribute("user")));
                    end
                    """);

            assertThat(errors()).satisfiesExactly(
                    p -> {
                        assertThat(p.line()).isEqualTo(11);
                        assertThat(p.column()).isEqualTo(54);
                        assertThat(p.message()).startsWith("auth_success events never carry attribute \"usr\", so it reads \"\""
                                + " on every one; did you mean \"user\"?; they carry: service, user, source_ip, ");
                    },
                    p -> {
                        assertThat(p.line()).isEqualTo(13);
                        assertThat(p.column()).isEqualTo(84);
                        assertThat(p.message()).startsWith("auth_success events never carry attribute \"sevice\"")
                                .contains("did you mean \"service\"?");
                    });
        }

        @Test
        void aPatternOfEveryKindMayNameAnAttributeSomeKindCarriesButNoOther() throws Exception {
            rule(MONITORING, "ssh_login_seen", "", """
                    rule "ssh_login_seen: anything by root"
                    when
                        $e : LogEvent( attribute("user") == "root" || attribute("usernme") == "root" )
                    then
                        insert(findings.incident(drools, $e.getAsset(), "root did something"));
                    end
                    """);

            assertThat(errors()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(11);
                assertThat(p.message()).startsWith("no LogEvent kind carries attribute \"usernme\"");
            });
        }

        @Test
        void countEventsByAndDistinctAreCheckedAtTheirRuleYmlLines() throws Exception {
            rule(MONITORING, "scan", """
                    parameters:
                      threshold: { type: integer, default: 3, description: events that make a burst }
                      window: { type: duration, default: 5m, description: the window }
                    count:
                      events: [invalid_user, auth_failures]
                      where: 'attribute("reportd_by") == "sshd"'
                      by: remote
                      distinct: usr
                      threshold: threshold
                      window: window
                    """, """
                    rule "scan: report"
                    when
                        $b : io.annexa.evaluation.Burst( rule == "scan" )
                    then
                        insert(findings.incident(drools, $b));
                    end
                    """);

            String yml = "rules/" + MONITORING + "/scan/rule.yml";
            assertThat(errors()).extracting(Problem::toString).satisfiesExactly(
                    p -> assertThat(p).startsWith(yml + ":13:26: error: count.events: \"auth_failures\" is not a LogEvent"
                            + " kind, so no event ever matches it; the kinds, closest first: auth_failure, "),
                    p -> assertThat(p).startsWith(yml + ":14:10: error: count.where: invalid_user events never carry"
                            + " attribute \"reportd_by\""),
                    p -> assertThat(p).startsWith(yml + ":16:13: error: count.distinct: invalid_user events never carry"
                            + " attribute \"usr\", so it reads \"\" on every one; did you mean \"user\"?")
                            .endsWith("(or count by one of the fields: remote, program)"));
        }
    }

    @Nested
    class LikelyDuplicates {

        private static final String EMPTY_PASSWORDS = """
                rule "%s: empty passwords"
                when
                    $e : ConfigEntry( source == "sshd_config", key == "PermitEmptyPasswords", value == "yes" )
                then
                    insertLogical(findings.of(drools, $e.getAsset(), "empty passwords: " + $e.describe()));
                end
                """;

        @Test
        void twoRulesReadingTheSameKeyForTheSameControlAreAWarningNamingBoth() throws Exception {
            rule(AUTH, "sshd_empty_passwords_disabled", "", EMPTY_PASSWORDS.formatted("sshd_empty_passwords_disabled"));
            rule(AUTH, "sshd_no_empty_passwords", "", EMPTY_PASSWORDS.formatted("sshd_no_empty_passwords"));

            assertThat(load().warnings()).singleElement().satisfies(p -> {
                assertThat(p.level()).isEqualTo(Problem.Level.WARNING);
                assertThat(p.file()).isEqualTo("rules/" + AUTH + "/sshd_no_empty_passwords/sshd_no_empty_passwords.drl");
                assertThat(p.line()).isEqualTo(11);
                assertThat(p.column()).isEqualTo(5);
                assertThat(p.message()).isEqualTo("likely duplicate of rule sshd_empty_passwords_disabled (rules/" + AUTH
                        + "/sshd_empty_passwords_disabled/sshd_empty_passwords_disabled.drl): both read"
                        + " sshd_config:PermitEmptyPasswords for control 8.5, so one misconfiguration would open two"
                        + " nonconformities. Extend that rule instead; or, if both are needed, say why in this rule.yml"
                        + " with 'overlaps: sshd_empty_passwords_disabled'");
            });
        }

        @Test
        void overlapsSaysTheOverlapIsMeant() throws Exception {
            rule(AUTH, "sshd_empty_passwords_disabled", "", EMPTY_PASSWORDS.formatted("sshd_empty_passwords_disabled"));
            rule(AUTH, "sshd_no_empty_passwords", """
                    # checks the same setting on purpose, for the test
                    overlaps: sshd_empty_passwords_disabled
                    """, EMPTY_PASSWORDS.formatted("sshd_no_empty_passwords"));

            assertThat(load().warnings()).isEmpty();
        }

        @Test
        void theSameKeyForAnotherControlIsNoDuplicate() throws Exception {
            rule(AUTH, "sshd_empty_passwords_disabled", "", EMPTY_PASSWORDS.formatted("sshd_empty_passwords_disabled"));
            rule("technological/c8_02_privileged_access_rights", "sshd_no_empty_passwords", "",
                    EMPTY_PASSWORDS.formatted("sshd_no_empty_passwords"), "8.2");

            assertThat(load().warnings()).isEmpty();
        }

        @Test
        void overlapsMustNameARuleOfTheLibrary() throws Exception {
            rule(AUTH, "sshd_empty_passwords_disabled", "", EMPTY_PASSWORDS.formatted("sshd_empty_passwords_disabled"));
            rule(AUTH, "sshd_no_empty_passwords", """
                    overlaps: [sshd_empty_password_disabled]
                    """, EMPTY_PASSWORDS.formatted("sshd_no_empty_passwords"));

            assertThat(errors()).extracting(Problem::toString).containsExactly("rules/" + AUTH + "/sshd_no_empty_passwords/"
                    + "rule.yml:9:12: error: overlaps names \"sshd_empty_password_disabled\", which is not a rule of the"
                    + " library; did you mean \"sshd_empty_passwords_disabled\"?");
        }
    }

    @Nested
    class Evals {

        @Test
        void anEvalReadingBoundVariablesIsAWarningAsDroolsOnlyLogsIt() throws Exception {
            rule(AUTH, "sshd_root_login_disabled", "", """
                    rule "sshd_root_login_disabled: root may log in"
                    when
                        $e : ConfigEntry( source == "sshd_config", key == "PermitRootLogin", $v : value )
                        eval( !$v.equals("no") )
                    then
                        insertLogical(findings.of(drools, $e.getAsset(), "root may log in: " + $e.describe()));
                    end
                    """);

            assertThat(load().warnings()).singleElement().satisfies(p -> {
                assertThat(p.line()).isEqualTo(12);
                assertThat(p.column()).isEqualTo(5);
                assertThat(p.message()).startsWith("eval(...) reads $v from the patterns above it");
            });
        }
    }

    private void maxAuthTries() throws IOException {
        rule(AUTH, "sshd_max_auth_tries_limited", """
                parameters:
                  max_auth_tries: { type: integer, default: 4, description: Highest MaxAuthTries accepted }
                """, """
                rule "sshd_max_auth_tries_limited: too many tries"
                when
                    RuleParameter( rule == "sshd_max_auth_tries_limited", name == "max_auth_tries", $max : intValue )
                    $e : ConfigEntry( source == "sshd_config", key == "MaxAuthTries", value matches "[0-9]{1,9}" && Integer.parseInt(value) > $max )
                then
                    insertLogical(findings.of(drools, $e.getAsset(), "too many tries: " + $e.describe()));
                end
                """);
    }

    private List<Problem> errors() {
        RuleLibraryException thrown = catchThrowableOfType(RuleLibraryException.class, this::load);
        assertThat(thrown).as("the library must not load").isNotNull();
        return thrown.getProblems().stream().filter(Problem::isError).toList();
    }

    private RuleLibrary load() throws RuleLibraryException {
        return RuleLibrary.load(rules, CATALOG);
    }

    private void rule(String theme, String id, String metadata, String drl) throws IOException {
        rule(theme, id, metadata, drl, theme.equals(AUTH) ? "8.5" : "8.16");
    }

    /** rule.yml's own fields take lines 1 to 8; {@code metadata} starts on line 9. */
    private void rule(String theme, String id, String metadata, String drl, String control) throws IOException {
        Path folder = Files.createDirectories(rules.resolve(theme).resolve(id));
        Files.writeString(folder.resolve("rule.yml"), """
                id: %s
                title: A rule for the build checks
                controls:
                  iso27002:2022: ["%s"]
                severity: low
                sources: [sshd_config, log]
                rationale: For the test.
                remediation: None.
                %s""".formatted(id, control, metadata));
        Files.writeString(folder.resolve(id + ".drl"), "package " + theme.replace('/', '.') + "." + id + ";\n" + HEADER + drl);
    }
}
