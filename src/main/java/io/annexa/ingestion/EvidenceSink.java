package io.annexa.ingestion;

import io.annexa.evidence.EvidenceKey;
import java.util.List;

/** Where sources hand their facts over. Implementations must accept calls from any thread. */
public interface EvidenceSink {

    /** The facts of one fresh read, replacing those of the previous read under the same key. */
    void replace(EvidenceKey key, List<Object> facts);

    /** Timestamped events (log lines), added to the stream; they expire by themselves. */
    void events(List<?> events);
}
