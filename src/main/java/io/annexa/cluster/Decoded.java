package io.annexa.cluster;

import io.annexa.evidence.EvidenceKey;
import java.util.List;
import java.util.Map;

/**
 * What one record value carries: the argument of one {@link io.annexa.evidence.EvidenceSink} call. Which key a
 * {@link Facts} replaces is the record's key ({@link EvidenceCodec#evidenceKey}); a record without a value (a
 * tombstone) is a withdrawal and never gets here.
 */
public sealed interface Decoded {

    /** The facts of one fresh read: {@code replace(key, facts)}. Unmodifiable. */
    record Facts(List<Object> facts) implements Decoded {
        public Facts {
            facts = List.copyOf(facts);
        }
    }

    /** One collection of one host: {@code replaceSnapshot(asset, origin, evidence)}. Unmodifiable, in the order written. */
    record Snapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) implements Decoded {
    }

    /** Timestamped events, in the order written: {@code events(events)}. Unmodifiable. */
    record Events(List<Object> events) implements Decoded {
        public Events {
            events = List.copyOf(events);
        }
    }
}
