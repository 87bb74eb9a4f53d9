package io.annexa.ingestion.pam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.annexa.evidence.ConfigEntry;
import io.annexa.evidence.ConfigFile;
import io.annexa.ingestion.ConfigParsers;
import io.annexa.ingestion.ConfigSnapshot;
import io.annexa.evidence.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PamConfigParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");
    private static final String SELINUX = "[success=ok ignore=ignore module_unknown=ignore default=bad]";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- real Debian defaults

    @Test
    void debianBookwormSshdYieldsEveryRuleAndIncludeInOrder() throws Exception {
        Path file = copyOfCorpus("pam.d-sshd", "web1__sshd");

        ConfigSnapshot snapshot = new PamConfigParser().parse(file, "web1", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1", "pam.d", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(4, "@include", "common-auth"),
                tuple(7, "account", "required pam_nologin.so"),
                tuple(7, "module:account", "pam_nologin.so"),
                tuple(14, "@include", "common-account"),
                tuple(19, "session", SELINUX + " pam_selinux.so close"),
                tuple(19, "module:session", "pam_selinux.so close"),
                tuple(22, "session", "required pam_loginuid.so"),
                tuple(22, "module:session", "pam_loginuid.so"),
                tuple(25, "session", "optional pam_keyinit.so force revoke"),
                tuple(25, "module:session", "pam_keyinit.so force revoke"),
                tuple(28, "@include", "common-session"),
                tuple(33, "session", "optional pam_motd.so motd=/run/motd.dynamic"),
                tuple(33, "module:session", "pam_motd.so motd=/run/motd.dynamic"),
                tuple(34, "session", "optional pam_motd.so noupdate"),
                tuple(34, "module:session", "pam_motd.so noupdate"),
                // "# [1]" after the arguments is a comment, not an argument.
                tuple(37, "session", "optional pam_mail.so standard noenv"),
                tuple(37, "module:session", "pam_mail.so standard noenv"),
                tuple(40, "session", "required pam_limits.so"),
                tuple(40, "module:session", "pam_limits.so"),
                tuple(44, "session", "required pam_env.so"),
                tuple(44, "module:session", "pam_env.so"),
                tuple(47, "session", "required pam_env.so user_readenv=1 envfile=/etc/default/locale"),
                tuple(47, "module:session", "pam_env.so user_readenv=1 envfile=/etc/default/locale"),
                tuple(52, "session", SELINUX + " pam_selinux.so open"),
                tuple(52, "module:session", "pam_selinux.so open"),
                tuple(55, "@include", "common-password"));
        assertThat(snapshot.entries()).allSatisfy(e -> {
            assertThat(e.getAsset()).isEqualTo("web1");
            assertThat(e.getSource()).isEqualTo("pam.d");
            assertThat(e.getFile()).isEqualTo(file.toString());
            assertThat(e.getScope()).isEqualTo("sshd");
            assertThat(e.getObservedAt()).isEqualTo(OBSERVED);
        });
    }

    @Test
    void debianBookwormLoginYieldsEveryRuleAndIncludeInOrder() throws Exception {
        Path file = copyOfCorpus("pam.d-login", "login");

        List<ConfigEntry> entries = new PamConfigParser().parse(file, "web1", OBSERVED).entries();

        assertThat(rows(entries)).containsExactly(
                tuple(9, "auth", "optional pam_faildelay.so delay=3000000"),
                tuple(9, "module:auth", "pam_faildelay.so delay=3000000"),
                tuple(17, "auth", "requisite pam_nologin.so"),
                tuple(17, "module:auth", "pam_nologin.so"),
                tuple(24, "session", SELINUX + " pam_selinux.so close"),
                tuple(24, "module:session", "pam_selinux.so close"),
                tuple(27, "session", "required pam_loginuid.so"),
                tuple(27, "module:session", "pam_loginuid.so"),
                tuple(33, "session", "optional pam_motd.so motd=/run/motd.dynamic"),
                tuple(33, "module:session", "pam_motd.so motd=/run/motd.dynamic"),
                tuple(34, "session", "optional pam_motd.so noupdate"),
                tuple(34, "module:session", "pam_motd.so noupdate"),
                tuple(42, "session", SELINUX + " pam_selinux.so open"),
                tuple(42, "module:session", "pam_selinux.so open"),
                tuple(51, "session", "required pam_env.so readenv=1"),
                tuple(51, "module:session", "pam_env.so readenv=1"),
                tuple(54, "session", "required pam_env.so readenv=1 envfile=/etc/default/locale"),
                tuple(54, "module:session", "pam_env.so readenv=1 envfile=/etc/default/locale"),
                tuple(57, "@include", "common-auth"),
                tuple(63, "auth", "optional pam_group.so"),
                tuple(63, "module:auth", "pam_group.so"),
                tuple(78, "session", "required pam_limits.so"),
                tuple(78, "module:session", "pam_limits.so"),
                tuple(82, "session", "optional pam_lastlog.so"),
                tuple(82, "module:session", "pam_lastlog.so"),
                tuple(92, "session", "optional pam_mail.so standard"),
                tuple(92, "module:session", "pam_mail.so standard"),
                tuple(95, "session", "optional pam_keyinit.so force revoke"),
                tuple(95, "module:session", "pam_keyinit.so force revoke"),
                tuple(98, "@include", "common-account"),
                tuple(99, "@include", "common-session"),
                tuple(100, "@include", "common-password"));
        // This machine's /etc/pam.d/login: the file name is the service.
        assertThat(entries).extracting(ConfigEntry::getScope).containsOnly("login");
    }

    @Test
    void isRegisteredUnderItsSourceName() {
        assertThat(new PamConfigParser().source()).isEqualTo("pam.d");
        assertThat(ConfigParsers.forSource("pam.d")).get().isInstanceOf(PamConfigParser.class);
    }

    // ---------------------------------------------------------------- which service

    @Test
    void theServiceCommentWinsOverTheFileName() throws Exception {
        Path file = write("web1__sshd", "# copied from web1\n# annexa-pam-service: common-auth\nauth required pam_unix.so\n");

        assertThat(new PamConfigParser().parse(file, "web1", OBSERVED).entries())
                .extracting(ConfigEntry::getScope).containsOnly("common-auth");
    }

    @Test
    void theServiceIsWhatFollowsTheLastDoubleUnderscore() throws Exception {
        Path file = write("db__01__common-password", "password required pam_unix.so\n");

        assertThat(new PamConfigParser().parse(file, "db__01", OBSERVED).entries())
                .extracting(ConfigEntry::getScope).containsOnly("common-password");
    }

    // ---------------------------------------------------------------- rules

    @Test
    void aModuleIsReportedByItsNameWhateverItsPath() throws Exception {
        List<ConfigEntry> entries = parse("""
                auth  required  /lib/x86_64-linux-gnu/security/pam_faillock.so  preauth  silent deny=5
                auth  [success=1 default=bad]  pam_unix.so
                auth  [default=die]  pam_faillock.so authfail
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "auth", "required /lib/x86_64-linux-gnu/security/pam_faillock.so preauth silent deny=5"),
                tuple(1, "module:auth", "pam_faillock.so preauth silent deny=5"),
                tuple(2, "auth", "[success=1 default=bad] pam_unix.so"),
                tuple(2, "module:auth", "pam_unix.so"),
                tuple(3, "auth", "[default=die] pam_faillock.so authfail"),
                tuple(3, "module:auth", "pam_faillock.so authfail"));
        assertThat(entries).filteredOn(e -> e.getKey().equals("module:auth"))
                .anySatisfy(e -> assertThat(e.getValue()).matches("pam_faillock\\.so( .*)?"));
    }

    @Test
    void typesAndControlsAreCaseInsensitiveAndWrittenInLowerCase() throws Exception {
        assertThat(rows(parse("AUTH Required pam_unix.so\nSession OPTIONAL pam_motd.so\n"))).containsExactly(
                tuple(1, "auth", "required pam_unix.so"),
                tuple(1, "module:auth", "pam_unix.so"),
                tuple(2, "session", "optional pam_motd.so"),
                tuple(2, "module:session", "pam_motd.so"));
    }

    @Test
    void aLeadingDashIsKeptAsASeparateSilentMarker() throws Exception {
        assertThat(rows(parse("-session optional pam_systemd.so\nsession required pam_unix.so\n"))).containsExactly(
                tuple(1, "session", "optional pam_systemd.so"),
                tuple(1, "module:session", "pam_systemd.so"),
                tuple(1, "silent:session", "pam_systemd.so"),
                tuple(2, "session", "required pam_unix.so"),
                tuple(2, "module:session", "pam_unix.so"));
    }

    @Test
    void includeAndSubstackControlsNameAServiceNotAModule() throws Exception {
        assertThat(rows(parse("auth include system-auth\naccount substack password-auth\n@include common-session\n")))
                .containsExactly(
                        tuple(1, "auth", "include system-auth"),
                        tuple(2, "account", "substack password-auth"),
                        tuple(3, "@include", "common-session"));
    }

    @Test
    void bracketedControlsAreOneWordAndWrittenWithSingleBlanks() throws Exception {
        assertThat(rows(parse("session [ success = ok   default=bad \\\n\t]  pam_x.so\nauth [success=02 new_authtok_reqd=done] pam_y.so\n")))
                .containsExactly(
                        tuple(1, "session", "[success=ok default=bad] pam_x.so"),
                        tuple(1, "module:session", "pam_x.so"),
                        tuple(3, "auth", "[success=02 new_authtok_reqd=done] pam_y.so"),
                        tuple(3, "module:auth", "pam_y.so"));
    }

    @Test
    void bracketedArgumentsKeepTheirBlanks() throws Exception {
        assertThat(rows(parse("auth required pam_mysql.so [query=select user from t where x=\\]y\\]] user=z\n")))
                .containsExactly(
                        tuple(1, "auth", "required pam_mysql.so [query=select user from t where x=\\]y\\]] user=z"),
                        tuple(1, "module:auth", "pam_mysql.so [query=select user from t where x=\\]y\\]] user=z"));
    }

    @Test
    void aBackslashAtTheEndContinuesTheLineUnlessTheLineHoldsAComment() throws Exception {
        List<ConfigEntry> entries = parse("""
                auth required \\
                     pam_faillock.so \\
                     preauth
                # comment
                auth sufficient pam_unix.so # a comment ends the line \\
                auth required pam_deny.so
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "auth", "required pam_faillock.so preauth"),
                tuple(1, "module:auth", "pam_faillock.so preauth"),
                tuple(5, "auth", "sufficient pam_unix.so"),
                tuple(5, "module:auth", "pam_unix.so"),
                tuple(6, "auth", "required pam_deny.so"),
                tuple(6, "module:auth", "pam_deny.so"));
    }

    @Test
    void aFileOfCommentsHasNoEntries() throws Exception {
        assertThat(parse("")).isEmpty();
        assertThat(parse("# nothing\n\n   \t\n  # indented\n")).isEmpty();
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            an unknown type             | auth required pam_unix.so\\nauthentication required pam_unix.so\\n | 2 | unknown type 'authentication': use auth, account, password or session (PAM fails every request of this service)
            a type without control      | # x\\n\\nsession\\n                                                  | 3 | 'session' has no control
            an unknown control          | auth requird pam_unix.so\\n                                          | 1 | unknown control 'requird': use required, requisite, sufficient, optional, include, substack or [return=action ...]
            a control without a module  | auth required\\n                                                     | 1 | 'auth required' names no module
            an include without service  | auth include\\n                                                      | 1 | 'auth include' names no service to include
            an unclosed bracket         | auth [success=ok default=bad pam_unix.so\\n                          | 1 | control '[success=ok default=bad pam_unix.so' has no closing ']'
            an unknown return value     | auth [sucess=ok] pam_unix.so\\n                                      | 1 | unknown return value 'sucess' in control [sucess=ok]
            an unknown action           | auth [success=okay] pam_unix.so\\n                                   | 1 | 'success=okay' in control [success=okay]: the action must be ignore, ok, done, bad, die, reset or a jump of at least 1
            a jump of zero              | auth [success=0] pam_unix.so\\n                                      | 1 | 'success=0' in control [success=0]: the action must be ignore, ok, done, bad, die, reset or a jump of at least 1
            an include without a file   | @include\\n                                                          | 1 | '@include' names no file
            an include of two files     | @include common-auth common-account\\n                               | 1 | '@include' takes one file name, not 'common-account'
            a continuation at the end   | auth required pam_unix.so\\nauth required \\\\\\n                    | 2 | line continued with '\\' but the file ends (libpam rejects the file)
            """)
    void badInputIsRejectedWithFileAndLine(String title, String content, int line, String reason) throws Exception {
        Path file = write("web1__sshd", content.replace("\\n", "\n").replace("\\\\", "\\"));

        assertThatThrownBy(() -> new PamConfigParser().parse(file, "web1", OBSERVED))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(file.toString());
                    assertThat(e.getLine()).isEqualTo(line);
                    assertThat(e.getReason()).isEqualTo(reason);
                });
    }

    @Test
    void crlfLineEndsAreRejectedBecauseLibpamReadsTheCarriageReturnAsPartOfTheModule() throws Exception {
        Path file = write("web1__sshd", "auth required pam_unix.so\r\n");

        assertThatThrownBy(() -> new PamConfigParser().parse(file, "web1", OBSERVED))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":1: carriage return in the line (CRLF line ends?): libpam takes it as part of the last word");
    }

    @Test
    void aFileNameEndingInTheSeparatorNamesNoService() throws Exception {
        Path file = write("web1__", "auth required pam_unix.so\n");

        assertThatThrownBy(() -> new PamConfigParser().parse(file, "web1", OBSERVED))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ": nothing after '__' in the file name: name it <asset>__<service>");
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return new PamConfigParser().parse(write("web1__sshd", content), "web1", OBSERVED).entries();
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path copyOfCorpus(String corpusName, String name) throws Exception {
        Path corpus = Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/" + corpusName)).toURI());
        return Files.copy(corpus, dir.resolve(name));
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue())).toList();
    }
}
