package io.annexa.evidence;

import java.util.List;

/** Where sources hand their facts over. Implementations must accept calls from any thread. */
public interface EvidenceSink {

    /** The facts of one fresh read, replacing those of the previous read under the same key. */
    void replace(EvidenceKey key, List<Object> facts);

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
