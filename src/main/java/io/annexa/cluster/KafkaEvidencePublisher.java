package io.annexa.cluster;

import io.annexa.evidence.EvidenceKey;
import io.annexa.evidence.EvidenceSink;
import io.annexa.evidence.LogEvent;
import io.annexa.evidence.SnapshotKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sink sources hand their facts to in cluster mode: instead of the local engine, the topics, in the partition of
 * the asset, where whichever instance owns that partition evaluates them.
 *
 * <p>Evidence goes to the compacted topic under its key (asset, source, origin), so the topic always holds the latest read
 * of every piece of evidence and a partition's state can be rebuilt from it; a withdrawal is a tombstone. Events go to
 * the events topic keyed by asset. Each call returns once the broker has the records ({@code acks=all}, idempotent
 * producer): a source marks a file read only after that, so nothing a source took in is lost with this instance, and a
 * broker that cannot keep up slows the sources down as the local engine's bounded queue does.
 */
public final class KafkaEvidencePublisher implements EvidenceSink, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaEvidencePublisher.class.getName());
    /** Where a host snapshot is filed: not a source name (those are lower-case words), so no read collides with it. */
    static final String SNAPSHOT_SOURCE = "#snapshot";

    private final Producer<String, byte[]> producer;
    private final EvidenceCodec codec;
    private final ClusterSettings settings;
    private final int partitions;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public KafkaEvidencePublisher(ClusterSettings settings, int partitions, EvidenceCodec codec) {
        this(new KafkaProducer<>(producerProperties(settings), new StringSerializer(), new ByteArraySerializer()),
                settings, partitions, codec);
    }

    KafkaEvidencePublisher(Producer<String, byte[]> producer, ClusterSettings settings, int partitions, EvidenceCodec codec) {
        this.producer = producer;
        this.settings = settings;
        this.partitions = partitions;
        this.codec = codec;
    }

    static Properties producerProperties(ClusterSettings settings) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, settings.instanceId() + "-sources");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ClusterTopics.MAX_RECORD_BYTES);
        return properties;
    }

    @Override
    public void replace(EvidenceKey key, List<Object> facts) {
        await(send(settings.evidenceTopic(), key.asset(), EvidenceCodec.recordKey(key), encoded(() -> codec.facts(facts))));
    }

    /** One record, so whoever evaluates it applies the whole snapshot in one step, as the local engine does. */
    @Override
    public void replaceSnapshot(String asset, String origin, Map<EvidenceKey, List<Object>> evidence) {
        SnapshotKeys.check(asset, origin, evidence.keySet());
        await(send(settings.evidenceTopic(), asset, EvidenceCodec.recordKey(new EvidenceKey(SNAPSHOT_SOURCE, asset, origin)),
                encoded(() -> codec.snapshot(asset, origin, evidence))));
    }

    @Override
    public void withdraw(EvidenceKey key) {
        await(send(settings.evidenceTopic(), key.asset(), EvidenceCodec.recordKey(key), null));
    }

    @Override
    public void events(List<?> events) {
        await(sendEvents(events));
    }

    /** Never waits for the broker: a sender that cannot be slowed down (UDP) must not be; failures are counted. */
    @Override
    public boolean offerEvents(List<?> events) {
        sendEvents(events);
        return true;
    }

    private List<Future<RecordMetadata>> sendEvents(List<?> events) {
        Map<String, List<Object>> byAsset = new LinkedHashMap<>();
        for (Object event : events) {
            if (!(event instanceof LogEvent log)) {
                throw new IllegalArgumentException("only log events are published as events, not " + event.getClass().getSimpleName());
            }
            byAsset.computeIfAbsent(log.getAsset(), a -> new ArrayList<>()).add(log);
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(byAsset.size());
        byAsset.forEach((asset, batch) -> sent.addAll(send(settings.eventsTopic(), asset, asset, encoded(() -> codec.events(batch)))));
        return sent;
    }

    private interface Encoding {
        byte[] value() throws EvidenceCodecException;
    }

    /** What a source hands over and cannot be encoded (too large, a type no rule could read) is refused to the source. */
    private static byte[] encoded(Encoding encoding) {
        try {
            return encoding.value();
        } catch (EvidenceCodecException e) {
            throw new IllegalArgumentException("cannot publish: " + e.getMessage(), e);
        }
    }

    private List<Future<RecordMetadata>> send(String topic, String asset, String key, byte[] value) {
        int partition = AssetPartitioner.partition(asset, partitions);
        return List.of(producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, failure) -> {
            if (failure == null) {
                published.incrementAndGet();
            } else {
                failed.incrementAndGet();
                LOG.log(Level.WARNING, "cannot publish to " + topic + " (asset " + asset + ")", failure);
            }
        }));
    }

    private static void await(List<Future<RecordMetadata>> sent) {
        try {
            for (Future<RecordMetadata> future : sent) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing evidence", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker did not take the evidence: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Records the broker acknowledged. */
    public long published() {
        return published.get();
    }

    /** Records the broker refused or that timed out (events offered without waiting among them). */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
