package io.annexa.evidence;

import java.util.List;
import java.util.Map;

/** Where sources hand their facts over. Implementations must accept calls from any thread. */
public interface EvidenceSink {

    /** The facts of one fresh read, replacing those of the previous read under the same key. */
    void replace(EvidenceKey key, List<Object> facts);

    /**
     * One collection of one host (a snapshot: its files as they lie on the host, every kind at once) replacing the
     * previous one in a single evaluation: every key of {@code asset} whose origin is {@code origin}, or below it
     * ({@code origin/part}), that {@code evidence} does not have is withdrawn, and the others are replaced, so that no
     * cycle sees half of one snapshot and half of the other. A kind the new snapshot lacks is reported removed.
     *
     * <p>The default hands the keys over one by one and cannot withdraw the keys it was not given: a sink that holds
     * evidence overrides it.
     *
     * @param evidence every key must be of {@code asset} and of {@code origin} or below it
     */
    default void replaceSnapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
        SnapshotKeys.check(asset, origin, evidence.keySet());
        evidence.forEach(this::replace);
    }

    /**
     * The evidence under this key no longer exists (its file was deleted, its host left the scan): its facts are
     * retracted. A key the sink does not hold is no error: after a restart, that is how a source says that what it
     * delivered before the restart is gone.
     */
    void withdraw(EvidenceKey key);

    /**
     * Timestamped events (log lines), added to the stream; they expire by themselves. A sink may hold only so many
     * events not yet evaluated: while it is full, this call blocks until there is room, which is how a source that
     * can wait (a followed file, a TCP connection) is slowed down to the sink's pace instead of filling the heap.
     */
    void events(List<?> events);

    /**
     * Like {@link #events}, for senders that cannot be slowed down (UDP): never blocks; when the sink is full the
     * events are not taken, and the caller counts them as dropped.
     *
     * @return false when the events were refused because the sink is full
     */
    default boolean offerEvents(List<?> events) {
        events(events);
        return true;
    }

    /**
     * Opens a replay: the events of a whole log file, evaluated on their own timeline (a clock that follows
     * their timestamps) instead of the live stream's, where events hours old would expire on arrival.
     * What a replay finds is reported when it is closed. Sinks without a timeline of their own add the
     * events to the stream.
     *
     * @param name what is replayed, for the log
     */
    default Replay replay(String name) {
        return new Replay() {
            @Override
            public void events(List<?> events) {
                EvidenceSink.this.events(events);
            }

            @Override
            public void close() {
            }
        };
    }

    /** One replay in progress; used by one thread. */
    interface Replay extends AutoCloseable {

        /** The next events of the replay, in the order they were written; blocks like {@link EvidenceSink#events} while the sink is full. */
        void events(List<?> events);

        /** Ends the replay: everything handed over has been read. */
        @Override
        void close();
    }
}
