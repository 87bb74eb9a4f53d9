package io.annexa.ingestion.sudoers;

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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SudoersParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");
    private static final String SHA256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- real Debian default

    @Test
    void debianBookwormDefaultYieldsItsDefaultsSpecsAndIncludeDirectory() throws Exception {
        Path file = corpus();

        ConfigSnapshot snapshot = SudoersParser.withoutIncludes().parse(file, "Web1.example.org", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1.example.org", "sudoers", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(9, "Defaults", "env_reset", ""),
                tuple(10, "Defaults", "mail_badpass", ""),
                tuple(11, "Defaults", "secure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"", ""),
                tuple(15, "Defaults", "use_pty", ""),
                tuple(47, "spec", "root ALL=(ALL:ALL) ALL", "root"),
                tuple(50, "spec", "%sudo ALL=(ALL:ALL) ALL", "%sudo"),
                tuple(54, "@includedir", "/etc/sudoers.d", ""));
        assertThat(snapshot.entries()).allSatisfy(e -> {
            assertThat(e.getAsset()).isEqualTo("web1.example.org");
            assertThat(e.getSource()).isEqualTo("sudoers");
            assertThat(e.getFile()).isEqualTo(file.toString());
        });
    }

    @Test
    void debianBookwormDefaultReadsTheDropInsWhereItIncludesThem() throws Exception {
        Path main = Files.copy(corpus(), Files.createDirectories(dir.resolve("etc")).resolve("sudoers"));
        Path dropIns = Files.createDirectories(dir.resolve("etc/sudoers.d"));
        Path ops = write(dropIns.resolve("50-ops"), "%ops ALL=(root) NOPASSWD: /usr/bin/systemctl restart nginx\n");
        Path deploy = write(dropIns.resolve("10-deploy"), "Defaults:deploy !requiretty\ndeploy ALL=(www-data) /usr/bin/rsync\n");
        write(dropIns.resolve("README"), "# sudo reads this too: it has no dot\n");
        write(dropIns.resolve("old.conf"), "mallory ALL=(ALL) NOPASSWD: ALL\n");
        write(dropIns.resolve("backup~"), "mallory ALL=(ALL) NOPASSWD: ALL\n");

        List<ConfigEntry> entries = new SudoersParser(dir).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey,
                ConfigEntry::getValue, ConfigEntry::getScope).containsSubsequence(
                tuple(main.toString(), 50, "spec", "%sudo ALL=(ALL:ALL) ALL", "%sudo"),
                tuple(main.toString(), 54, "@includedir", "/etc/sudoers.d", ""),
                tuple(deploy.toString(), 1, "Defaults", "!requiretty", "Defaults:deploy"),
                tuple(deploy.toString(), 2, "spec", "deploy ALL=(www-data) /usr/bin/rsync", "deploy"),
                tuple(ops.toString(), 1, "spec", "%ops ALL=(root) NOPASSWD: /usr/bin/systemctl restart nginx", "%ops"));
        assertThat(entries).hasSize(10).extracting(ConfigEntry::getScope).doesNotContain("mallory");
    }

    @Test
    void isRegisteredUnderItsSourceName() {
        assertThat(SudoersParser.withoutIncludes().source()).isEqualTo("sudoers");
        assertThat(ConfigParsers.forSource("sudoers")).get().isInstanceOf(SudoersParser.class);
    }

    // ---------------------------------------------------------------- Defaults

    @Test
    void defaultsAreOneEntryPerParameterWithTheirBinding() throws Exception {
        List<ConfigEntry> entries = parse("""
                Defaults env_reset, !lecture,timestamp_timeout = 5
                Defaults\tenv_keep += "http_proxy https_proxy", env_delete -= TZ
                Defaults:%sudo,alice  !requiretty
                Defaults: bob, carol log_output
                Defaults@web1 passwd_tries=2
                Defaults!/usr/bin/su !syslog
                Defaults>root !set_logname
                Defaults logfile=/var/log/sudo.log # where sudo writes
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "Defaults", "env_reset", ""),
                tuple(1, "Defaults", "!lecture", ""),
                tuple(1, "Defaults", "timestamp_timeout=5", ""),
                tuple(2, "Defaults", "env_keep+=\"http_proxy https_proxy\"", ""),
                tuple(2, "Defaults", "env_delete-=TZ", ""),
                tuple(3, "Defaults", "!requiretty", "Defaults:%sudo,alice"),
                tuple(4, "Defaults", "log_output", "Defaults:bob,carol"),
                tuple(5, "Defaults", "passwd_tries=2", "Defaults@web1"),
                tuple(6, "Defaults", "!syslog", "Defaults!/usr/bin/su"),
                tuple(7, "Defaults", "!set_logname", "Defaults>root"),
                tuple(8, "Defaults", "logfile=/var/log/sudo.log", ""));
    }

    // ---------------------------------------------------------------- user specifications

    @Test
    void aSpecificationIsNormalisedAndReportedOncePerUser() throws Exception {
        List<ConfigEntry> entries = parse("""
                alice\tALL = (ALL)   NOPASSWD:ALL
                bob, %admins, !carol  web1 , web2=(root : wheel) /usr/bin/ls -l  /var/log, (:adm) NOEXEC: PASSWD: /usr/bin/less
                ADMINS ALL=(ALL:ALL) ALL
                #1000 ALL = () /usr/bin/id
                %#2000 ALL = sudoedit /etc/hosts
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "spec", "alice ALL=(ALL) NOPASSWD: ALL", "alice"),
                tuple(2, "spec", "bob, %admins, !carol web1, web2=(root:wheel) /usr/bin/ls -l /var/log, (:adm) NOEXEC: PASSWD: /usr/bin/less", "bob"),
                tuple(2, "spec", "bob, %admins, !carol web1, web2=(root:wheel) /usr/bin/ls -l /var/log, (:adm) NOEXEC: PASSWD: /usr/bin/less", "%admins"),
                tuple(3, "spec", "ADMINS ALL=(ALL:ALL) ALL", "ADMINS"),
                tuple(4, "spec", "#1000 ALL=() /usr/bin/id", "#1000"),
                tuple(5, "spec", "%#2000 ALL=sudoedit /etc/hosts", "%#2000"));
    }

    @Test
    void eachHostPartSeparatedByAColonIsASpecificationOfItsOwn() throws Exception {
        assertThat(rows(parse("alice web1 = ALL : db1 = (postgres) /usr/bin/psql:ALL=!/usr/bin/su\n"))).containsExactly(
                tuple(1, "spec", "alice web1=ALL", "alice"),
                tuple(1, "spec", "alice db1=(postgres) /usr/bin/psql", "alice"),
                tuple(1, "spec", "alice ALL=!/usr/bin/su", "alice"));
    }

    @Test
    void commandsKeepTheirEscapesDigestsOptionsAndRegularExpressions() throws Exception {
        List<ConfigEntry> entries = parse("alice ALL = (root) TIMEOUT=5m CWD=/tmp NOPASSWD: /usr/bin/printf a\\,b\\:c, "
                + "sha256:" + SHA256 + " /usr/bin/id, ^/usr/bin/(cat|less)$ /var/log/.*, !/usr/bin/passwd root, /usr/sbin/\n");

        assertThat(entries).singleElement().extracting(ConfigEntry::getValue).isEqualTo(
                "alice ALL=(root) TIMEOUT=5m CWD=/tmp NOPASSWD: /usr/bin/printf a\\,b\\:c, sha256:" + SHA256
                        + " /usr/bin/id, ^/usr/bin/(cat|less)$ /var/log/.*, !/usr/bin/passwd root, /usr/sbin/");
    }

    // ---------------------------------------------------------------- aliases

    @Test
    void aliasesAreOneEntryPerDefinitionUnderTheirType() throws Exception {
        List<ConfigEntry> entries = parse("""
                User_Alias ADMINS = alice,bob : OPERATORS = carol, %ops
                Runas_Alias DB = postgres, mysql
                Host_Alias SERVERS = web1, 192.168.1.0/24, fe80::1
                Cmnd_Alias RESTART = /usr/bin/systemctl restart *, /usr/sbin/service
                Cmd_Alias SHELLS = /bin/sh, /bin/bash
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(1, "User_Alias", "ADMINS = alice, bob", ""),
                tuple(1, "User_Alias", "OPERATORS = carol, %ops", ""),
                tuple(2, "Runas_Alias", "DB = postgres, mysql", ""),
                tuple(3, "Host_Alias", "SERVERS = web1, 192.168.1.0/24, fe80::1", ""),
                tuple(4, "Cmnd_Alias", "RESTART = /usr/bin/systemctl restart *, /usr/sbin/service", ""),
                tuple(5, "Cmnd_Alias", "SHELLS = /bin/sh, /bin/bash", ""));
    }

    // ---------------------------------------------------------------- lines

    @Test
    void commentsContinuationsAndTheOldIncludeSpelling() throws Exception {
        List<ConfigEntry> entries = parse("""
                # a comment
                   # an indented comment
                alice ALL = \\
                    /usr/bin/ls, \\
                    /usr/bin/id   # trailing comment
                  #includedir /etc/not-a-directive
                #includedir /etc/sudoers.d
                #include /etc/sudoers.local
                Defaults secure_path="/usr/bin#not-a-comment"
                """);

        assertThat(rows(entries)).containsExactly(
                tuple(3, "spec", "alice ALL=/usr/bin/ls, /usr/bin/id", "alice"),
                tuple(7, "@includedir", "/etc/sudoers.d", ""),
                tuple(8, "@include", "/etc/sudoers.local", ""),
                tuple(9, "Defaults", "secure_path=\"/usr/bin#not-a-comment\"", ""));
    }

    @Test
    void crlfLineEndsAreLineEnds() throws Exception {
        assertThat(rows(parse("Defaults use_pty\r\nroot ALL=(ALL:ALL) ALL\r\nalice ALL = \\\r\n  /usr/bin/id\r\n"))).containsExactly(
                tuple(1, "Defaults", "use_pty", ""),
                tuple(2, "spec", "root ALL=(ALL:ALL) ALL", "root"),
                tuple(3, "spec", "alice ALL=/usr/bin/id", "alice"));
    }

    @Test
    void anEmptyFileHasNoEntries() throws Exception {
        assertThat(parse("")).isEmpty();
        assertThat(parse("# only comments\n\n")).isEmpty();
    }

    // ---------------------------------------------------------------- includes

    @Nested
    class Includes {

        @Test
        void relativeIncludesStartFromTheIncludingFilesDirectory() throws Exception {
            Path main = write(Files.createDirectories(dir.resolve("etc")).resolve("sudoers"),
                    "@include sudoers.local\nroot ALL=(ALL) ALL\n");
            Path local = write(dir.resolve("etc/sudoers.local"), "@includedir \"sudoers.d\"\n");
            Path dropIn = write(Files.createDirectories(dir.resolve("etc/sudoers.d")).resolve("web"),
                    "@include ../sudoers.%h\n");
            Path perHost = write(dir.resolve("etc/sudoers.web1"), "alice ALL=(ALL) ALL\n");

            List<ConfigEntry> entries = new SudoersParser(dir).parse(main, "web1.example.org", OBSERVED).entries();

            assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getLine, ConfigEntry::getKey, ConfigEntry::getValue)
                    .containsExactly(
                            tuple(main.toString(), 1, "@include", "sudoers.local"),
                            tuple(local.toString(), 1, "@includedir", "sudoers.d"),
                            tuple(dropIn.toString(), 1, "@include", "../sudoers.%h"),
                            tuple(perHost.toString(), 1, "spec", "alice ALL=(ALL) ALL"),
                            tuple(main.toString(), 2, "spec", "root ALL=(ALL) ALL"));
        }

        @Test
        void aMissingDirectoryIsNothingButAMissingFileIsAnError() throws Exception {
            Path main = write(dir.resolve("sudoers"), "@includedir /etc/sudoers.d\n@include /etc/sudoers.local\n");

            assertThatThrownBy(() -> new SudoersParser(dir).parse(main, "web1", OBSERVED))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.getLine()).isEqualTo(2);
                        assertThat(e.getReason()).startsWith("included file '/etc/sudoers.local' does not exist")
                                .endsWith("sudo refuses the whole configuration");
                    });
            // Another host's file: recorded, not looked for here.
            assertThat(rows(SudoersParser.withoutIncludes().parse(main, "web1", OBSERVED).entries())).containsExactly(
                    tuple(1, "@includedir", "/etc/sudoers.d", ""),
                    tuple(2, "@include", "/etc/sudoers.local", ""));
        }

        @Test
        void anIncludeLoopEndsWithAnError() throws Exception {
            Path main = write(Files.createDirectories(dir.resolve("etc")).resolve("sudoers"), "@include /etc/sudoers\n");

            assertThatThrownBy(() -> new SudoersParser(dir).parse(main, "web1", OBSERVED))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(":1: includes nested more than 128 levels deep (an include loop?): /etc/sudoers");
        }

        @Test
        void anIncludeCannotLeaveTheRoot() throws Exception {
            Path main = write(Files.createDirectories(dir.resolve("root/etc")).resolve("sudoers"),
                    "@include ../../../outside\n");
            write(dir.resolve("outside"), "mallory ALL=(ALL) ALL\n");

            assertThatThrownBy(() -> new SudoersParser(dir.resolve("root")).parse(main, "web1", OBSERVED))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage(main + ":1: include '/etc/../../../outside' leads outside " + dir.resolve("root"));
        }
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            an unbalanced parenthesis       | root ALL=(ALL:ALL) ALL\\nalice ALL=(ALL /usr/bin/ls\\n | 2 | unbalanced '(' in the Run as list '(ALL /usr/bin/ls'
            a closing parenthesis too many  | alice ALL=ALL) ALL\\n                                 | 1 | unbalanced ')'
            no '=' between hosts and commands | alice ALL /usr/bin/ls\\n                            | 1 | expected '=' between the hosts and the commands (user host = command) before '/'
            a user without hosts            | alice\\n                                              | 1 | expected a host at the end of the line
            a command that is not a path    | alice ALL=(ALL) ls -l\\n                              | 1 | 'ls' is not a command: give a full path, sudoedit, an alias or ALL
            a command without anything      | alice ALL=(ALL) NOPASSWD:\\n                          | 1 | expected a command at the end of the line
            an unescaped '=' in arguments   | alice ALL=/usr/bin/env FOO=bar\\n                     | 1 | '=' in a command's arguments must be written '\\='
            a digest of the wrong length    | alice ALL=sha256:abcd /usr/bin/id\\n                  | 1 | sha256 digest 'abcd' has the wrong length
            an unterminated regex           | alice ALL=^/usr/bin/.*\\n                             | 1 | unterminated regular expression '^/usr/bin/.*': it must end with '$'
            Defaults without parameters     | # x\\nDefaults\\n                                     | 2 | 'Defaults' sets no parameter
            a bound Defaults without any    | Defaults:alice\\n                                     | 1 | 'Defaults:alice' sets no parameter
            a negated parameter with value  | Defaults !env_keep=PATH\\n                            | 1 | '!env_keep' cannot take a value
            a parameter in capitals         | Defaults Env_Reset\\n                                 | 1 | expected a Defaults parameter name (lower case) before 'E'
            two words without quotes        | Defaults badpass_message=Wrong password\\n            | 1 | unexpected 'password'
            an unterminated quote           | Defaults secure_path=\"/usr/bin\\n                    | 1 | unterminated '\"'
            an alias in lower case          | User_Alias admins = alice\\n                          | 1 | expected an alias name in capitals (not ALL) before 'a'
            an alias without '='            | Cmnd_Alias SHELLS /bin/sh\\n                          | 1 | expected '=' after 'SHELLS' before '/'
            an include without a path       | @includedir \\n                                       | 1 | expected a path after '@includedir' at the end of the line
            """)
    void badInputIsRejectedWithFileAndLine(String title, String content, int line, String reason) throws Exception {
        Path file = write(dir.resolve("web1"), content.replace("\\n", "\n"));

        assertThatThrownBy(() -> SudoersParser.withoutIncludes().parse(file, "web1", OBSERVED))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(file.toString());
                    assertThat(e.getLine()).isEqualTo(line);
                    assertThat(e.getReason()).isEqualTo(reason);
                });
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return SudoersParser.withoutIncludes().parse(write(dir.resolve("web1"), content), "web1", OBSERVED).entries();
    }

    private static Path write(Path file, String content) throws Exception {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private Path corpus() throws Exception {
        return Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/sudoers")).toURI());
    }

    private static List<Tuple> rows(List<ConfigEntry> entries) {
        return entries.stream().map(e -> tuple(e.getLine(), e.getKey(), e.getValue(), e.getScope())).toList();
    }
}
