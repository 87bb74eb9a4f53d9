package io.annexa.ingestion.log;

import io.annexa.evidence.InvalidInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Splits one syslog message received over the network into a {@link SyslogRecord}:
 * <pre>
 * &lt;165&gt;1 2003-10-11T22:14:15.003Z host app 1234 ID47 [sd id="1"] message     (RFC 5424)
 * &lt;38&gt;Dec 10 06:55:46 LabSZ sshd[24200]: message                               (RFC 3164)
 * </pre>
 * An RFC 3164 message is a log file's line behind a priority, so {@link SyslogLineParser} reads it: a line
 * means the same whether it came in a file or over the network.
 *
 * <p>camel-syslog's {@code SyslogConverter} was tried and is not used: it keeps an RFC 3164 tag inside the
 * message (no program, no pid), gives yearless timestamps the current year even when that is months ahead
 * and today's milliseconds, cuts structured data at a {@code ]} inside a quoted value, keeps only the first
 * element, decodes RFC 5424 text as ISO-8859-1 (the UTF-8 BOM shows as {@code ï»¿}), fails on a nil
 * timestamp or an empty message with {@code IllegalArgumentException}/{@code BufferUnderflowException}, and
 * needs JAXB's {@code DatatypeConverter} at run time.
 *
 * <p>Structured data is checked for its form and left in {@code raw}: no rule reads it yet. Thread-safe.
 */
public final class SyslogMessageParser {

    private static final int MAX_PRIORITY = 191;
    private static final char BOM = '\uFEFF';

    private final Clock clock;
    private final SyslogLineParser lineParser;

    /**
     * @param clock receipt time, for RFC 5424 messages without timestamp and for the year of RFC 3164 ones
     * @param zone  the senders' zone, for RFC 3164 timestamps (they carry none)
     */
    public SyslogMessageParser(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.lineParser = new SyslogLineParser(clock, zone);
    }

    /** @param origin names the sender in the exception ({@code syslog-udp 192.0.2.7:514}) */
    public SyslogRecord parse(String message, String origin) throws InvalidInputException {
        int bodyStart = priorityEnd(message, origin);
        if (isVersion(message, bodyStart)) {
            return rfc5424(message, bodyStart, origin);
        }
        SyslogRecord line = lineParser.parse(message.substring(bodyStart), origin, 0);
        return new SyslogRecord(line.timestamp(), line.host(), line.program(), line.pid(), line.message(), message);
    }

    /** Where the text after {@code <PRI>} starts. */
    private static int priorityEnd(String message, String origin) throws InvalidInputException {
        int close = message.indexOf('>');
        if (!message.startsWith("<") || close < 2 || close > 4) {
            throw new InvalidInputException(origin, 0, "not a syslog message: no <priority> at its start: " + head(message));
        }
        int priority = 0;
        for (int i = 1; i < close; i++) {
            char c = message.charAt(i);
            if (c < '0' || c > '9') {
                throw new InvalidInputException(origin, 0, "not a syslog message: no <priority> at its start: " + head(message));
            }
            priority = priority * 10 + (c - '0');
        }
        if (priority > MAX_PRIORITY) {
            throw new InvalidInputException(origin, 0, "priority " + priority + " is above " + MAX_PRIORITY + ": " + head(message));
        }
        return close + 1;
    }

    /** RFC 5424 puts a version ("1 ") after the priority; RFC 3164 a month name or, from rsyslog, a full date. */
    private static boolean isVersion(String message, int at) {
        int i = at;
        while (i < message.length() && i - at < 3 && Character.isDigit(message.charAt(i))) {
            i++;
        }
        return i > at && i < message.length() && message.charAt(i) == ' ';
    }

    private SyslogRecord rfc5424(String message, int at, String origin) throws InvalidInputException {
        Fields fields = new Fields(message, at, origin);
        String version = fields.next("version");
        if (!version.equals("1")) {
            throw new InvalidInputException(origin, 0, "RFC 5424 version " + version + " is not supported: " + head(message));
        }
        String timestamp = fields.next("timestamp");
        Instant time = timestamp.equals("-") ? clock.instant() : timestamp(timestamp, message, origin);
        String host = nil(fields.next("hostname"));
        String app = nil(fields.next("app-name"));
        String procId = nil(fields.next("procid"));
        fields.next("msgid");
        int messageStart = structuredDataEnd(message, fields.position(), origin);
        String text = "";
        if (messageStart < message.length()) {
            if (message.charAt(messageStart) != ' ') {
                throw new InvalidInputException(origin, 0, "no space after the structured data: " + head(message));
            }
            text = message.substring(messageStart + 1);
            if (!text.isEmpty() && text.charAt(0) == BOM) {
                text = text.substring(1);
            }
        }
        return new SyslogRecord(time, host, app, procId, text, message);
    }

    private static Instant timestamp(String text, String message, String origin) throws InvalidInputException {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(origin, 0, "invalid RFC 5424 timestamp '" + text + "': " + head(message));
        }
    }

    /** After {@code -} or one or more {@code [id name="value" ...]}, where a value may hold {@code \"}, {@code \\} and {@code \]}. */
    private static int structuredDataEnd(String message, int at, String origin) throws InvalidInputException {
        if (at >= message.length()) {
            throw new InvalidInputException(origin, 0, "RFC 5424 header is cut short before its structured data: " + head(message));
        }
        if (message.charAt(at) == '-') {
            return at + 1;
        }
        int i = at;
        while (i < message.length() && message.charAt(i) == '[') {
            boolean quoted = false;
            for (i++; i < message.length(); i++) {
                char c = message.charAt(i);
                if (quoted && c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (c == ']' && !quoted) {
                    break;
                }
            }
            if (i >= message.length()) {
                throw new InvalidInputException(origin, 0, "unterminated structured data element: " + head(message));
            }
            i++;
        }
        if (i == at) {
            throw new InvalidInputException(origin, 0, "structured data is neither '-' nor '[...]': " + head(message));
        }
        return i;
    }

    private static String nil(String field) {
        return field.equals("-") ? "" : field;
    }

    /** The start of a message for an error text: enough to recognise it, never a whole flood. */
    private static String head(String message) {
        return message.length() <= 80 ? "'" + message + "'" : "'" + message.substring(0, 80) + "...'";
    }

    /** The space-separated header fields of RFC 5424. */
    private static final class Fields {
        private final String message;
        private final String origin;
        private int position;

        Fields(String message, int position, String origin) {
            this.message = message;
            this.position = position;
            this.origin = origin;
        }

        String next(String name) throws InvalidInputException {
            int end = message.indexOf(' ', position);
            if (end <= position) {
                throw new InvalidInputException(origin, 0, "RFC 5424 header is cut short at its " + name + ": " + head(message));
            }
            String field = message.substring(position, end);
            position = end + 1;
            return field;
        }

        int position() {
            return position;
        }
    }
}
