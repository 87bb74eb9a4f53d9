package io.annexa.cluster;

import io.annexa.evaluation.EventRetention;
import io.annexa.evaluation.RuleLibrary;
import io.annexa.evaluation.Evaluation;
import io.annexa.evaluation.EventStats;
import io.annexa.evaluation.Quarantine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * This instance's share of the estate: the partitions of the events topic the consumer group assigns it, each evaluated
 * by a {@link PartitionWorker} of its own.
 *
 * <p>Taking a partition over: claim its lease (the epoch rises, so the previous owner can no longer write), load its
 * evidence from the compacted topic up to its end, then read its events from {@code now − longest window}, which rebuilds
 * the windows of the rules that count; what the previous owner already reported comes again and the register absorbs
 * it. The partition is live once its events are read up to where they ended when it was assigned. Giving one up
 * (revoked) commits what is in the register and closes its session; losing one (the member was expelled) closes it
 * without committing.
 *
 * <p>Membership is the group's (the KIP-848 consumer protocol, static membership under the instance id), only the events
 * topic is subscribed; the evidence topic is read with a plain assignment that follows the events partitions owned,
 * always from its beginning, because it is the partitions' state, not a stream to resume.
 */
public final class ClusterNode implements Evaluation, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterNode.class.getName());
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration EVIDENCE_POLL = Duration.ofMillis(20);
    private static final Duration EVIDENCE_QUIET = Duration.ofMillis(200);
    private static final Duration EVIDENCE_GATHER = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMinutes(1);

    /** One owned partition as {@code GET /api/cluster} shows it. */
    public record PartitionStatus(int partition, String state, long epoch, long lag, Instant since) {
    }

    private final ClusterSettings settings;
    private volatile RuleLibrary library;
    private final PartitionRecorder.Claims claims;
    private final EvidenceCodec codec;
    private final ThreadFactory threads;
    private final EventRetention retention;
    private final int maxPendingEvents;
    private final int maxPendingFacts;
    private final Map<Integer, PartitionWorker> workers = new ConcurrentHashMap<>();
    private final Map<Integer, Instant> since = new ConcurrentHashMap<>();
    /** Events offsets where each partition ended when it was assigned: live once read up to there. Node thread only. */
    private final Map<Integer, Long> catchUpTo = new HashMap<>();
    private final Map<Integer, Long> lastCommitted = new HashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private volatile Map<Integer, Long> lags = Map.of();
    private volatile boolean running = true;
    private volatile boolean joined;
    private volatile Consumer<String, byte[]> consumer;
    private Consumer<String, byte[]> evidence;
    private Thread thread;

    /**
     * @param library       the library to start with; {@link #swap} replaces it
     */
    public ClusterNode(ClusterSettings settings, RuleLibrary library, PartitionRecorder.Claims claims, EvidenceCodec codec,
                       ThreadFactory threads, EventRetention retention,
                       int maxPendingEvents, int maxPendingFacts) {
        this.settings = settings;
        this.library = library;
        this.claims = claims;
        this.codec = codec;
        this.threads = threads;
        this.retention = retention;
        this.maxPendingEvents = maxPendingEvents;
        this.maxPendingFacts = maxPendingFacts;
    }

    public void start() {
        thread = threads.newThread(this::run);
        thread.setName("annexa-cluster-" + settings.instanceId());
        thread.start();
    }

    Properties groupProperties() {
        Properties properties = plainProperties("-events");
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        properties.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, settings.instanceId());
        return properties;
    }

    private Properties plainProperties(String client) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.instanceId() + client);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return properties;
    }

    private void run() {
        Consumer<String, byte[]> group = new KafkaConsumer<>(groupProperties(), new StringDeserializer(), new ByteArrayDeserializer());
        evidence = new KafkaConsumer<>(plainProperties("-evidence"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer = group;
        try {
            group.subscribe(List.of(settings.eventsTopic()), new Rebalance());
            while (running) {
                ConsumerRecords<String, byte[]> events = group.poll(POLL);
                joined = true;
                dispatchEvents(events);
                if (!evidence.assignment().isEmpty()) {
                    dispatchEvidence(gatherEvidence());
                }
                tick();
                dropLost();
                commit(false);
                lags = lags();
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.log(Level.SEVERE, "the cluster consumer stopped unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "the cluster consumer stopped; this instance no longer evaluates any partition", e);
        } finally {
            joined = false;
            // the group's consumer first: closing it gives the partitions up through the rebalance callbacks, which
            // commit what is in the register and still use the evidence consumer
            closeQuietly(group);
            closeQuietly(evidence);
            workers.values().forEach(PartitionWorker::close);
            workers.clear();
        }
    }

    private static void closeQuietly(Consumer<String, byte[]> closing) {
        try {
            closing.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a Kafka consumer did not close cleanly", e);
        }
    }

    private Instant nextTick = Instant.now().plus(TICK);

    private void tick() {
        if (Instant.now().isAfter(nextTick)) {
            workers.values().forEach(PartitionWorker::tick);
            nextTick = Instant.now().plus(TICK);
        }
    }

    private void dispatchEvents(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            PartitionWorker worker = workers.get(partition.partition());
            List<ConsumerRecord<String, byte[]>> batch = records.records(partition);
            if (worker == null || worker.lost()) {
                continue;
            }
            worker.events(batch);
            Long until = catchUpTo.get(partition.partition());
            if (until != null && batch.get(batch.size() - 1).offset() + 1 >= until) {
                catchUpTo.remove(partition.partition());
                worker.live();
                since.put(partition.partition(), Instant.now());
                LOG.info(() -> "partition " + partition.partition() + " rebuilt and live on " + settings.instanceId());
            }
        }
    }

    /** Each partition's records of one poll go to its session as one input. */
    private void dispatchEvidence(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            PartitionWorker worker = workers.get(partition.partition());
            if (worker != null && !worker.lost()) {
                worker.evidence(records.records(partition));
            }
        }
    }

    /**
     * Evidence arriving now, and what follows it closely: sources publish a set of files one file at a time (each waits
     * for the broker), so the set is gathered until the topic has been quiet for {@link #EVIDENCE_QUIET} (at most
     * {@link #EVIDENCE_GATHER}) and evaluated as one input, as the standalone engine would have taken it in one cycle.
     */
    private ConsumerRecords<String, byte[]> gatherEvidence() {
        ConsumerRecords<String, byte[]> first = evidence.poll(EVIDENCE_POLL);
        if (first.isEmpty()) {
            return first;
        }
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> gathered = new HashMap<>();
        add(gathered, first);
        long until = System.nanoTime() + EVIDENCE_GATHER.toNanos();
        while (System.nanoTime() < until) {
            ConsumerRecords<String, byte[]> more = evidence.poll(EVIDENCE_QUIET);
            if (more.isEmpty()) {
                break;
            }
            add(gathered, more);
        }
        Map<TopicPartition, OffsetAndMetadata> none = Map.of();
        return new ConsumerRecords<>(gathered, none);
    }

    private static void add(Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> gathered, ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            gathered.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(records.records(partition));
        }
    }

    /** A partition whose lease was taken over is paused until the group moves it: this instance writes nothing of it. */
    private void dropLost() {
        List<Integer> lost = workers.values().stream().filter(PartitionWorker::lost).map(PartitionWorker::partition).toList();
        for (int partition : lost) {
            close(partition);
            consumer.pause(List.of(events(partition)));
            unassignEvidence(List.of(partition));
        }
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        workers.values().forEach(worker -> {
            long durable = worker.durableOffset();
            if (durable >= 0 && !Long.valueOf(durable).equals(lastCommitted.get(worker.partition()))) {
                offsets.put(events(worker.partition()), new OffsetAndMetadata(durable));
                lastCommitted.put(worker.partition(), durable);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (done, failure) -> {
                if (failure != null) {
                    LOG.fine(() -> "offset commit failed, the next one carries it: " + failure);
                    done.keySet().forEach(tp -> lastCommitted.remove(tp.partition()));
                }
            });
        }
    }

    private Map<Integer, Long> lags() {
        Map<Integer, Long> now = new TreeMap<>();
        for (int partition : workers.keySet()) {
            OptionalLong lag = consumer.currentLag(events(partition));
            now.put(partition, lag.isPresent() ? lag.getAsLong() : -1L);
        }
        return Map.copyOf(now);
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition partition : assigned) {
                try {
                    takeOver(partition.partition());
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "cannot take partition " + partition.partition() + " over; it is paused here", e);
                    close(partition.partition());
                    consumer.pause(List.of(partition));
                }
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            commit(true);
            giveUp(revoked);
        }

        /** The member was expelled: another may already own these partitions, so nothing is committed for them. */
        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            giveUp(lost);
        }
    }

    private void giveUp(Collection<TopicPartition> partitions) {
        List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
        numbers.forEach(this::close);
        unassignEvidence(numbers);
    }

    private void takeOver(int partition) {
        if (workers.containsKey(partition)) {
            return;
        }
        Instant started = Instant.now();
        PartitionRecorder recorder = claims.claim(partition);
        PartitionWorker worker = new PartitionWorker(partition, library, recorder, codec, threads, maxPendingEvents,
                maxPendingFacts, retention, rejected);
        workers.put(partition, worker);
        since.put(partition, started);
        loadEvidence(partition);
        worker.evidenceLoaded();
        TopicPartition events = events(partition);
        long end = consumer.endOffsets(List.of(events)).get(events);
        long from = Instant.now().minus(longestWindow(library)).toEpochMilli();
        OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(events, from)).get(events);
        consumer.seek(events, start == null ? end : start.offset());
        OffsetAndMetadata committed = consumer.committed(Set.of(events)).get(events);
        if (committed != null) {
            worker.reportedBefore(committed.offset());
        }
        if (start == null || start.offset() >= end) {
            worker.live();
            since.put(partition, Instant.now());
        } else {
            catchUpTo.put(partition, end);
        }
        LOG.info(() -> "partition " + partition + " taken over by " + settings.instanceId() + ": evidence loaded in "
                + Duration.between(started, Instant.now()).toMillis() + " ms, events read from offset "
                + (start == null ? end : start.offset()) + " to " + end);
    }

    /** Reads the partition's evidence from the beginning of the compacted topic up to its end now. */
    private void loadEvidence(int partition) {
        TopicPartition topicPartition = new TopicPartition(settings.evidenceTopic(), partition);
        Set<TopicPartition> assignment = new HashSet<>(evidence.assignment());
        assignment.add(topicPartition);
        evidence.assign(assignment);
        evidence.seekToBeginning(List.of(topicPartition));
        long end = evidence.endOffsets(List.of(topicPartition)).get(topicPartition);
        while (evidence.position(topicPartition) < end) {
            dispatchEvidence(evidence.poll(POLL));
        }
    }

    private void unassignEvidence(Collection<Integer> partitions) {
        Set<TopicPartition> assignment = new HashSet<>(evidence.assignment());
        partitions.forEach(p -> assignment.remove(new TopicPartition(settings.evidenceTopic(), p)));
        evidence.assign(assignment);
    }

    private void close(int partition) {
        PartitionWorker worker = workers.remove(partition);
        catchUpTo.remove(partition);
        lastCommitted.remove(partition);
        since.remove(partition);
        if (worker != null) {
            worker.close();
        }
    }

    private TopicPartition events(int partition) {
        return new TopicPartition(settings.eventsTopic(), partition);
    }

    /** How far back a partition's events are read when it is taken over: the longest window an enabled rule counts in. */
    public static Duration longestWindow(RuleLibrary library) {
        io.annexa.evaluation.EventInterest interest = library.eventInterest();
        return library.rules().stream().filter(rule -> library.isEnabled(rule.id()))
                .map(rule -> interest.window(rule.id())).flatMap(java.util.Optional::stream)
                .max(java.util.Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    @Override
    public RuleLibrary library() {
        return library;
    }

    /**
     * Puts new rules in service in every owned partition's session; completes when all have them, and partitions taken
     * over from then on start with them.
     */
    @Override
    public CompletableFuture<RuleLibrary> swap(RuleLibrary next) {
        List<CompletableFuture<RuleLibrary>> swaps = new ArrayList<>();
        workers.values().forEach(worker -> swaps.add(worker.swap(next)));
        return CompletableFuture.allOf(swaps.toArray(CompletableFuture[]::new)).thenApply(done -> {
            library = next;
            return next;
        });
    }

    public String instanceId() {
        return settings.instanceId();
    }

    /** The partitions this instance owns now, with their state and how many events they have still to read. */
    public List<PartitionStatus> partitions() {
        Map<Integer, Long> lag = lags;
        return workers.values().stream()
                .sorted(java.util.Comparator.comparingInt(PartitionWorker::partition))
                .map(w -> new PartitionStatus(w.partition(), w.state().name().toLowerCase(), w.epoch(), lag.getOrDefault(w.partition(), -1L),
                        since.get(w.partition())))
                .toList();
    }

    /**
     * The events offset of a partition up to which every event is in a result recorded in the register (what the next
     * commit carries), or -1 when this instance does not own the partition or has recorded none of its events yet.
     * Unlike {@link PartitionStatus#state()}, which turns live once the events are handed to the session, this says
     * when they are evaluated and stored.
     */
    public long recordedUpTo(int partition) {
        PartitionWorker worker = workers.get(partition);
        return worker == null ? -1 : worker.durableOffset();
    }

    /** Ready once it has joined the group and every partition it owns is rebuilt. */
    public boolean ready() {
        return joined && isRunning()
                && workers.values().stream().allMatch(w -> w.state() == PartitionWorker.State.LIVE);
    }

    /** Every owned partition's quarantines, one per rule (a rule failing in one session fails alike in the others). */
    @Override
    public List<Quarantine> quarantines() {
        Map<String, Quarantine> byRule = new TreeMap<>();
        workers.values().forEach(w -> w.engine().quarantines().forEach(q -> byRule.putIfAbsent(q.ruleId(), q)));
        return List.copyOf(byRule.values());
    }

    @Override
    public Map<String, Long> firings() {
        Map<String, Long> sum = new HashMap<>();
        workers.values().forEach(w -> w.engine().firings().forEach((id, n) -> sum.merge(id, n, Long::sum)));
        return sum;
    }

    @Override
    public Map<String, Instant> lastEvaluated() {
        Map<String, Instant> latest = new HashMap<>();
        workers.values().forEach(w -> w.engine().lastEvaluated().forEach((id, at) -> latest.merge(id, at,
                (a, b) -> a.isAfter(b) ? a : b)));
        return latest;
    }

    @Override
    public EventStats eventStats() {
        return Evaluation.merged(workers.values().stream().map(w -> w.engine().eventStats()).toList());
    }

    @Override
    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    /** Records that could not be decoded and were skipped. */
    public long rejected() {
        return rejected.get();
    }

    @Override
    public void close() {
        running = false;
        Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
