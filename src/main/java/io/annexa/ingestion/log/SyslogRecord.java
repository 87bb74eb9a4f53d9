package io.annexa.ingestion.log;

import java.time.Instant;

/**
 * A log line split into its syslog fields, whatever carried it (a log file, RFC 3164 or RFC 5424 over
 * the network). {@code pid} and {@code program} are empty when the line has none.
 */
public record SyslogRecord(Instant timestamp, String host, String program, String pid, String message, String raw) {
}
