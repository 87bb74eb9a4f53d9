package io.annexa.bench;

import io.annexa.ProjectFiles;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.InvalidInputException;
import io.annexa.ingestion.log.LogClassifier;
import io.annexa.ingestion.log.SyslogLineParser;
import io.annexa.ingestion.log.SyslogRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The real OpenSSH_2k.log (loghub: 2,000 lines of one internet-facing host, LabSZ, about four hours of
 * brute-force traffic), to be replayed with its timestamps moved and, if wanted, as another host: the rules
 * judge events by their time, so a replay must look like traffic of now (or of a chosen timeline), not of a
 * December years ago; and they count per host and source, so replaying it as one host or as many decides how
 * many events each count sees.
 */
final class SshCorpus {

    static final Path FILE = ProjectFiles.root().resolve("src/test/resources/corpus/loghub/OpenSSH_2k.log");
    /** Every corpus line starts with an RFC 3164 timestamp and this host ("Dec 10 06:55:46 LabSZ "). */
    static final String HOST = "LabSZ";
    private static final int STAMP_LENGTH = 15;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final Instant CORPUS_READ = Instant.parse("2026-01-05T00:00:00Z");

    private final List<String> messages = new ArrayList<>();
    private final long[] offsetSeconds;
    private final List<LogEvent> templates = new ArrayList<>();
    private long stampedSecond = Long.MIN_VALUE;
    private String stamp;

    SshCorpus() throws IOException, InvalidInputException {
        List<String> lines = Files.readAllLines(FILE);
        offsetSeconds = new long[lines.size()];
        SyslogLineParser parser = new SyslogLineParser(CORPUS_READ, ZoneOffset.UTC);
        LogClassifier classifier = new LogClassifier();
        long first = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            SyslogRecord record = parser.parse(line, FILE.toString(), i + 1);
            if (!record.host().equals(HOST)) {
                throw new IllegalStateException(FILE + ":" + (i + 1) + " is not from " + HOST);
            }
            messages.add(line.substring(STAMP_LENGTH + 1 + HOST.length()));
            first = i == 0 ? record.timestamp().getEpochSecond() : first;
            offsetSeconds[i] = record.timestamp().getEpochSecond() - first;
            templates.addAll(classifier.classify(record.host(), record).events());
        }
    }

    int size() {
        return messages.size();
    }

    /** How long the corpus lasts, first line to last. */
    long spanSeconds() {
        return offsetSeconds[offsetSeconds.length - 1];
    }

    /** Seconds from the first line to line {@code i}. */
    long offsetSeconds(int i) {
        return offsetSeconds[i];
    }

    /** Line {@code i} as if written at {@code at} (to the second, in UTC) by {@code host}. */
    String line(int i, Instant at, String host) {
        long second = at.getEpochSecond();
        if (second != stampedSecond) {
            // a replay writes many lines per second: format the stamp once per second, not once per line
            stamp = STAMP.format(at);
            stampedSecond = second;
        }
        return stamp + " " + host + messages.get(i);
    }

    /** The events the corpus classifies into, in order: what a sender of ready-made events would send. */
    List<LogEvent> events() {
        return templates;
    }

    /** A new event like {@code template} at {@code at}: the engine keeps events by identity, so each send is a new one. */
    static LogEvent copy(LogEvent template, Instant at, String asset) {
        return new LogEvent(asset, at, template.getProgram(), template.getKind(), template.getAttributes(),
                template.getRaw());
    }

    /** The host pass {@code pass} of the corpus is replayed as: the corpus's own for one host, else one of {@code hosts}. */
    static String host(long pass, int hosts) {
        return hosts == 1 ? HOST : "host" + (pass % hosts);
    }
}
