package io.annexa.ingestion.log;

/**
 * One syslog message as received. {@code tooLong}: it exceeded {@code annexa.sources.syslog.max-message-bytes}
 * and {@code text} is only its start, kept to tell the sender in the dead letter.
 */
public record SyslogFrame(String text, boolean tooLong) {

    public static SyslogFrame message(String text) {
        return new SyslogFrame(text, false);
    }

    public static SyslogFrame cut(String start) {
        return new SyslogFrame(start, true);
    }
}
