package io.annexa.ingestion.log;

import io.annexa.evidence.InvalidAssetNameException;
import io.annexa.evidence.LogEvent;
import io.annexa.ingestion.ConfigLines;
import io.annexa.evidence.InvalidInputException;
import io.annexa.evidence.ScenarioFacts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads a log scenario: syslog lines (RFC 3164 as in auth.log, or RFC 5424), parsed and classified exactly as
 * the log routes do. Yearless timestamps are read in UTC and placed in the year before the observation time.
 * Unlike a route, a scenario refuses a line it cannot parse: a rule's test must not quietly test less.
 */
public final class LogScenario {

    private LogScenario() {
    }

    public static ScenarioFacts read(Path file, String asset, Instant observedAt) throws IOException, InvalidInputException {
        SyslogLineParser parser = new SyslogLineParser(observedAt, ZoneOffset.UTC);
        LogClassifier classifier = new LogClassifier();
        List<LogEvent> events = new ArrayList<>();
        // not Files.readAllLines: its MalformedInputException names neither the file nor the line
        List<String> lines = ConfigLines.read(file, "a log");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            SyslogRecord record = parser.parse(line, file.toString(), i + 1);
            String host = record.host().isBlank() ? asset : record.host();
            try {
                events.addAll(classifier.classify(host, record).events());
            } catch (InvalidAssetNameException e) {
                // the routes dead-letter such a line; a scenario refuses it at its line, like any line it cannot read
                throw new InvalidInputException(file.toString(), i + 1, e.getMessage());
            }
        }
        events.sort(Comparator.comparing(LogEvent::getTimestamp));
        return new ScenarioFacts(Map.of(), events);
    }
}
