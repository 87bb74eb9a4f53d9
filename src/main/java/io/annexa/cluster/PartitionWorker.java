package io.annexa.cluster;

import io.annexa.evaluation.EvaluationEngine;
import io.annexa.evaluation.EvaluationResult;
import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evidence.EvidenceKey;
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
    /** The events offset up to which everything is in the register: safe to commit. */
    private volatile long durable = -1;
    private long handed = -1;
    /** Whether the evidence topic was read up to where it ended at the take-over. Evaluation thread only. */
    private boolean evidenceLoaded;
    /** The results of the cycles before that, merged, not recorded yet. Evaluation thread only. */
    private EvaluationResult held;

    PartitionWorker(int partition, RuleLibrary library, PartitionRecorder recorder, EvidenceCodec codec, ThreadFactory threads,
                    int maxPendingEvents, int maxPendingFacts, EventRetention retention, AtomicLong rejected) {
        this.partition = partition;
        this.recorder = recorder;
        this.codec = codec;
        this.rejected = rejected;
        this.engine = new EvaluationEngine(library, this::record, threads, maxPendingEvents, maxPendingFacts, retention);
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

    /** One record of the evidence topic: a read, a host snapshot or a tombstone. */
    void evidence(ConsumerRecord<String, byte[]> record) {
        try {
            EvidenceKey key = EvidenceCodec.evidenceKey(record.key());
            if (record.value() == null) {
                if (KafkaEvidencePublisher.SNAPSHOT_SOURCE.equals(key.source())) {
                    engine.replaceSnapshot(key.asset(), key.origin(), Map.of());
                } else {
                    engine.withdraw(key);
                }
                return;
            }
            Decoded decoded = codec.decode(record.value());
            if (decoded instanceof Decoded.Facts facts) {
                engine.replace(key, facts.facts());
            } else if (decoded instanceof Decoded.Snapshot snapshot) {
                engine.replaceSnapshot(snapshot.asset(), snapshot.origin(), snapshot.evidence());
            } else {
                throw new EvidenceCodecException("(record)", "events in the evidence topic");
            }
        } catch (EvidenceCodecException | RuntimeException e) {
            reject(record, e);
        }
    }

    /**
     * The partition's evidence was read up to where it ended at the take-over: from the next cycle on, results are
     * recorded. Before, a cycle's result can stand on a read the topic holds a later one of (the log cleaner had not
     * compacted it away yet, or it is in the active segment, which is never compacted): a host fixed since would have its
     * nonconformity reopened, then resolved again, a withdrawn read would open nonconformities, then withdraw them. So
     * those results are held and merged into the first one recorded, which loses none of their incidents or re-reads.
     */
    void evidenceLoaded() {
        engine.whenApplied(() -> evidenceLoaded = true);
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
        if (!events.isEmpty()) {
            engine.events(events);
        }
        long next = records.get(records.size() - 1).offset() + 1;
        handed = next;
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
        if (!evidenceLoaded) {
            held = held == null ? result : held.supersededBy(result);
            return;
        }
        EvaluationResult recorded = held == null ? result : held.supersededBy(result);
        long upTo = applied;
        try {
            recorder.record(recorded);
            held = null;
            durable = upTo;
        } catch (PartitionLostException e) {
            state = State.LOST;
            LOG.warning(() -> "partition " + partition + " was taken over: " + e.getMessage() + "; it is no longer evaluated here");
        }
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

    /** The next events offset handed to the session. */
    long handedOffset() {
        return handed;
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
