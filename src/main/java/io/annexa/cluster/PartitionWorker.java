package io.annexa.cluster;

import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One owned partition: a session of its own, fed with the partition's evidence and events, recording into the register
 * under the partition's lease. Events are acknowledged (their offset becomes committable) only once a result that
 * includes them is in the register, so a crash before that replays them instead of losing them.
 */
final class PartitionWorker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PartitionWorker.class.getName());

    enum State { REBUILDING, LIVE, LOST }

    private final int partition;
    private final EvaluationEngine engine;
    private final PartitionRecorder recorder;
    private final EvidenceCodec codec;
    private final AtomicLong rejected;
    private volatile State state = State.REBUILDING;
    /** The events offset up to which everything was applied to the session. Evaluation thread only. */
    private long applied = -1;
    /** The events offset up to which events may have been applied (their batch started). Evaluation thread only. */
    private long applying = -1;
    /** The events offset up to which everything is in the register: safe to commit. */
    private volatile long durable = -1;
    /** Events offsets at or below which the previous owner already reported the incidents ({@link #reportedBefore}). */
    private volatile long reportedBefore = -1;

    PartitionWorker(int partition, RuleLibrary library, PartitionRecorder recorder, EvidenceCodec codec, ThreadFactory threads,
                    int maxPendingEvents, int maxPendingFacts, EventRetention retention, AtomicLong rejected) {
        this.partition = partition;
        this.recorder = recorder;
        this.codec = codec;
        this.rejected = rejected;
        this.engine = new EvaluationEngine(library, this::record, threads, maxPendingEvents, maxPendingFacts, retention);
        // nothing reaches the register before the partition's evidence is all in the session
        engine.holdResults();
    }

    /** The partition's evidence is all in the session: its results may be recorded. */
    void evidenceLoaded() {
        engine.releaseResults();
    }

    int partition() {
        return partition;
    }

    State state() {
        return state;
    }

    void live() {
        if (state == State.REBUILDING) {
            state = State.LIVE;
        }
    }

    boolean lost() {
        return state == State.LOST;
    }

    EvaluationEngine engine() {
        return engine;
    }

    /**
     * Records of the evidence topic (reads, host snapshots, tombstones), in offset order, applied as one input: what
     * arrived together is evaluated together, so a cycle never sees one file of a set without the others it refers to.
     */
    void evidence(List<ConsumerRecord<String, byte[]>> records) {
        engine.together(sink -> records.forEach(record -> apply(record, sink)));
    }

    private void apply(ConsumerRecord<String, byte[]> record, EvidenceSink sink) {
        try {
            EvidenceKey key = EvidenceCodec.evidenceKey(record.key());
            if (record.value() == null) {
                if (KafkaEvidencePublisher.SNAPSHOT_SOURCE.equals(key.source())) {
                    sink.replaceSnapshot(key.asset(), key.origin(), Map.of());
                } else {
                    sink.withdraw(key);
                }
                return;
            }
            Decoded decoded = codec.decode(record.value());
            if (decoded instanceof Decoded.Facts facts) {
                sink.replace(key, facts.facts());
            } else if (decoded instanceof Decoded.Snapshot snapshot) {
                sink.replaceSnapshot(snapshot.asset(), snapshot.origin(), snapshot.evidence());
            } else {
                throw new EvidenceCodecException("(record)", "events in the evidence topic");
            }
        } catch (EvidenceCodecException | RuntimeException e) {
            reject(record, e);
        }
    }

    /** Records of the events topic, in offset order. */
    void events(List<ConsumerRecord<String, byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        List<Object> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                if (codec.decode(record.value()) instanceof Decoded.Events decoded) {
                    events.addAll(decoded.events());
                } else {
                    throw new EvidenceCodecException("(record)", "evidence in the events topic");
                }
            } catch (EvidenceCodecException | RuntimeException e) {
                reject(record, e);
            }
        }
        long next = records.get(records.size() - 1).offset() + 1;
        // before the events: a cycle that may have applied any of them knows it (the engine can fire between two inputs)
        engine.whenApplied(() -> applying = next);
        if (!events.isEmpty()) {
            engine.events(events);
        }
        engine.whenApplied(() -> applied = next);
    }

    private void reject(ConsumerRecord<String, byte[]> record, Exception e) {
        rejected.incrementAndGet();
        LOG.log(Level.WARNING, "record " + record.topic() + "-" + record.partition() + "@" + record.offset()
                + " cannot be evaluated and is skipped: " + e.getMessage());
    }

    /** Evaluation thread: the cycle's result includes everything applied before it, markers included. */
    private void record(EvaluationResult result) {
        if (state == State.LOST) {
            return;
        }
        long upTo = applied;
        EvaluationResult recorded = applying <= reportedBefore && !result.incidents().isEmpty() ? withoutIncidents(result) : result;
        try {
            // the session's own library: the rules this result was made with, even while a deployment reaches the others
            recorder.record(recorded, id -> engine.library().enabledRule(id));
            durable = upTo;
        } catch (PartitionLostException e) {
            state = State.LOST;
            LOG.warning(() -> "partition " + partition + " was taken over: " + e.getMessage() + "; it is no longer evaluated here");
        }
    }

    /**
     * The events below {@code offset} were evaluated by the previous owner, which committed them only once their results
     * were in the register: their incidents were reported. Replayed here to rebuild the windows, they may fire again
     * with another count (a burst at the edge of the window read back), which would be a new occurrence of something
     * already reported; so a cycle that applied only such events reports no incident. A burst completed by a newer
     * event fires in a later cycle and is reported.
     */
    void reportedBefore(long offset) {
        reportedBefore = offset;
    }

    private static EvaluationResult withoutIncidents(EvaluationResult result) {
        return new EvaluationResult(result.at(), result.findings(), result.observed(), result.refreshed(), result.fired(),
                List.of(), result.removed(), result.unevaluated());
    }

    /** Time-driven lifecycle changes of this partition's nonconformities; a database failure waits for the next tick. */
    void tick() {
        if (state == State.LOST) {
            return;
        }
        try {
            recorder.tick();
        } catch (PartitionLostException e) {
            state = State.LOST;
            LOG.warning(() -> "partition " + partition + " was taken over: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "partition " + partition + ": the lifecycle's timed changes failed; retried at the next tick", e);
        }
    }

    long epoch() {
        return recorder.epoch();
    }

    /** The offset to commit for the events topic, or -1 while nothing new is in the register. */
    long durableOffset() {
        return durable;
    }

    CompletableFuture<RuleLibrary> swap(RuleLibrary next) {
        return engine.swap(next);
    }

    @Override
    public void close() {
        engine.close();
        recorder.close();
    }
}
