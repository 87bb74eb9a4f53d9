package io.annexa.it.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one partition from its first offset up to the end offset it had when reading began, without a consumer
 * group: how a node rebuilds a partition's state.
 */
final class PartitionReader {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private PartitionReader() {
    }

    static List<ConsumerRecord<String, String>> readFromBeginning(TestBroker broker, String topic, int partition) {
        TopicPartition topicPartition = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                // only what producers committed (idempotent producers write no aborted data, but transactional ones may)
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(topicPartition));
            consumer.seekToBeginning(List.of(topicPartition));
            long end = consumer.endOffsets(List.of(topicPartition), READ_TIMEOUT).get(topicPartition);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (consumer.position(topicPartition, READ_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topicPartition + " up to offset " + end + " within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).records(topicPartition).forEach(records::add);
            }
            return records;
        }
    }
}
