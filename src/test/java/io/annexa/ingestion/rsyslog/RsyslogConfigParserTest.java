package io.annexa.ingestion.rsyslog;

import io.annexa.evidence.SyslogSelector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RsyslogConfigParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");

    @TempDir
    Path root;

    // ---------------------------------------------------------------- real Debian default

    @Test
    void debianDefaultYieldsModulesDirectivesAndActionsScopedByTheirSelectors() throws Exception {
        Path file = corpus();

        ConfigSnapshot snapshot = RsyslogConfigParser.withoutIncludes().parse(file, "web1", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1", "rsyslog.conf", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(11, "module", "load=\"imuxsock\"", ""),
                tuple(12, "module", "load=\"imklog\"", ""),
                tuple(31, "$FileOwner", "root", ""),
                tuple(32, "$FileGroup", "adm", ""),
                tuple(33, "$FileCreateMode", "0640", ""),
                tuple(34, "$DirCreateMode", "0755", ""),
                tuple(35, "$Umask", "0022", ""),
                tuple(40, "$WorkDirectory", "/var/spool/rsyslog", ""),
                tuple(45, "$IncludeConfig", "/etc/rsyslog.d/*.conf", ""),
                tuple(55, "action", "-/var/log/syslog", "*.*;auth,authpriv.none"),
                tuple(60, "action", "/var/log/auth.log", "auth,authpriv.*"),
                tuple(61, "action", "-/var/log/cron.log", "cron.*"),
                tuple(62, "action", "-/var/log/kern.log", "kern.*"),
                tuple(63, "action", "-/var/log/mail.log", "mail.*"),
                tuple(64, "action", "-/var/log/user.log", "user.*"),
                tuple(69, "action", ":omusrmsg:*", "*.emerg"));
        assertThat(snapshot.entries()).extracting(ConfigEntry::getKey).doesNotContain("forward");
    }

    @Test
    void debianDefaultSendsAuthMessagesToAuthLogOnlyAndEmergenciesToEveryone() throws Exception {
        List<ConfigEntry> actions = RsyslogConfigParser.withoutIncludes().parse(corpus(), "web1", OBSERVED).entries().stream()
                .filter(e -> e.getKey().equals("action")).toList();

        assertThat(actions).filteredOn(e -> SyslogSelector.selects(e.getScope(), "auth", "info"))
                .extracting(ConfigEntry::getValue).containsExactly("/var/log/auth.log");
        assertThat(actions).filteredOn(e -> SyslogSelector.selectsAny(e.getScope(), "authpriv"))
                .extracting(ConfigEntry::getValue).containsExactly("/var/log/auth.log", ":omusrmsg:*");
        assertThat(actions).filteredOn(e -> SyslogSelector.selects(e.getScope(), "daemon", "debug"))
                .extracting(ConfigEntry::getValue).containsExactly("-/var/log/syslog");
    }

    @Test
    void debianDefaultFollowsIncludeConfigWhereItStands() throws Exception {
        Path main = root.resolve("etc/rsyslog.conf");
        Files.createDirectories(main.getParent());
        Files.copy(corpus(), main);
        Path remote = write("etc/rsyslog.d/50-remote.conf", "*.* @@logs.example.org:6514\n");
        write("etc/rsyslog.d/README", "not a .conf file\n");

        List<ConfigEntry> entries = new RsyslogConfigParser(root).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey, ConfigEntry::getValue)
                .containsSubsequence(
                        tuple(main.toString(), 45, "$IncludeConfig", "/etc/rsyslog.d/*.conf"),
                        tuple(remote.toString(), 1, "action", "@@logs.example.org:6514"),
                        tuple(remote.toString(), 1, "forward", "tcp logs.example.org:6514"),
                        tuple(main.toString(), 55, "action", "-/var/log/syslog"))
                .hasSize(18);
    }

    // ---------------------------------------------------------------- forwarding

    @Test
    void everyWayOfForwardingGivesAForwardEntry() throws Exception {
        assertThat(parse("""
                *.* @logs.example.org
                auth.* @@(o,z9)[2001:db8::1]:10514;RSYSLOG_SyslogProtocol23Format
                *.info :omrelp:relp.example.org:2514
                *.* action(type="omfwd"
                           target="10.0.0.1" # the collector
                           port="514"
                           protocol="tcp")
                action(type="omfwd" Target="10.0.0.2")
                module(load="omrelp")
                action(type="omrelp" target="relp2.example.org" port="2514")
                action(type="omfile" file="/var/log/all.log")
                """)).filteredOn(e -> e.getKey().equals("forward"))
                .extracting(ConfigEntry::getLine, ConfigEntry::getValue, ConfigEntry::getScope).containsExactly(
                        tuple(1, "udp logs.example.org:514", "*.*"),
                        tuple(2, "tcp [2001:db8::1]:10514", "auth.*"),
                        tuple(3, "relp relp.example.org:2514", "*.info"),
                        tuple(4, "tcp 10.0.0.1:514", "*.*"),
                        tuple(8, "udp 10.0.0.2:514", ""),
                        tuple(10, "relp relp2.example.org:2514", ""));
    }

    @Test
    void aMultiLineActionIsOneEntryAtItsFirstLineWithItsParametersAsWritten() throws Exception {
        assertThat(rows(parse("""
                action(
                  type="omfwd"   target="10.0.0.1"
                  /* TLS */ StreamDriverMode="1"
                  queue.filename=["a", "b"]
                )
                """))).containsExactly(
                tuple(1, "action", "type=\"omfwd\" target=\"10.0.0.1\" StreamDriverMode=\"1\" queue.filename=[\"a\",\"b\"]", ""),
                tuple(1, "forward", "udp 10.0.0.1:514", ""));
    }

    // ---------------------------------------------------------------- RainerScript and legacy constructs

    @Test
    void conditionsRulesetsAndContinuationsScopeTheirActions() throws Exception {
        assertThat(rows(parse("""
                if $programname == 'sshd' then /var/log/sshd.log
                if $syslogfacility-text == "auth" then {
                    action(type="omfile" file="/var/log/secure")
                    stop
                } else {
                    call other
                }
                :msg, contains, "error"    /var/log/errors.log
                & stop
                ruleset(name="remote") {
                    *.* /var/log/remote.log
                }
                mail.*;mail.!=debug  -/var/log/mail.info
                & ~
                """))).containsExactly(
                tuple(1, "action", "/var/log/sshd.log", "if $programname == 'sshd'"),
                tuple(3, "action", "type=\"omfile\" file=\"/var/log/secure\"", "if $syslogfacility-text == \"auth\""),
                tuple(4, "action", "stop", "if $syslogfacility-text == \"auth\""),
                tuple(6, "call", "other", "if not ($syslogfacility-text == \"auth\")"),
                tuple(8, "action", "/var/log/errors.log", ":msg, contains, \"error\""),
                tuple(9, "action", "stop", ":msg, contains, \"error\""),
                tuple(10, "ruleset", "name=\"remote\"", ""),
                tuple(11, "action", "/var/log/remote.log", "ruleset remote / *.*"),
                tuple(13, "action", "-/var/log/mail.info", "mail.*;mail.!=debug"),
                tuple(14, "action", "~", "mail.*;mail.!=debug"));
    }

    @Test
    void legacyRuleSetScopesTheTopLevelRulesThatFollowUntilTheDefaultComesBack() throws Exception {
        assertThat(rows(parse("""
                $RuleSet remote
                *.* /var/log/remote.log
                $ruleset RSYSLOG_DefaultRuleset
                *.* /var/log/local.log
                """))).containsExactly(
                tuple(1, "$RuleSet", "remote", ""),
                tuple(2, "action", "/var/log/remote.log", "ruleset remote / *.*"),
                tuple(3, "$RuleSet", "RSYSLOG_DefaultRuleset", "ruleset remote"),
                tuple(4, "action", "/var/log/local.log", "*.*"));
    }

    @Test
    void legacyDirectivesTakeTheirCanonicalSpellingAndLoseTrailingComments() throws Exception {
        assertThat(rows(parse("""
                $modload imuxsock # local logging
                $FILECREATEMODE 0600
                $SomethingNew   on
                """))).containsExactly(
                tuple(1, "$ModLoad", "imuxsock", ""),
                tuple(2, "$FileCreateMode", "0600", ""),
                tuple(3, "$SomethingNew", "on", ""));
    }

    @Test
    void whatIsNotUnderstoodIsKeptAsAStatement() throws Exception {
        assertThat(rows(parse("""
                set $!level = "high";
                !sshd
                *.* /var/log/sshd.log
                template(name="Plain" type="list") {
                    property(name="msg") constant(value="\\n")
                }
                global(workDirectory="/var/lib/rsyslog")
                """))).containsExactly(
                tuple(1, "statement", "set $!level = \"high\"", ""),
                tuple(2, "statement", "!sshd", ""),
                tuple(3, "action", "/var/log/sshd.log", "*.*"),
                tuple(4, "template", "name=\"Plain\" type=\"list\" { property(name=\"msg\") constant(value=\"\\n\") }", ""),
                tuple(7, "global", "workDirectory=\"/var/lib/rsyslog\"", ""));
    }

    @Test
    void includeObjectsAreFollowedAndADirectoryIncludesAllItsFiles() throws Exception {
        Path main = write("etc/rsyslog.conf", """
                include(file="/etc/rsyslog.d/" mode="optional")
                include(file="/etc/rsyslog.extra/*.conf")
                """);
        Path a = write("etc/rsyslog.d/a", "kern.* /var/log/kern.log\n");
        Path b = write("etc/rsyslog.extra/b.conf", "auth.* /var/log/auth.log\n");

        assertThat(new RsyslogConfigParser(root).parse(main, "web1", OBSERVED).entries())
                .extracting(ConfigEntry::getFile, ConfigEntry::getKey, ConfigEntry::getValue).containsExactly(
                        tuple(main.toString(), "include", "file=\"/etc/rsyslog.d/\" mode=\"optional\""),
                        tuple(a.toString(), "action", "/var/log/kern.log"),
                        tuple(main.toString(), "include", "file=\"/etc/rsyslog.extra/*.conf\""),
                        tuple(b.toString(), "action", "/var/log/auth.log"));
    }

    @Test
    void withoutIncludesNothingIsRead() throws Exception {
        Path main = write("etc/rsyslog.conf", "$IncludeConfig /etc/rsyslog.d/*.conf\n");
        write("etc/rsyslog.d/a.conf", "kern.* /var/log/kern.log\n");

        assertThat(rows(RsyslogConfigParser.withoutIncludes().parse(main, "web1", OBSERVED).entries()))
                .containsExactly(tuple(1, "$IncludeConfig", "/etc/rsyslog.d/*.conf", ""));
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            an object never closed         | module(load="imuxsock")\\naction(type="omfile"\\n            | 2 | 'action(' is never closed
            a block never closed           | if $msg contains 'x' then {\\n  stop\\n                      | 1 | '{' is never closed
            a stray closing brace          | *.* /var/log/x\\n}\\n                                        | 2 | '}' without a '{'
            an unterminated string         | action(type="omfile\\n                                     | 1 | unterminated string
            an unquoted parameter          | action(type="omfwd" port=514)\\n                           | 1 | 'port=' needs a quoted value
            a parameter without value      | module(load)\\n                                             | 1 | '=' expected after 'load'
            if without then                | if $msg contains 'x'\\n  /var/log/x\\n                      | 1 | 'if' without 'then'
            else without if                | else stop\\n                                               | 1 | 'else' without an 'if'
            an unknown facility            | # mail\\nmial.* /var/log/mail.log\\n                         | 2 | unknown facility 'mial'
            an unknown priority            | mail.inof /var/log/mail.log\\n                             | 1 | unknown priority 'inof'
            a dangling ampersand           | & stop\\n                                                  | 1 | '&' without an action before it
            an unclosed comment            | /* begin\\n*.* /var/log/x\\n                                | 1 | comment '/*' never closed
            a selector without action      | *.*\\n                                                     | 1 | an action is missing
            """)
    void malformedInputIsRejectedWithItsLine(String title, String content, int line, String reason) throws Exception {
        Path file = write("rsyslog.conf", content.replace("\\n", "\n"));

        assertInvalid(() -> RsyslogConfigParser.withoutIncludes().parse(file, "web1", OBSERVED), file, line, reason);
    }

    @Test
    void aMissingIncludeThatMustExistIsRejected() throws Exception {
        Path main = write("etc/rsyslog.conf", "*.* /var/log/x\ninclude(file=\"/etc/none/*.conf\" mode=\"abort-if-missing\")\n");

        assertInvalid(() -> new RsyslogConfigParser(root).parse(main, "web1", OBSERVED), main, 2, "matches no file");
    }

    @Test
    void anIncludeLoopIsRejected() throws Exception {
        Path main = write("etc/rsyslog.conf", "$IncludeConfig /etc/rsyslog.conf\n");

        assertInvalid(() -> new RsyslogConfigParser(root).parse(main, "web1", OBSERVED), main, 1, "16 levels deep");
    }

    /** Found by fuzzing: a non-ASCII letter in a condition threw NullPointerException. */
    @Test
    void aNonAsciiLetterInAConditionIsPartOfTheExpression() throws Exception {
        assertThat(rows(parse("if $msg contains \u0130 then stop\n"))).containsExactly(
                tuple(1, "action", "stop", "if $msg contains \u0130"));
    }

    /** The fuzz counterexample itself: the 'if' never reaches 'then', which rsyslog refuses too. */
    @Test
    void aConditionCutShortByANonAsciiLetterIsRefusedAtItsLine() throws Exception {
        Path file = write("rsyslog.conf", "*.*;auth,authpriv.none -/var/lo#g/syslog\n"
                + "if $syslogfacility-\n"
                + "    action(type=\"omfwd\" target=\"logs.example.org\" port=\"6514\" protocol=\"tcp\")\n"
                + "    stop\n"
                + "}-2\u0130+147483649\n"
                + "module(load=\"imuxsock\")\n");

        assertInvalid(() -> RsyslogConfigParser.withoutIncludes().parse(file, "web1", OBSERVED), file, 2, "'if' without 'then'");
    }

    // ---------------------------------------------------------------- helpers

    private Path corpus() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/rsyslog.conf")).toURI());
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return RsyslogConfigParser.withoutIncludes().parse(write("rsyslog.conf", content), "web1", OBSERVED).entries();
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue(), e.getScope())).toList();
    }

    private static void assertInvalid(ThrowingCallable parse, Path file, int line, String reason) {
        assertThatThrownBy(parse).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getLine()).isEqualTo(line);
            assertThat(e.getReason()).contains(reason);
            assertThat(e.getMessage()).startsWith(file + ":" + line + ": ");
        });
    }
}
