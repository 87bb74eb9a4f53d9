package io.annexa.ingestion.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.annexa.evidence.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SyslogMessageParserTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final SyslogMessageParser parser = new SyslogMessageParser(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("UTC"));

    @Test
    void rfc5424FieldsBecomeTheRecord() throws Exception {
        String message = "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 ID47 - %% It's time to make the do-nuts.";

        assertThat(parser.parse(message, "test")).isEqualTo(new SyslogRecord(Instant.parse("2003-08-24T12:14:15.000003Z"),
                "192.0.2.1", "myproc", "8710", "%% It's time to make the do-nuts.", message));
    }

    @Test
    void rfc5424StructuredDataWithEscapesAndSeveralElementsIsSkippedWhole() throws Exception {
        String message = "<34>1 2003-10-11T22:14:15.003Z host su - - [a b=\"x\\] \\\"y\"][c d=\"e]f\"] \uFEFF'su root' failed";

        SyslogRecord record = parser.parse(message, "test");

        assertThat(record.message()).isEqualTo("'su root' failed");
        assertThat(record.program()).isEqualTo("su");
        assertThat(record.pid()).isEmpty();
        assertThat(record.raw()).isEqualTo(message);
    }

    @Test
    void rfc5424NilValuesAreEmptyAndANilTimestampIsTheTimeOfReceipt() throws Exception {
        assertThat(parser.parse("<13>1 - - - - - -", "test"))
                .isEqualTo(new SyslogRecord(NOW, "", "", "", "", "<13>1 - - - - - -"));
    }

    @Test
    void rfc3164IsReadLikeALogFileLineBehindItsPriority() throws Exception {
        String message = "<38>Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186";

        assertThat(parser.parse(message, "test")).isEqualTo(new SyslogRecord(Instant.parse("2025-12-10T06:55:46Z"),
                "LabSZ", "sshd", "24200", "Invalid user webmaster from 173.234.31.186", message));
    }

    @Test
    void rfc3164WithAFullDateAsRsyslogSendsItIsNotTakenForRfc5424() throws Exception {
        SyslogRecord record = parser.parse("<86>2026-11-28T01:02:03.123456+00:00 web1 sudo: alice : TTY=pts/0", "test");

        assertThat(record.host()).isEqualTo("web1");
        assertThat(record.program()).isEqualTo("sudo");
        assertThat(record.timestamp()).isEqualTo(Instant.parse("2026-11-28T01:02:03.123456Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            no priority             | Dec 10 06:55:46 LabSZ sshd[1]: x                 | no <priority> at its start
            priority not a number   | <1x>Dec 10 06:55:46 LabSZ sshd[1]: x             | no <priority> at its start
            priority above 191      | <192>Dec 10 06:55:46 LabSZ sshd[1]: x            | priority 192 is above 191
            unknown version         | <13>2 2003-10-11T22:14:15Z h a p m - x          | RFC 5424 version 2 is not supported
            header cut short        | <13>1 2003-10-11T22:14:15Z host app             | RFC 5424 header is cut short at its app-name
            bad timestamp           | <13>1 2003-13-11T22:14:15Z h a p m - x          | invalid RFC 5424 timestamp '2003-13-11T22:14:15Z'
            unterminated data       | `<13>1 - h a p m [id x="y] z`                   | unterminated structured data element
            data neither - nor [    | <13>1 - h a p m x y                             | structured data is neither '-' nor '[...]'
            rfc3164 without time    | <13>hello world                                  | not a syslog line
            """)
    void malformedMessagesAreRejectedSayingWhatIsWrong(String title, String message, String reason) {
        assertThatThrownBy(() -> parser.parse(message, "syslog-udp message from 192.0.2.9"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("syslog-udp message from 192.0.2.9: ")
                .hasMessageContaining(reason);
    }
}
