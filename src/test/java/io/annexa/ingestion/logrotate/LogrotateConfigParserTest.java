package io.annexa.ingestion.logrotate;

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

class LogrotateConfigParserTest {

    private static final Instant OBSERVED = Instant.parse("2026-03-01T10:15:30Z");
    private static final String RSYSLOG_LOGS = "/var/log/syslog /var/log/mail.log /var/log/kern.log /var/log/auth.log "
            + "/var/log/user.log /var/log/cron.log";

    @TempDir
    Path root;

    // ---------------------------------------------------------------- real Debian defaults

    @Test
    void debianDefaultYieldsItsGlobalDirectivesWithIncludesOff() throws Exception {
        Path file = corpus("logrotate.conf");

        ConfigSnapshot snapshot = LogrotateConfigParser.withoutIncludes().parse(file, "web1", OBSERVED);

        assertThat(snapshot.file()).isEqualTo(new ConfigFile("web1", "logrotate.conf", file.toString(), OBSERVED));
        assertThat(rows(snapshot.entries())).containsExactly(
                tuple(6, "weekly", "", ""),
                tuple(9, "rotate", "4", ""),
                tuple(12, "create", "", ""),
                tuple(21, "include", "/etc/logrotate.d", ""));
    }

    @Test
    void debianRsyslogBlockYieldsItsDirectivesItsScriptAndFourWeeksOfRetention() throws Exception {
        Path file = corpus("logrotate.d-rsyslog");

        List<ConfigEntry> entries = LogrotateConfigParser.withoutIncludes().parse(file, "web1", OBSERVED).entries();

        assertThat(rows(entries)).containsExactly(
                tuple(8, "rotate", "4", RSYSLOG_LOGS),
                tuple(9, "weekly", "", RSYSLOG_LOGS),
                tuple(10, "missingok", "", RSYSLOG_LOGS),
                tuple(11, "notifempty", "", RSYSLOG_LOGS),
                tuple(12, "compress", "", RSYSLOG_LOGS),
                tuple(13, "delaycompress", "", RSYSLOG_LOGS),
                tuple(14, "sharedscripts", "", RSYSLOG_LOGS),
                tuple(15, "postrotate", "/usr/lib/rsyslog/rsyslog-rotate", RSYSLOG_LOGS),
                tuple(1, "retention_days", "28", RSYSLOG_LOGS));
    }

    @Test
    void debianDefaultFollowsTheIncludedDirectoryAndSkipsTabooFiles() throws Exception {
        Path main = copy("logrotate.conf", "etc/logrotate.conf");
        Path rsyslog = copy("logrotate.d-rsyslog", "etc/logrotate.d/rsyslog");
        write("etc/logrotate.d/rsyslog.dpkg-old", "/var/log/old.log {\n}\n");
        Path apt = write("etc/logrotate.d/apt", "/var/log/apt/term.log {\n  rotate 12\n  monthly\n  compress\n}\n");

        List<ConfigEntry> entries = new LogrotateConfigParser(root).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).extracting(ConfigEntry::getFile, ConfigEntry::getKey, ConfigEntry::getValue, ConfigEntry::getScope)
                .containsSubsequence(
                        tuple(main.toString(), "include", "/etc/logrotate.d", ""),
                        tuple(apt.toString(), "rotate", "12", "/var/log/apt/term.log"),
                        tuple(apt.toString(), "retention_days", "360", "/var/log/apt/term.log"),
                        tuple(rsyslog.toString(), "rotate", "4", RSYSLOG_LOGS),
                        tuple(rsyslog.toString(), "retention_days", "28", RSYSLOG_LOGS))
                .hasSize(4 + 4 + 9);
        assertThat(entries).extracting(ConfigEntry::getScope).doesNotContain("/var/log/old.log");
    }

    // ---------------------------------------------------------------- retention

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            daily;rotate 7                      | 7
            weekly;rotate 4                     | 28
            monthly;rotate 12                   | 360
            yearly;rotate 2                     | 730
            hourly;rotate 48                    | 2
            hourly;rotate 12                    | 0
            daily;rotate 365;maxage 90          | 90
            daily;rotate 30;maxage 90           | 30
            daily;rotate 0                      | 0
            daily;rotate -1                     | unlimited
            weekly;rotate -1;maxage 400         | 400
            rotate 4                            | unknown
            weekly;rotate 4;size 100M           | unknown
            size 100M;weekly;rotate 4           | 28
            weekly;rotate 4;maxsize 1G          | unknown
            weekly;rotate 4;minsize 1M          | 28
            weekly;rotate = 0x10                | 112
            weekly                              | 0
            """)
    void retentionDaysComeFromRotateTimesThePeriodCappedByMaxage(String directives, String days) throws Exception {
        String block = "/var/log/app.log {\n" + String.join("\n", directives.split(";")) + "\n}\n";

        assertThat(parse(block)).filteredOn(e -> e.getKey().equals("retention_days"))
                .extracting(ConfigEntry::getLine, ConfigEntry::getValue, ConfigEntry::getScope)
                .containsExactly(tuple(1, days, "/var/log/app.log"));
    }

    @Test
    void aBlockInheritsTheGlobalsInForceWhereItStartsNotLaterOnes() throws Exception {
        List<ConfigEntry> entries = parse("""
                daily
                rotate 30
                /var/log/early.log {
                }
                rotate 90
                /var/log/late.log {
                    rotate 10
                }
                """);

        assertThat(entries).filteredOn(e -> e.getKey().equals("retention_days"))
                .extracting(ConfigEntry::getScope, ConfigEntry::getValue)
                .containsExactly(tuple("/var/log/early.log", "30"), tuple("/var/log/late.log", "10"));
    }

    @Test
    void globalsSetInAnIncludedFileStayInForceForWhatFollows() throws Exception {
        Path main = write("etc/logrotate.conf", "include /etc/logrotate.d\n/var/log/main.log {\n}\n");
        write("etc/logrotate.d/00-defaults", "daily\nrotate 14\n");
        write("etc/logrotate.d/10-app", "/var/log/app.log {\n}\n");

        List<ConfigEntry> entries = new LogrotateConfigParser(root).parse(main, "web1", OBSERVED).entries();

        assertThat(entries).filteredOn(e -> e.getKey().equals("retention_days"))
                .extracting(ConfigEntry::getScope, ConfigEntry::getValue)
                .containsExactly(tuple("/var/log/app.log", "14"), tuple("/var/log/main.log", "14"));
    }

    // ---------------------------------------------------------------- blocks and syntax

    @Test
    void blocksMayBeWrittenOnOneLineWithQuotedNamesAndSeveralFlagsPerLine() throws Exception {
        assertThat(rows(parse("""
                "/var/log/my app/*.log" /var/log/other.log { daily
                  compress delaycompress # both
                rotate = 3
                }
                /var/log/tiny.log { daily }
                """))).containsExactly(
                tuple(1, "daily", "", "\"/var/log/my app/*.log\" /var/log/other.log"),
                tuple(2, "compress", "", "\"/var/log/my app/*.log\" /var/log/other.log"),
                tuple(2, "delaycompress", "", "\"/var/log/my app/*.log\" /var/log/other.log"),
                tuple(3, "rotate", "3", "\"/var/log/my app/*.log\" /var/log/other.log"),
                tuple(1, "retention_days", "3", "\"/var/log/my app/*.log\" /var/log/other.log"),
                tuple(5, "daily", "", "/var/log/tiny.log"),
                tuple(5, "retention_days", "0", "/var/log/tiny.log"));
    }

    @Test
    void scriptsAreOneEntryWithTheirLinesAndTheirContentIsNotReadAsDirectives() throws Exception {
        assertThat(rows(parse("""
                /var/log/app.log {
                    prerotate
                        rotate 99 {
                        /usr/bin/app --flush
                    endscript
                    postrotate
                    endscript
                    rotate 5
                    daily
                }
                """))).containsExactly(
                tuple(2, "prerotate", "rotate 99 {\n/usr/bin/app --flush", "/var/log/app.log"),
                tuple(6, "postrotate", "", "/var/log/app.log"),
                tuple(8, "rotate", "5", "/var/log/app.log"),
                tuple(9, "daily", "", "/var/log/app.log"),
                tuple(1, "retention_days", "5", "/var/log/app.log"));
    }

    @Test
    void commentLinesBetweenLogNamesAreSkippedAndUnknownDirectivesAreKept() throws Exception {
        assertThat(rows(parse("""
                /var/log/a.log
                # b is here too
                /var/log/b.log
                {
                    frobnicate now
                }
                """))).containsExactly(
                tuple(5, "frobnicate", "now", "/var/log/a.log /var/log/b.log"),
                tuple(1, "retention_days", "0", "/var/log/a.log /var/log/b.log"));
    }

    @Test
    void withoutIncludesTheIncludeIsRecordedButNothingIsRead() throws Exception {
        Path main = write("etc/logrotate.conf", "include /etc/logrotate.d\n");
        write("etc/logrotate.d/app", "/var/log/app.log {\n}\n");

        assertThat(rows(LogrotateConfigParser.withoutIncludes().parse(main, "web1", OBSERVED).entries()))
                .containsExactly(tuple(1, "include", "/etc/logrotate.d", ""));
        assertThat(rows(new LogrotateConfigParser(root).parse(main, "web1", OBSERVED).entries())).hasSize(2);
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a block never closed           | weekly\\n/var/log/a.log {\\n  rotate 4\\n                      | 2 | the block of '/var/log/a.log' is never closed
            a brace without block          | weekly\\n}\\n                                                 | 2 | '}' without an open block
            text after the closing brace   | /var/log/a.log {\\n} weekly\\n                                 | 2 | unexpected text after '}': 'weekly'
            a brace without names          | {\\n}\\n                                                      | 1 | '{' without log file names
            names without a brace          | rotate 4\\n/var/log/a.log\\n/var/log/b.log\\n                 | 2 | missing '{' after the log file names
            a closing brace among names    | /var/log/a.log }\\n                                           | 1 | '}' before the '{'
            a nested block                 | /var/log/a.log {\\n  /var/log/b.log {\\n  }\\n}\\n            | 2 | log file name inside the block of '/var/log/a.log'
            a script without endscript     | /var/log/a.log {\\n postrotate\\n  kill -HUP 1\\n}\\n          | 2 | 'postrotate' without 'endscript'
            a bad rotation count           | /var/log/a.log {\\n  rotate four\\n}\\n                       | 2 | 'rotate' needs a whole number, not 'four'
            a rotation count below -1      | rotate -2\\n                                                  | 1 | bad rotation count '-2'
            a comment after a count        | rotate 4 # weeks\\n                                           | 1 | not '4 # weeks'
            a bad weekday                  | weekly 9\\n                                                   | 1 | bad weekly directive '9'
            a missing argument             | maxage\\n                                                     | 1 | argument expected after 'maxage'
            include inside a block         | /var/log/a.log {\\n  include /etc/x\\n}\\n                    | 2 | 'include' may not appear inside the block
            a log named twice              | /var/log/a.log {\\n}\\n/var/log/b.log /var/log/a.log {\\n}\\n | 3 | duplicate log entry for /var/log/a.log
            a line of nonsense             | 42 days\\n                                                    | 1 | lines must begin with a directive or a log file name
            an unterminated quote          | '/var/log/a.log {\\n}\\n                                       | 1 | unterminated single quote
            """)
    void malformedInputIsRejectedWithItsLine(String title, String content, int line, String reason) throws Exception {
        Path file = write("logrotate.conf", content.replace("\\n", "\n"));

        assertInvalid(() -> LogrotateConfigParser.withoutIncludes().parse(file, "web1", OBSERVED), file, line, reason);
    }

    @Test
    void errorsInAnIncludedFileNameThatFile() throws Exception {
        Path main = write("etc/logrotate.conf", "weekly\ninclude /etc/logrotate.d\n");
        Path broken = write("etc/logrotate.d/broken", "/var/log/a.log {\n  rotate 4\n");

        assertInvalid(() -> new LogrotateConfigParser(root).parse(main, "web1", OBSERVED), broken, 1, "never closed");
    }

    @Test
    void anIncludeCannotLeaveTheIncludeRoot() throws Exception {
        Path main = write("etc/logrotate.conf", "include /etc/../../../../../etc\n");

        assertInvalid(() -> new LogrotateConfigParser(root).parse(main, "web1", OBSERVED), main, 1, "leads outside");
    }

    // ---------------------------------------------------------------- helpers

    private Path corpus(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(getClass().getResource("/corpus/debian-bookworm/" + name)).toURI());
    }

    private Path copy(String corpusName, String relative) throws IOException, URISyntaxException {
        Path target = root.resolve(relative);
        Files.createDirectories(target.getParent());
        return Files.copy(corpus(corpusName), target);
    }

    private Path write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private List<ConfigEntry> parse(String content) throws Exception {
        return LogrotateConfigParser.withoutIncludes().parse(write("logrotate.conf", content), "web1", OBSERVED).entries();
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
