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

    /** Timestamped events (log lines), added to the stream; they expire by themselves. */
    void events(List<?> events);

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

        /** The next events of the replay, in the order they were written. */
        void events(List<?> events);

        /** Ends the replay: everything handed over has been read. */
        @Override
        void close();
    }
}
