package io.annexa.ingestion.log;

import io.annexa.testing.ManualClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.InvalidInputException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SyslogLineParserTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static SyslogRecord parse(String reference, String line) throws InvalidInputException {
        return new SyslogLineParser(Instant.parse(reference), UTC).parse(line, "auth.log", 7);
    }

    @Test
    void splitsATraditionalSyslogFileLine() throws Exception {
        String line = "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186";

        SyslogRecord record = parse("2026-01-05T00:00:00Z", line);

        assertThat(record.timestamp()).isEqualTo(Instant.parse("2025-12-10T06:55:46Z"));
        assertThat(record.host()).isEqualTo("LabSZ");
        assertThat(record.program()).isEqualTo("sshd");
        assertThat(record.pid()).isEqualTo("24200");
        assertThat(record.message()).isEqualTo("Invalid user webmaster from 173.234.31.186");
        assertThat(record.raw()).isEqualTo(line);
    }

    @Test
    void keepsTheMessageVerbatimIncludingInnerSpacesAndColons() throws Exception {
        SyslogRecord record = parse("2026-01-05T00:00:00Z",
                "Dec 10 08:24:32 LabSZ sshd[24361]: Invalid user  0101 from 5.188.10.180");
        assertThat(record.message()).isEqualTo("Invalid user  0101 from 5.188.10.180");

        SyslogRecord kernel = parse("2026-01-05T00:00:00Z",
                "Jul 27 14:41:57 combo kernel: audit(1122475266.4294965305:0): initialized");
        assertThat(kernel.program()).isEqualTo("kernel");
        assertThat(kernel.pid()).isEmpty();
        assertThat(kernel.message()).isEqualTo("audit(1122475266.4294965305:0): initialized");
    }

    @Test
    void dropsTheCarriageReturnOfCrlfFiles() throws Exception {
        SyslogRecord record = parse("2026-01-05T00:00:00Z",
                "Dec 10 07:07:45 LabSZ sshd[24206]: Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]\r");

        assertThat(record.message()).endsWith("[preauth]");
        assertThat(record.raw()).doesNotContain("\r");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Jun  9 04:06:20 combo logrotate: ALERT | 2025-06-09T04:06:20Z", // space-padded, as syslogd writes
            "Jun 09 04:06:20 combo logrotate: ALERT | 2025-06-09T04:06:20Z", // zero-padded
            "Jun 9 04:06:20 combo logrotate: ALERT  | 2025-06-09T04:06:20Z", // unpadded
            "Jun 19 04:06:20 combo logrotate: ALERT | 2025-06-19T04:06:20Z"})
    void readsTheDayOfMonthHoweverItIsPadded(String line, String expected) throws Exception {
        SyslogRecord record = parse("2026-01-05T00:00:00Z", line.strip());

        assertThat(record.timestamp()).isEqualTo(Instant.parse(expected));
        assertThat(record.host()).isEqualTo("combo");
        assertThat(record.program()).isEqualTo("logrotate");
        assertThat(record.message()).isEqualTo("ALERT");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // December lines read in January belong to the year before
            "2026-01-05T00:00:00Z | Dec 31 23:59:59 | 2025-12-31T23:59:59Z",
            // a line at most a day ahead of the reference is believed: the writer's clock runs a little fast
            "2026-12-31T23:30:00Z | Jan  1 00:10:00 | 2027-01-01T00:10:00Z",
            "2026-06-01T00:00:00Z | Jun  1 23:00:00 | 2026-06-01T23:00:00Z",
            // more than a day ahead: it was written last year
            "2026-06-01T00:00:00Z | Jun  2 10:00:00 | 2025-06-02T10:00:00Z",
            "2026-06-01T00:00:00Z | May 31 10:00:00 | 2026-05-31T10:00:00Z",
            // 29 February exists only in leap years: the latest one before the reference
            "2026-03-01T00:00:00Z | Feb 29 12:00:00 | 2024-02-29T12:00:00Z"})
    void choosesTheLatestYearThatIsAtMostADayInTheFuture(String reference, String stamp, String expected)
            throws Exception {
        SyslogRecord record = parse(reference, stamp + " host cron[1]: x");

        assertThat(record.timestamp()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void placesTheYearAgainWhenTheReferenceClockMoves() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-06-15T00:00:00Z"));
        SyslogLineParser parser = new SyslogLineParser(clock, UTC);
        String line = "Jan  1 00:00:30 host cron[1]: x";

        assertThat(parser.parse(line, "f", 1).timestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:30Z"));
        clock.set(Instant.parse("2027-06-15T00:00:00Z"));
        assertThat(parser.parse(line, "f", 2).timestamp()).isEqualTo(Instant.parse("2027-01-01T00:00:30Z"));
    }

    @Test
    void readsLocalTimeInTheZoneOfTheWritingMachine() throws Exception {
        SyslogLineParser berlin = new SyslogLineParser(Instant.parse("2026-08-01T00:00:00Z"),
                ZoneId.of("Europe/Berlin"));

        assertThat(berlin.parse("Jul  1 12:00:00 host cron[1]: x", "f", 1).timestamp())
                .isEqualTo(Instant.parse("2026-07-01T10:00:00Z")); // CEST, UTC+2
        assertThat(berlin.parse("Jan 15 12:00:00 host cron[1]: x", "f", 2).timestamp())
                .isEqualTo(Instant.parse("2026-01-15T11:00:00Z")); // CET, UTC+1
    }

    /** As the rule guide states ("The year of a line without one"). */
    @Test
    void aLocalTimeTheClockChangeSkipsMovesForwardAndOneItRepeatsTakesItsEarlierInstant() throws Exception {
        SyslogLineParser berlin = new SyslogLineParser(Instant.parse("2026-12-01T00:00:00Z"),
                ZoneId.of("Europe/Berlin"));

        // 29 March 2026: 02:00 CET became 03:00 CEST, so 02:30 is 03:30 CEST
        assertThat(berlin.parse("Mar 29 02:30:00 host cron[1]: x", "f", 1).timestamp())
                .isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        // 25 October 2026: 03:00 CEST became 02:00 CET, so 02:30 came twice; the first, in CEST
        assertThat(berlin.parse("Oct 25 02:30:00 host cron[1]: x", "f", 2).timestamp())
                .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-11-28T01:02:03.123456+00:00 | 2026-11-28T01:02:03.123456Z",
            "2026-11-28T01:02:03Z             | 2026-11-28T01:02:03Z",
            "2026-11-28T06:32:03.5+05:30      | 2026-11-28T01:02:03.500Z",
            "2026-11-27T20:02:03-05:00        | 2026-11-28T01:02:03Z",
            "2026-11-28T01:02:03.123456789123Z | 2026-11-28T01:02:03.123456789Z"})
    void readsRfc3339Timestamps(String stamp, String expected) throws Exception {
        SyslogRecord record = parse("2020-01-01T00:00:00Z", stamp + " host prog[1]: msg");

        assertThat(record.timestamp()).isEqualTo(Instant.parse(expected));
        assertThat(record.host()).isEqualTo("host");
        assertThat(record.program()).isEqualTo("prog");
        assertThat(record.pid()).isEqualTo("1");
        assertThat(record.message()).isEqualTo("msg");
    }

    @Test
    void readsAnRfc3339TimestampWithoutOffsetInTheZone() throws Exception {
        SyslogLineParser parser = new SyslogLineParser(Instant.parse("2026-01-01T00:00:00Z"),
                ZoneId.of("Europe/Berlin"));

        assertThat(parser.parse("2026-11-28T01:02:03 host prog: msg", "f", 1).timestamp())
                .isEqualTo(Instant.parse("2026-11-28T00:02:03Z"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // as real files hold them: old PAM, a tag with a version, login's argv[0] after two spaces
            "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; | sshd(pam_unix) | 19939 | authentication failure;",
            "Jun 19 04:09:11 combo syslogd 1.4.1: restart.                       | syslogd 1.4.1  |       | restart.",
            "Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2            | -- root        | 2421  | ROOT LOGIN ON tty2",
            "Jun 19 04:09:02 combo cups: cupsd startup succeeded                 | cups           |       | cupsd startup succeeded",
            "Jun 19 04:09:02 combo systemd[1]:                                   | systemd        | 1     | ''",
            // sysklogd's own line has no tag
            "Jun 19 04:09:02 combo last message repeated 2 times                 | ''             |       | last message repeated 2 times"})
    void readsTheTagsRealFilesHold(String line, String program, String pid, String message) throws Exception {
        SyslogRecord record = parse("2026-01-05T00:00:00Z", line.strip());

        assertThat(record.host()).isEqualTo("combo");
        assertThat(record.program()).isEqualTo(program);
        assertThat(record.pid()).isEqualTo(pid == null ? "" : pid);
        assertThat(record.message()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                          | empty line",
            "hello world                                 | not a syslog line",
            "Foo 10 06:55:46 LabSZ sshd[1]: x            | not a syslog line",
            "Dec 10 6:55:46 LabSZ sshd[1]: x             | not a syslog line",
            "Dec 10 06:55:46                             | no host after the timestamp",
            "'Dec 10 06:55:46 '                          | no host after the timestamp",
            "Dec 10 25:55:46 LabSZ sshd[1]: x            | invalid timestamp 'Dec 10 25:55:46'",
            "Dec 32 06:55:46 LabSZ sshd[1]: x            | invalid timestamp 'Dec 32 06:55:46'",
            "Feb 30 06:55:46 LabSZ sshd[1]: x            | no year has the date 'Feb 30'",
            "2026-13-01T00:00:00Z host prog: x           | invalid timestamp '2026-13-01T00:00:00Z'",
            "2026-11-28T01:02:03+25:00 host prog: x      | invalid timestamp '2026-11-28T01:02:03+25:00'",
            "2026-11-28T01:02:03. host prog: x           | invalid timestamp '2026-11-28T01:02:03.'",
            "2026-11-28 01:02:03 host prog: x            | not a syslog line",
            "12345                                       | not a syslog line"})
    void rejectsLinesThatAreNotSyslogNamingFileAndLine(String line, String reason) {
        assertThatThrownBy(() -> parse("2026-01-05T00:00:00Z", line))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.getFile()).isEqualTo("auth.log");
                    assertThat(e.getLine()).isEqualTo(7);
                    assertThat(e.getReason()).startsWith(reason);
                    assertThat(e.getMessage()).startsWith("auth.log:7: ");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\r\n", "\n"})
    void treatsALineOfOnlyALineEndAsEmpty(String line) {
        assertThatThrownBy(() -> parse("2026-01-05T00:00:00Z", line))
                .isInstanceOf(InvalidInputException.class).hasMessage("auth.log:7: empty line");
    }
}
