package io.annexa.ingestion.log;

import io.annexa.evidence.LogEvent;
import java.util.List;

/**
 * What one log line says, as typed events. A line may say nothing Annexa understands
 * ({@code classified == false}): it is then counted as unclassified, never silently dropped.
 * One line may also stand for several identical ones ({@code message repeated 3 times: [...]}): its event then
 * carries that count ({@link LogEvent#getRepeat()}).
 */
public record Classification(List<LogEvent> events, boolean classified) {

    public Classification {
        events = List.copyOf(events);
    }

    public static Classification unclassified() {
        return new Classification(List.of(), false);
    }
}
